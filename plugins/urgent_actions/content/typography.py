"""French typography, and text made safe for the GSM alphabet of SMS.

French puts a no-break space inside « » and before : ; ! ?, so that no line
starts with » or ends with «. :func:`french_spacing` does it on plain text,
:func:`french_spacing_html` on the text of an HTML document whose language is
French (elements in another language, code and scripts are left alone). Each
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
    text = _NO_SPACE_BEFORE_CLOSE.sub(space + "»", text)
    return _AFTER_OPEN.sub("«" + space, text)


# HTML: tags, comments and declarations; the text between them is transformed.
_TOKEN = re.compile(r"<!--.*?-->|<![^>]*>|<(/?)([a-zA-Z][\w-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.DOTALL)
_LANG = re.compile(r"""(?<![\w-])lang\s*=\s*["']?([\w-]*)""", re.IGNORECASE)
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)
_RAW = frozenset({"script", "style", "pre", "code", "textarea", "kbd", "samp"})


def french_spacing_html(html: str, language: str = "", space: str = NNBSP) -> str:
    """The HTML document ``html`` (its language ``language`` where no ``lang`` says) with
    :func:`french_spacing` applied to the text of its French elements."""
    out, position = [], 0
    stack: list[tuple[str, str, bool]] = [("", language, False)]  # (tag, language, raw)
    for match in _TOKEN.finditer(html):
        text = html[position : match.start()]
        _, current, raw = stack[-1]
        out.append(french_spacing(text, space) if text and not raw and current.startswith("fr") else text)
        out.append(match.group(0))
        position = match.end()
        closing, tag, attributes = match.group(1), (match.group(2) or "").lower(), match.group(3) or ""
        if not tag:
            continue
        if closing:
            names = [entry[0] for entry in stack]
            if tag in names[1:]:
                del stack[len(names) - 1 - names[::-1].index(tag) :]
        elif tag not in _VOID and not attributes.rstrip().endswith("/"):
            lang = _LANG.search(attributes)
            stack.append((tag, lang.group(1).lower() if lang else current, raw or tag in _RAW))
    text = html[position:]
    out.append(french_spacing(text, space) if stack[-1][1].startswith("fr") and not stack[-1][2] else text)
    return "".join(out)


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
