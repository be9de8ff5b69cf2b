"""Writing systems and directions of text in a letter: which script a language is
written in, runs of another script inside a text (the templates mark them with
their own ``lang``), and the Unicode isolates and marks that keep a line in
another direction readable in plain text (links, the clipboard).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The script a language is written in (ISO 15924), for marking names in another
# script with their own ``lang``; languages not listed are written in Latin.
LANGUAGE_SCRIPTS = {
    "ar": "Arab",
    "fa": "Arab",
    "ur": "Arab",
    "ps": "Arab",
    "he": "Hebr",
    "yi": "Hebr",
    "ru": "Cyrl",
    "uk": "Cyrl",
    "be": "Cyrl",
    "bg": "Cyrl",
    "sr": "Cyrl",
    "kk": "Cyrl",
    "el": "Grek",
    "zh": "Hani",
    "ja": "Jpan",
    "ko": "Kore",
    "hy": "Armn",
    "ka": "Geor",
    "th": "Thai",
    "hi": "Deva",
    "am": "Ethi",
}
# Unicode character name prefixes -> script, for the scripts above.
_SCRIPT_PREFIXES = (
    ("LATIN", "Latn"),
    ("ARABIC", "Arab"),
    ("HEBREW", "Hebr"),
    ("CYRILLIC", "Cyrl"),
    ("GREEK", "Grek"),
    ("CJK", "Hani"),
    ("HIRAGANA", "Jpan"),
    ("KATAKANA", "Jpan"),
    ("HANGUL", "Kore"),
    ("ARMENIAN", "Armn"),
    ("GEORGIAN", "Geor"),
    ("THAI", "Thai"),
    ("DEVANAGARI", "Deva"),
    ("ETHIOPIC", "Ethi"),
)
_SCRIPTS_OF_LANGUAGE = {"Jpan": {"Jpan", "Hani"}}

# Unicode bidirectional isolates and marks for plain text.
FSI, PDI, LRM, RLM = "\u2068", "\u2069", "\u200e", "\u200f"


def strong_direction(char: str) -> str | None:
    """'ltr' or 'rtl' for a strong character (Unicode classes L, R, AL), else None."""
    kind = unicodedata.bidirectional(char)
    if kind == "L":
        return "ltr"
    if kind in ("R", "AL"):
        return "rtl"
    return None


def firststrong_direction(text: str) -> str | None:
    """'ltr' or 'rtl' as the first strong character of ``text`` says (how a plain
    text reader lays out a paragraph, Unicode rule P2), None without one."""
    for char in text:
        direction = strong_direction(char)
        if direction:
            return direction
    return None


# Every character whose bidirectional class is R or AL lies in these ranges
# (tests/test_letter_languages.py checks it over all of Unicode): a
# left-to-right line without one needs no isolating, without looking up each
# character (most letters are in French).
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]")
# Characters that are no letter or a letter of the Latin script (:func:`script_of`:
# None or "Latn"), also checked over all of Unicode: a Latin-script letter made
# only of these has no run in another script. (ª, µ and º are letters without
# LATIN in their names, so they are left out.)
LATIN_ONLY = re.compile("[\x00-\xa9\xab-\xb4\xb6-\xb9\xbb-\u024f\u2000-\u206f\u20a0-\u20bf]*")


def isolate_line(line: str, direction: str) -> str:
    """One line of plain text for a letter written in ``direction``: a line
    entirely in the other direction is isolated (FSI ... PDI), so its punctuation
    stays on its own side; a mixed line that starts in the other direction gets a
    mark of the letter's direction, so that a reader's client lays it out as the
    letter."""
    if direction == "ltr" and not RIGHT_TO_LEFT.search(line):
        return line
    directions = {strong_direction(char) for char in line} - {None}
    if not directions or directions == {direction}:
        return line
    if direction not in directions:
        return FSI + line + PDI
    if firststrong_direction(line) != direction:
        return (RLM if direction == "rtl" else LRM) + line
    return line


def isolate_text(text: str, direction: str) -> str:
    """:func:`isolate_line` on every line of ``text``."""
    return "\n".join(isolate_line(line, direction) for line in text.split("\n"))


@lru_cache(maxsize=4096)
def script_of(char: str) -> str | None:
    """The script (ISO 15924) of a letter, None for a character that is no letter."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    for prefix, script in _SCRIPT_PREFIXES:
        if name.startswith(prefix):
            return script
    return "Zyyy"  # a letter of another script: treated as foreign to every language


def languagescript_of(language: str) -> str:
    """The script (ISO 15924) a language is written in."""
    return LANGUAGE_SCRIPTS.get(language, "Latn")


def script_runs(text: str, language: str) -> list[tuple[str, str | None]]:
    """``text`` cut into runs: (text, None) in the script of ``language``, and
    (text, script) for a name or a line in another script, which the page marks
    with its own ``lang`` and isolates. A line with no letter of the language's
    script is one run (its punctuation with it); otherwise a run goes from the
    first to the last letter of the other script (with the marks that follow)."""
    home = _SCRIPTS_OF_LANGUAGE.get(languagescript_of(language), {languagescript_of(language)})
    if home == {"Latn"} and LATIN_ONLY.fullmatch(text):
        return [(text, None)] if text else []
    runs: list[tuple[str, str | None]] = []

    def add(piece: str, script: str | None) -> None:
        if not piece:
            return
        if runs and runs[-1][1] is None and script is None:
            runs[-1] = (runs[-1][0] + piece, None)
        else:
            runs.append((piece, script))

    for number, line in enumerate(text.split("\n")):
        if number:
            add("\n", None)
        letters = [(i, script_of(c)) for i, c in enumerate(line) if script_of(c)]
        foreign = [(i, s) for i, s in letters if s not in home]
        if not foreign:
            add(line, None)
            continue
        if len(foreign) == len(letters):
            add(line, foreign[0][1])
            continue
        position = 0
        index = 0
        while index < len(letters):
            start, script = letters[index]
            if script in home:
                index += 1
                continue
            end = index
            while end + 1 < len(letters) and letters[end + 1][1] == script:
                end += 1
            stop = letters[end][0] + 1
            while stop < len(line) and unicodedata.category(line[stop]).startswith("M"):
                stop += 1
            add(line[position:start], None)
            add(line[start:stop], script)
            position = stop
            index = end + 1
        add(line[position:], None)
    return runs
