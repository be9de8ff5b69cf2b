"""French typography, and text made safe for the GSM alphabet of SMS.

French puts a no-break space inside « » and before : ; ! ?, so that no line
starts with » or ends with «. :func:`french_spacing` does it on plain text,
:func:`french_spacing_html` on the text of an HTML document whose language is
French (elements in another language, code and scripts are left alone) and on
the attributes people read (tooltips, text alternatives, labels, descriptions). Each
medium applies it in one place: the renderer's makers for HTML pages, emails
and PDFs, the plain-text renderers for text. Letters in other languages keep
their own rules (English puts no space before ':').

:func:`gsm7` turns text into the GSM 03.38 alphabet (typographic quotes,
apostrophes, dashes, ellipsis and accented letters the alphabet lacks are
transliterated), so that an SMS is 160 characters on every phone.
"""

from __future__ import annotations

import re
import unicodedata

from .textlimits import GSM7_BASIC, GSM7_EXTENDED

NNBSP = "\u202f"  # narrow no-break space: HTML and PDF
NBSP = "\u00a0"  # no-break space: plain text and email, which every font has

# A space (or none, for the guillemets) where French wants a no-break space.
# Spaces before : ; ! ? are replaced, never added: "https://", "10:30", "?q=".
_BEFORE = re.compile(r"[ \t\u00a0\u202f]+(?=[:;!?»])")
_NO_SPACE_BEFORE_CLOSE = re.compile(r"(?<=\S)(?<![\u00a0\u202f ])»")
_AFTER_OPEN = re.compile(r"«[ \t\u00a0\u202f]*")


# What the rules act on: most text has none of it and is returned as it is.
_PUNCTUATION = re.compile(r"[:;!?«»]")


def french_spacing(text: str, space: str = NNBSP) -> str:
    """``text`` with a no-break ``space`` inside « » and before : ; ! ?."""
    if not text or not _PUNCTUATION.search(text):
        return text
    text = _BEFORE.sub(space, text)
    if "»" in text:
        text = _NO_SPACE_BEFORE_CLOSE.sub(space + "»", text)
    return _AFTER_OPEN.sub("«" + space, text) if "«" in text else text


# HTML: tags, comments and declarations; the text between them is transformed.
# One split by the regular expression engine gives every text and every tag
# (possessive, so that no input makes it backtrack); Python then follows the
# tags only as far as the last text that has something to change.
_ATTRIBUTES = r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+"""
# Groups: the whole tag, and its name ('/' first in an end tag), empty for a comment
# or a declaration ('<!' starts no name, so these are read as in the old tokenizer).
_TOKENS = re.compile(rf"(<(/?[a-zA-Z][\w-]*+|)(?:(?<=[\w-]){_ATTRIBUTES}>|!--.*?-->|![^>]*>))", re.DOTALL)
_LANG = re.compile(r"""(?<![\w-])lang\s*=\s*["']?([\w-]*)""", re.IGNORECASE)
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)
_RAW = frozenset({"script", "style", "pre", "code", "textarea", "kbd", "samp"})
# Where the rules of french_spacing can change a text: « », or : ; ! ? after a space.
_TO_SPACE = re.compile(r"[:;!?«»](?:(?<=[«»])|(?<=[ \t\u00a0\u202f].))")
_SEPARATOR = "\x00"


def french_spacing_html(html: str, language: str = "", space: str = NNBSP) -> str:
    """The HTML document ``html`` (its language ``language`` where no ``lang`` says) with
    :func:`french_spacing` applied to the text of its French elements, and to the
    attributes people read (:data:`READABLE`) of its French elements' tags."""
    if _spaced_already(html, space):
        return html
    parts = _TOKENS.split(html)  # text, tag, its name (with '/' if it ends an element), text, ...
    texts, tokens, names = parts[::3], parts[1::3], parts[2::3]
    elements = _OpenElements(tokens, names, language)
    # Text i follows tag i - 1: in document order, text i comes before tag i.
    places = sorted([(2 * i, i) for i in _to_space(texts, html)] + [(2 * i + 1, i) for i in _to_space(tokens, html)])
    changed = False
    for place, index in places:
        elements.follow(index)
        if place % 2 == 0 and elements.french:
            spaced = french_spacing(texts[index], space)
            changed = changed or spaced != texts[index]
            texts[index] = spaced
        elif place % 2 and names[index][:1].isalpha() and elements.language_of(index).startswith("fr"):
            spaced = _spaced_attributes(tokens[index], names[index], space)
            changed = changed or spaced != tokens[index]
            tokens[index] = spaced
    if not changed:
        return html
    out = [""] * (2 * len(texts) - 1)
    out[::2], out[1::2] = texts, tokens
    return "".join(out)


