"""Compose the letter a reader sends, exactly as the content model says.

salutation, blank line, body, blank line, closing, blank line, name, town.
The letter is data, never a template: nothing in it is evaluated.
"""

from __future__ import annotations

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


def closing_for(letter_closing: str | None, language: str) -> str:
    return normalise_text(letter_closing) if letter_closing else DEFAULT_CLOSINGS[language]


def compose_letter(
    *, salutation: str | None, body: str, closing: str, name: str = "", town: str = ""
) -> str:
    """The full text of the letter, LF line ends; name and town blank when not given."""
    parts = []
    if salutation:
        parts.append(normalise_text(salutation))
    parts.append("\n\n".join(paragraphs(body)))
    parts.append(normalise_text(closing))
    signature = "\n".join(x for x in (name.strip(), town.strip()) if x)
    if signature:
        parts.append(signature)
    return "\n\n".join(parts)
