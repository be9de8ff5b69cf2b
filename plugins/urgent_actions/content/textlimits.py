"""How SMS and X count characters.

SMS: one message holds 160 characters of the GSM 03.38 alphabet, where the
characters of the extension table (``{}[]~|^€\\``) take two places; any other
character switches the whole message to UCS-2, which holds 70 UTF-16 code units.
X: the weighted length of twitter-text (URLs count 23, most CJK and emoji 2).
"""

from __future__ import annotations

import re

# GSM 03.38 basic character set (3GPP TS 23.038, table 6.2.1).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each costs an escape character plus itself.
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

SMS_GSM7_LIMIT = 160
SMS_UCS2_LIMIT = 70
TWEET_LIMIT = 280


def sms_encoding(text: str) -> str:
    """'GSM-7' when every character fits the GSM alphabet, else 'UCS-2'."""
    return "GSM-7" if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text) else "UCS-2"


def sms_length(text: str) -> tuple[int, int]:
    """Return (length as counted, limit for one message) for ``text``."""
    if sms_encoding(text) == "GSM-7":
        return sum(2 if c in GSM7_EXTENDED else 1 for c in text), SMS_GSM7_LIMIT
    return len(text.encode("utf-16-le")) // 2, SMS_UCS2_LIMIT


def first_non_gsm_character(text: str) -> str | None:
    for char in text:
        if char not in GSM7_BASIC and char not in GSM7_EXTENDED:
            return char
    return None


# Characters twitter-text weighs 1 that are neither emoji nor changed by its NFC
# normalisation: Latin letters (with precomposed accents), dashes and quotes.
WEIGHT_ONE = re.compile(r"[\x00-\xa8\xaa-\xad\xaf-\u02ff\u2010-\u201f\u2032-\u2037]*")
# Something a URL could start from ("example.org", "https:"): let twitter-text decide.
MAYBE_URL = re.compile(r"[.:/]\w")


def tweet_length(text: str) -> int:
    """The weighted length X gives ``text``."""
    if WEIGHT_ONE.fullmatch(text) and not MAYBE_URL.search(text):
        # Same result as twitter-text (checked by the tests), without importing it.
        return len(text)
    # Imported on first use: twitter-text compiles its emoji patterns on import
    # (about 1.7 s), which most builds never need.
    from twitter_text import parse_tweet

    return parse_tweet(text).weightedLength


def tweet_for(handle: str | None, text: str) -> str:
    """The post sent to one target: ``@handle text``."""
    return f"{handle} {text}" if handle else text