_SPACES = " \t\u00a0\u202f"


def _spaced_already(html: str, space: str) -> bool:
    """Whether no rule of :func:`french_spacing` would change anything anywhere in ``html``,
    tags and code included: then it changes none of its texts and attribute values
    (parts of it, each bounded by a character that is no space), and the document is
    returned as it is without being split. Most pages of a site whose texts are written
    spaced are; the others are found with ``str.find``, far faster than the split."""
    for char in ":;!?»«":
        position = html.find(char)
        while position >= 0:
            if char == "«":  # a space after it, or it gets one
                end = position + 1
                while end < len(html) and html[end] in _SPACES:
                    end += 1
                if html[position + 1 : end] != space:
                    return False
            else:  # spaces before it become one no-break space; none before », one is put
                start = position
                while start and html[start - 1] in _SPACES:
                    start -= 1
                if start < position and html[start:position] != space:
                    return False
                if char == "»" and start == position and position and not html[position - 1].isspace():
                    return False
            position = html.find(char, position + 1)
    return True


def _to_space(texts: list[str], html: str) -> list[int]:
    """The indexes of the ``texts`` (or tags) that french_spacing may change."""
    if _SEPARATOR in html:
        return [index for index, text in enumerate(texts) if _TO_SPACE.search(text)]
    joined, positions = _SEPARATOR.join(texts), []
    for char in ":;!?«»":  # str.find is much faster than a regular expression here
        position = joined.find(char)
        while position >= 0:
            if char in "«»" or position and joined[position - 1] in " \t\u00a0\u202f":
                positions.append(position)
            position = joined.find(char, position + 1)
    found, index, previous = [], 0, 0
    for position in sorted(positions):
        index += joined.count(_SEPARATOR, previous, position)
        previous = position
        if not found or found[-1] != index:
            found.append(index)
    return found


class _OpenElements:
    """The elements open after each tag of a split document, with their language and
    whether they are raw (code, a script, a style sheet): those an HTML parser would
    see if every element were closed in order. An end tag closes the last element of
    its name that is open, with the elements opened after it."""

    def __init__(self, tokens: list[str], names: list[str], language: str):
        self.stack: list[tuple[str, str, bool]] = [("", language, False)]  # (tag, language, raw)
        self.tokens, self.names, self.top, self.done = tokens, names, "", 0
        # Lower case in one call (the separator is in no name).
        self.lowered = _SEPARATOR.join(names).lower().split(_SEPARATOR)
        # The tags that may say a language, found in one search of them all (None: each is searched).
        # Only ASCII letters are 'lang' in any case: the others are dropped, and ASCII is lowered fast.
        joined = _SEPARATOR.join(tokens).encode("ascii", "ignore").lower()
        self.may_say = None if joined.count(b"\x00") != len(tokens) - 1 else set()
        if self.may_say is not None:
            position, index, previous = 0, 0, 0
            while (position := joined.find(b"lang", position)) >= 0:
                index += joined.count(b"\x00", previous, position)
                self.may_say.add(index)
                previous, position = position, position + 4

        self.region = self._french_region()

    def _french_region(self) -> tuple[int, int, set[int]] | None:
        """(start, end, raw) for the usual document, which can be read without following
        its elements: one ``<html lang="fr...">`` element, tags ``start`` to ``end``, holds
        every element that says a language (each one French), and every raw element
        (tags ``raw``) holds text only, up to its end tag. Then text is French inside the
        html element but in raw elements, and in the document's language outside it."""
        lowered, tokens = self.lowered, self.tokens
        if self.may_say is None or lowered.count("html") != 1:
            return None
        start = lowered.index("html")
        end = lowered.index("/html", start) if "/html" in lowered[start:] else len(tokens)
        if _closes_itself(tokens[start]) or not self._language(start, "").startswith("fr"):
            return None
        for index in self.may_say:  # the start tags that say a language say French, in it
            said = self._language(index, None) if self.names[index][:1].isalpha() else None
            if said is not None and (not start <= index < end or not said.startswith("fr")):
                return None
        raw, joined = set(), _SEPARATOR + _SEPARATOR.join(lowered) + _SEPARATOR
        for name in _RAW:
            position = joined.find(f"{_SEPARATOR}{name}{_SEPARATOR}")
            while position >= 0:
                index = joined.count(_SEPARATOR, 0, position)
                if _closes_itself(tokens[index]) or lowered[index + 1 : index + 2] != ["/" + name]:
                    return None
                raw.add(index)
                position = joined.find(f"{_SEPARATOR}{name}{_SEPARATOR}", position + 1)
        return start, end, raw

    @property
    def french(self) -> bool:
        """Whether text here is French, and not code."""
        if self.region:
            start, end, raw = self.region
            inside = start < self.done <= end
            return (inside or self.stack[0][1].startswith("fr")) and self.done - 1 not in raw
        return self.stack[-1][1].startswith("fr") and not self.stack[-1][2]

    def language_of(self, index: int) -> str:
        """The language of the element that tag ``index`` (a start tag) opens, once followed up to it."""
        if self.region:
            start, end, _ = self.region
            return self._language(index, "fr" if start < index <= end else self.stack[0][1])
        return self._language(index, self.stack[-1][1])

    def _language(self, index: int, current):
        """The language tag ``index`` says, or ``current`` if it says none."""
        token, may_say = self.tokens[index], self.may_say
        says = index in may_say if may_say is not None else "lang" in token.lower()
        if not says:
            return current
        found = _LANG.search(token, len(self.names[index]) + 1, len(token) - 1)
        return found.group(1).lower() if found else current

    def follow(self, index: int) -> None:
        """The elements open before tag ``index``, from those before the tags already followed."""
        if self.region:
            self.done = index
            return
        stack, top, tokens, lowered = self.stack, self.top, self.tokens, self.lowered
        for at in range(self.done, index):
            tag = lowered[at]
            if not tag:  # a comment or a declaration
                continue
            if tag[0] == "/":
                tag = tag[1:]
                if tag == top:
                    stack.pop()
                else:  # up to the last element of that name, if one is open
                    open_names = [entry[0] for entry in stack]
                    if tag in open_names[1:]:
                        del stack[len(open_names) - 1 - open_names[::-1].index(tag) :]
                top = stack[-1][0]
            elif tag not in _VOID and not _closes_itself(tokens[at]):
                _, current, raw = stack[-1]
                stack.append((tag, self._language(at, current), raw or tag in _RAW))
                top = tag
        self.top, self.done = top, max(self.done, index)


