"""URLs that open the reader's own tools with everything filled in.

- ``mailto:`` follows RFC 6068: addresses separated by commas, every value
  percent-encoded as UTF-8 (space is %20, never +), line breaks as %0D%0A and
  no empty header field.
- ``sms:`` uses ``sms:<number>?&body=`` (RFC 5724 form with the ``?&`` that iOS
  and Android both accept).
- X's web intent ``https://x.com/intent/post?text=``.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

# Characters left as they are in an address (RFC 6068 'addr-spec' allows them).
_ADDRESS_SAFE = "@!$'*+-._~"

MAILTO_LENGTH_LIMIT = 2000  # beyond this, common clients cut or refuse the URL


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def _encode(value: str) -> str:
    return quote(value, safe="", encoding="utf-8", errors="strict")


@lru_cache(maxsize=64)
def _encoded_text(text: str) -> str:
    """A letter's text, CRLF line breaks, percent-encoded (the same letter goes
    into the mailto:, Gmail and Outlook links of every target: encoded once)."""
    return _encode(_crlf(text))


def mailto_url(to: list[str], *, cc: list[str] | None = None, subject: str = "", body: str = "") -> str:
    """A RFC 6068 ``mailto:`` URL."""
    recipients = ",".join(quote(a, safe=_ADDRESS_SAFE) for a in to)
    fields = []
    if cc:
        fields.append("cc=" + ",".join(quote(a, safe=_ADDRESS_SAFE) for a in cc))
    if subject:
        fields.append("subject=" + _encode(_crlf(subject)))
    if body:
        fields.append("body=" + _encoded_text(body))
    return "mailto:" + recipients + ("?" + "&".join(fields) if fields else "")


def sms_url(number: str, body: str = "") -> str:
    """An ``sms:`` URL for one number (spaces removed) with an optional body."""
    digits = "".join(ch for ch in number if ch == "+" or ch.isdigit())
    return f"sms:{digits}" + (f"?&body={_encode(_crlf(body))}" if body else "")


def tweet_intent_url(text: str) -> str:
    return "https://x.com/intent/post?text=" + _encode(text)


def _webmail_url(base: str, fields: list[str], to, cc, subject_key: str, subject: str, body: str) -> str:
    fields = [*fields, "to=" + _encode(",".join(to))]
    if cc:
        fields.append("cc=" + _encode(",".join(cc)))
    if subject:
        fields.append(f"{subject_key}=" + _encode(subject))
    if body:
        fields.append("body=" + _encoded_text(body))
    return base + "&".join(fields)


def gmail_compose_url(to: list[str], *, cc=None, subject: str = "", body: str = "") -> str:
    """Gmail's compose window (view=cm), filled in."""
    return _webmail_url("https://mail.google.com/mail/?", ["view=cm", "fs=1"], to, cc, "su", subject, body)


def outlook_compose_url(to: list[str], *, cc=None, subject: str = "", body: str = "") -> str:
    """Outlook.com's compose deep link, filled in."""
    return _webmail_url("https://outlook.live.com/mail/0/deeplink/compose?", [], to, cc, "subject", subject, body)
