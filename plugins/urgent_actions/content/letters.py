"""Compose the letter a reader sends, exactly as the content model says.

salutation, blank line, body, blank line, closing, blank line, name, town.
The letter is data, never a template: nothing in it is evaluated. It is
composed here only (:func:`compose`); pages, printed letters, links and
feeds show the parts of the :class:`ComposedLetter` it returns.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """A letter as a reader sends it to one target, before their name and town."""

    language: str
    subject: str
    salutation: str | None  # None when the target has none
    body: tuple[str, ...]  # its paragraphs
    closing: str  # the letter's own, or the default of its language

    @property
    def paragraphs(self) -> list[str]:
        """Every paragraph, salutation to closing (what a printed letter shows)."""
        head = [self.salutation] if self.salutation else []
        return [*head, *self.body, *paragraphs(self.closing)]

    @property
    def text(self) -> str:
        """The full text, LF line ends, without a signature."""
        return self.signed()

    def signed(self, name: str = "", town: str = "") -> str:
        """The full text, LF line ends, signed with ``name`` and ``town`` when given."""
        parts = [self.salutation] if self.salutation else []
        parts.append("\n\n".join(self.body))
        parts.append(self.closing)
        signature = "\n".join(x for x in (name.strip(), town.strip()) if x)
        if signature:
            parts.append(signature)
        return "\n\n".join(parts)


def compose(letter, salutation: str | None) -> ComposedLetter:
    """``letter`` (a model ``Letter``) to a target greeted with ``salutation``."""
    return ComposedLetter(
        language=letter.language,
        subject=letter.subject,
        salutation=normalise_text(salutation) if salutation else None,
        body=tuple(paragraphs(letter.body)),
        closing=closing_for(letter.closing, letter.language),
    )


def compose_letter(
    *, salutation: str | None, body: str, closing: str, name: str = "", town: str = ""
) -> str:
    """The full text of a letter from its parts, LF line ends; name and town blank
    when not given (as :meth:`ComposedLetter.signed`, which it calls)."""
    composed = ComposedLetter(
        language="",
        subject="",
        salutation=normalise_text(salutation) if salutation else None,
        body=tuple(paragraphs(body)),
        closing=normalise_text(closing),
    )
    return composed.signed(name, town)