def _closes_itself(token: str) -> bool:
    """Whether the start tag ``token`` ends with '/' (then it opens no element)."""
    return token[-2] == "/" or (token[-2].isspace() and token[:-1].rstrip()[-1] == "/")


# The attributes whose values people read: tooltips, text alternatives, labels,
# and the descriptions that search engines and shared links show.
READABLE = frozenset({"title", "alt", "aria-label", "aria-description", "placeholder"})
READABLE_META = frozenset(
    ["description", "og:title", "og:description", "og:image:alt", "og:site_name", "twitter:title",
     "twitter:description", "twitter:image:alt"]
)  # fmt: skip
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


def _spaced_attributes(token: str, name: str, space: str) -> str:
    """The start tag ``token`` with :func:`french_spacing` in the quoted values people read."""
    found = [(m.group(1).lower(), m) for m in _ATTRIBUTE.finditer(token, len(name) + 1, len(token) - 1)]
    readable = set(READABLE)
    if name.lower() == "meta":
        values = {key: (m.group(2) or "").strip("\"'").lower() for key, m in found}
        if (values.get("name") or values.get("property")) in READABLE_META:
            readable.add("content")
    out, position = [], 0
    for key, match in found:
        value = match.group(2)
        if key in readable and value and value[0] in "\"'":
            start, end = match.span(2)
            out += [token[position : start + 1], french_spacing(value[1:-1], space)]
            position = end - 1
    return "".join(out) + token[position:]


# Characters SMS cannot carry, and what a phone shows instead.
_GSM7_SUBSTITUTES = {
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "…": "...", "•": "-", "·": ".", "œ": "oe", "Œ": "OE", "æ": "ae",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ŀ": "l",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\t": " ",
}  # fmt: skip


# Guillemets become straight quotes, without the spaces inside them.
_GUILLEMETS = re.compile(r"«[\s\u202f]*|[\s\u202f]*»")


def unaccented(text: str) -> str:
    """``text`` without its accents (for comparing names)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def gsm7(text: str) -> str:
    """``text`` in the GSM 03.38 alphabet: every other character transliterated
    (accents dropped where the alphabet lacks the letter), or '?' if none fits."""
    text = _GUILLEMETS.sub('"', text)
    out = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENDED:
            out.append(char)
        elif char in _GSM7_SUBSTITUTES:
            out.append(_GSM7_SUBSTITUTES[char])
        else:
            bare = unaccented(char)
            out.append(bare if bare and all(c in GSM7_BASIC for c in bare) else "?")
    return "".join(out)
