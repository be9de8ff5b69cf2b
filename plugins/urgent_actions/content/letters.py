"""Compose the letter a reader sends, exactly as the content model says.

salutation, blank line, body, blank line, closing, blank line, name, town
(or a line to sign in the letter's language). The letter is data, never a
template: nothing in it is evaluated. It is composed here only
(:func:`compose`); pages, printed letters, links and feeds show the parts of
the :class:`ComposedLetter` it returns.

Every word the site adds to a letter (salutation by default, closing by
default, the line to sign, the date, the copy notice) is in the letter's
language. Text in another direction than the letter's is isolated: Unicode
isolates (FSI ... PDI) in the plain text that goes into links and the
clipboard, ``<bdi>`` in HTML (``scripts.script_runs`` tells the templates where).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import wording
from .scripts import isolate_line, isolate_text

# Letter languages written right to left: their letters are laid out so.
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})

# A polite closing per letter language, used when a letter has none.
DEFAULT_CLOSINGS = {
    "fr": "Je vous prie d'agréer l'expression de ma haute considération.",
    "en": "Yours sincerely,",
    "nl": "Hoogachtend,",
    "de": "Mit freundlichen Grüßen",
    "es": "Atentamente,",
    "it": "Distinti saluti,",
    "pt": "Atenciosamente,",
    "ar": "وتفضلوا بقبول فائق الاحترام،",
    "fa": "با احترام،",
    "ru": "С уважением,",
    "tr": "Saygılarımla,",
    "zh": "此致敬礼",
}


# A neutral salutation per letter language, used when a target has none in
# the letter's language (an authority's own salutation is always better).
DEFAULT_SALUTATIONS = {
    "fr": "Madame, Monsieur,",
    "en": "Dear Sir or Madam,",
    "nl": "Geachte heer, mevrouw,",
    "de": "Sehr geehrte Damen und Herren,",
    "es": "Señora, señor:",
    "it": "Gentili Signore e Signori,",
    "pt": "Excelentíssimos Senhores,",
    "ar": "حضرات السادة المحترمين،",
    "fa": "با سلام و احترام،",
    "ru": "Уважаемые господа!",
    "tr": "Sayın Yetkili,",
    "zh": "尊敬的先生/女士：",
}

# Words the site adds around a letter, per letter language: the line to sign
# and the town when the reader gives neither, the date to write by hand (the
# postal mailing's letters are signed days later), the notice on a copy (in
# French, "{to_recipient}" is the name with its preposition and article: "au
# Procureur général", content/wording.py), and the list of copies under the
# signature.
LETTER_WORDS = {
    "fr": {
        "name": "[Votre nom]",
        "town": "[Votre ville]",
        "date": "[Date]",
        "copy": "Copie de la lettre adressée {to_recipient}",
        "copies": "Copie : ",
    },
    "en": {
        "name": "[Your name]",
        "town": "[Your town]",
        "date": "[Date]",
        "copy": "Copy of the letter sent to {recipient}",
        "copies": "Copy to: ",
    },
    "nl": {
        "name": "[Uw naam]",
        "town": "[Uw woonplaats]",
        "date": "[Datum]",
        "copy": "Kopie van de brief aan {recipient}",
        "copies": "Kopie: ",
    },
    "de": {
        "name": "[Ihr Name]",
        "town": "[Ihr Wohnort]",
        "date": "[Datum]",
        "copy": "Kopie des Schreibens an {recipient}",
        "copies": "Kopie an: ",
    },
    "es": {
        "name": "[Su nombre]",
        "town": "[Su ciudad]",
        "date": "[Fecha]",
        "copy": "Copia de la carta enviada a {recipient}",
        "copies": "Copia a: ",
    },
    "it": {
        "name": "[Il suo nome]",
        "town": "[La sua città]",
        "date": "[Data]",
        "copy": "Copia della lettera inviata a {recipient}",
        "copies": "Copia a: ",
    },
    "pt": {
        "name": "[O seu nome]",
        "town": "[A sua cidade]",
        "date": "[Data]",
        "copy": "Cópia da carta enviada a {recipient}",
        "copies": "Cópia para: ",
    },
    "ar": {
        "name": "[اسمك]",
        "town": "[مدينتك]",
        "date": "[التاريخ]",
        "copy": "نسخة من الرسالة الموجهة إلى {recipient}",
        "copies": "نسخة إلى: ",
    },
    "fa": {
        "name": "[نام شما]",
        "town": "[شهر شما]",
        "date": "[تاریخ]",
        "copy": "رونوشت نامه به {recipient}",
        "copies": "رونوشت: ",
    },
    "ru": {
        "name": "[Ваше имя]",
        "town": "[Ваш город]",
        "date": "[Дата]",
        "copy": "Копия письма. Адресат: {recipient}",
        "copies": "Копия: ",
    },
    "tr": {
        "name": "[Adınız]",
        "town": "[Şehriniz]",
        "date": "[Tarih]",
        "copy": "Mektubun kopyası. Alıcı: {recipient}",
        "copies": "Bilgi: ",
    },
    "zh": {
        "name": "[您的姓名]",
        "town": "[您的城市]",
        "date": "[日期]",
        "copy": "致{recipient}信函的副本",
        "copies": "抄送：",
    },
}
# A letter in another language gets the words of the project's own language.
FALLBACK_WORDS_LANGUAGE = "fr"


def letter_words(language: str) -> dict[str, str]:
    """The words the site adds to a letter in ``language`` (see LETTER_WORDS)."""
    return LETTER_WORDS.get(language) or LETTER_WORDS[FALLBACK_WORDS_LANGUAGE]


def words_language(language: str) -> str:
    """The language :func:`letter_words` answers in for a letter in ``language``."""
    return language if language in LETTER_WORDS else FALLBACK_WORDS_LANGUAGE


def letter_date(date: dt.date, language: str) -> str:
    """The date of a letter, written as the letter's language writes it
    (wording.long_date: '1 December 2026', '1er décembre 2026')."""
    return wording.long_date(date, language)


def salutation_for(salutation, language: str, first_language: str) -> str | None:
    """The salutation of a letter in ``language`` to an authority whose own is
    ``salutation`` (a string, meaning the language of the action's first letter
    ``first_language``, or a mapping language -> string): the authority's in that
    language, else the project's default for it, else None."""
    own = None
    if isinstance(salutation, dict):
        own = salutation.get(language)
    elif salutation and language == first_language:
        own = salutation
    return normalise_text(own) if own else DEFAULT_SALUTATIONS.get(language)


def normalise_text(text: str) -> str:
    """Plain text with LF line ends, no trailing spaces, no blank lines at the ends."""
    lines = [line.rstrip() for line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines."""
    blocks, current = [], []
    for line in normalise_text(text).split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def text_direction(language: str) -> str:
    """'rtl' for a language written right to left, else 'ltr' (the HTML ``dir``)."""
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def closing_for(letter_closing: str | None, language: str) -> str:
    """The letter's closing, or the default one of its language."""
    return normalise_text(letter_closing) if letter_closing else DEFAULT_CLOSINGS[language]


@dataclass(frozen=True)
class ComposedLetter:
    """A letter as a reader sends it to one target, before their name and town.

    The parts are as written (for HTML, which isolates with ``<bdi>``); the
    plain text (:attr:`text`, :meth:`signed`, :attr:`plain_subject`) carries
    Unicode isolates where a line runs in the other direction."""

    language: str
    subject: str
    salutation: str | None  # None when the target has none
    body: tuple[str, ...]  # its paragraphs
    closing: str  # the letter's own, or the default of its language

    @property
    def direction(self) -> str:
        """'ltr' or 'rtl': the letter's direction (its ``dir``)."""
        return text_direction(self.language)

    @property
    def words(self) -> dict[str, str]:
        """The words the site adds, in the letter's language (LETTER_WORDS)."""
        return letter_words(self.language)

    @property
    def words_language(self) -> str:
        """The language of :attr:`words` (the letter's, or the fallback's)."""
        return words_language(self.language)

    def copy_notice(self, recipient) -> tuple[str, str]:
        """The notice on a printed copy, around the name of the letter's ``recipient``
        (an authority; in French with its preposition and article)."""
        text = self.words["copy"]
        if "{to_recipient}" in text:
            before, _, after = text.partition("{to_recipient}")
            return before + wording.with_preposition("à", recipient), after
        before, _, after = text.partition("{recipient}")
        return before, after

    @property
    def paragraphs(self) -> list[str]:
        """Every paragraph, salutation to closing (what a printed letter shows)."""
        head = [self.salutation] if self.salutation else []
        return [*head, *self.body, *paragraphs(self.closing)]

    @property
    def plain_subject(self) -> str:
        """The subject as links carry it (isolated when in the other direction)."""
        return isolate_line(self.subject, self.direction)

    @property
    def unsigned_text(self) -> str:
        """The plain text from salutation to closing, LF line ends (what
        ``act.js`` signs with the reader's name and town)."""
        parts = [self.salutation] if self.salutation else []
        parts.append("\n\n".join(self.body))
        parts.append(self.closing)
        return isolate_text("\n\n".join(parts), self.direction)

    def signature(self, name: str = "", town: str = "") -> str:
        """The lines under the closing: the name and town when given (each
        isolated when in the other direction), else the line to sign."""
        lines = [x.strip() for x in (name, town) if x.strip()]
        if not name.strip():
            lines.insert(0, self.words["name"])
        return isolate_text("\n".join(lines), self.direction)

    @property
    def text(self) -> str:
        """The full text, LF line ends, with a line to sign (no name given)."""
        return self.signed()

    def signed(self, name: str = "", town: str = "") -> str:
        """The full text, LF line ends, signed with ``name`` and ``town``; the
        line to sign of the letter's language when no name is given."""
        return self.unsigned_text + "\n\n" + self.signature(name, town)


def compose(letter, salutation, first_language: str | None = None) -> ComposedLetter:
    """``letter`` (a model ``Letter``) to a target whose salutation is
    ``salutation`` (see :func:`salutation_for`; ``first_language`` is the
    language of the action's first letter, which a single string is in:
    default, this letter's)."""
    return ComposedLetter(
        language=letter.language,
        subject=letter.subject,
        salutation=salutation_for(salutation, letter.language, first_language or letter.language),
        body=tuple(paragraphs(letter.body)),
        closing=closing_for(letter.closing, letter.language),
    )


# What a printed page holds, for the build's warning about long letters, in
# lines of 10.5 pt text (4.8 mm) in the print layout (theme/static/css/
# print-letter.css), as measured in Chromium on French prose: about 87
# characters a line; page 1 from under the window (98.5 mm) to 271 mm, the
# next pages from under the sender line (31 mm). A letter of 5,000 characters
# in paragraphs of 450 takes 1.8 pages.
PRINT_CHARS_PER_LINE = 87
PRINT_LINES_FIRST_PAGE = 35
PRINT_LINES_NEXT_PAGE = 49
PRINT_PARAGRAPH_GAP = 0.62  # 3 mm between paragraphs
PRINT_SIGNATURE_LINES = 3.5  # 12 mm of room to sign, then the name


def printed_pages(letter: ComposedLetter) -> int:
    """About how many A4 pages the printed letter takes, subject to signature."""
    lines = 1 + PRINT_PARAGRAPH_GAP  # the subject
    for block in letter.paragraphs:
        for line in block.split("\n"):
            lines += max(1, -(-len(line) // PRINT_CHARS_PER_LINE))
        lines += PRINT_PARAGRAPH_GAP
    lines += PRINT_SIGNATURE_LINES
    pages = 1
    lines -= PRINT_LINES_FIRST_PAGE
    while lines > 0:
        pages += 1
        lines -= PRINT_LINES_NEXT_PAGE
    return pages
