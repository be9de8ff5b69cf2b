"""``./dev send-test <slug> --to <address>``: an action's email, sent to an editor.

The message is the built email edition (``output/envois/<slug>/``), both
parts, with the email service's merge tags replaced by what a member would
see (the greeting without a name, the join page as the unsubscribe link), so
that an editor can read it in their own mail client before the service
sends it. SMTP comes from environment variables (:data:`SMTP_VARIABLES`).
Every failure is one line and nothing is half-sent: the message goes to one
recipient, and the server accepts the recipient before it receives a byte of it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import smtplib
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, make_msgid
from html import escape, unescape

# Environment variables, and what each is for.
SMTP_VARIABLES = {
    "UA_SMTP_HOST": "the SMTP server's name (e.g. smtp-relay.brevo.com)",
    "UA_SMTP_PORT": "its port (default 587)",
    "UA_SMTP_STARTTLS": "'yes' (default) to encrypt with STARTTLS, 'no' for a local test server",
    "UA_SMTP_USER": "the login (none: no login)",
    "UA_SMTP_PASSWORD": "the password or key (required with UA_SMTP_USER)",
    "UA_SMTP_FROM": "the sender's address (default: UA_SMTP_USER, or the organisation's email)",
}


# Put before the subject: the test is never taken for the edition members get.
TEST_MARK = "[TEST] "


class SendTestError(Exception):
    """A problem to tell in one line."""


def recipients(to: str) -> list[str]:
    """The addresses of ``--to`` (one, or several separated by commas), each checked;
    SendTestError naming the first that is not an email address."""
    from email_validator import EmailNotValidError, validate_email

    found = [part.strip() for part in (to or "").split(",") if part.strip()]
    if not found:
        raise SendTestError("--to needs your email address, e.g. --to redaction@example.org")
    for address in found:
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError as exc:
            raise SendTestError(f"--to: '{address}' is not an email address ({exc})") from None
    return found


def site_address(url: str) -> str:
    """The published site's address, checked: the links and images of the test point there."""
    url = (url or "").strip().rstrip("/")
    if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", url):
        raise SendTestError(f"--site-url: '{url}' is not a web address (e.g. https://actions.example.org)")
    return url


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    starttls: bool
    user: str
    password: str
    sender: str


def smtp_settings(environ, organisation_email: str = "") -> SmtpSettings:
    """The SMTP settings from ``environ``; SendTestError naming what is missing or wrong."""
    get = lambda name: (environ.get(name) or "").strip()
    missing = []
    if not get("UA_SMTP_HOST"):
        missing.append("UA_SMTP_HOST")
    if get("UA_SMTP_USER") and not environ.get("UA_SMTP_PASSWORD"):
        missing.append("UA_SMTP_PASSWORD")
    sender = get("UA_SMTP_FROM") or (get("UA_SMTP_USER") if "@" in get("UA_SMTP_USER") else "") or organisation_email
    if not sender:
        missing.append("UA_SMTP_FROM")
    if missing:
        raise SendTestError(
            "missing SMTP setting: set the environment variable "
            + ", ".join(f"{name} ({SMTP_VARIABLES[name]})" for name in missing)
        )
    port = get("UA_SMTP_PORT") or "587"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SendTestError(f"UA_SMTP_PORT: '{port}' is not a port number")
    starttls = get("UA_SMTP_STARTTLS").lower() or "yes"
    if starttls not in {"yes", "no", "true", "false", "1", "0"}:
        raise SendTestError(f"UA_SMTP_STARTTLS: '{starttls}' is neither 'yes' nor 'no'")
    return SmtpSettings(
        host=get("UA_SMTP_HOST"), port=int(port), starttls=starttls in {"yes", "true", "1"},
        user=get("UA_SMTP_USER"), password=environ.get("UA_SMTP_PASSWORD", ""), sender=sender,
    )  # fmt: skip


def _preview(text: str, tags: dict[str, str], values: dict[str, str], html: bool) -> str:
    """``text`` with each merge tag replaced by a member's view of it (in HTML,
    the tag may be written escaped, as text or as an attribute)."""
    for name, tag in sorted(tags.items(), key=lambda item: -len(item[1])):
        if not html:
            text = text.replace(tag, values[name])
            continue
        value = escape(values[name], quote=True)
        as_text = tag.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for written in {escape(tag, quote=True), as_text, as_text.replace('"', "&quot;"), tag}:
            text = text.replace(written, value)
    return text


def message_for(
    output: str, slug: str, ua: dict, tags: dict[str, str], to: str | list[str], sender: str, site_url: str
) -> EmailMessage:
    """The multipart/alternative message of the built email edition of ``slug``."""
    folder = os.path.join(output, "envois", slug)
    html_path, text_path = os.path.join(folder, "courriel.html"), os.path.join(folder, "courriel.txt")
    if not os.path.isfile(html_path):
        raise SendTestError(
            f"'{slug}' has no email edition in {output}/envois/: check the file name "
            "(content/actions/<slug>.md), and that the action is open or a recent good news"
        )
    with open(html_path, encoding="utf-8") as handle:
        html = handle.read()
    with open(text_path, encoding="utf-8") as handle:
        text = handle.read()
    values = {"greeting": "Bonjour,", "name": "", "unsubscribe": f"{site_url}/{ua['UA_URLS']['join']}"}
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
    # The title's no-break spaces (French typography) as plain spaces: a subject
    # line does not wrap, and plain ASCII words keep the header readable.
    subject = re.sub(r"[\u00a0\u202f]", " ", unescape(title.group(1))).strip() if title else slug
    message = EmailMessage(policy=SMTP_POLICY)
    message["Subject"] = TEST_MARK + subject
    # A display name with parentheses, quotes or commas is quoted (RFC 5322), not
    # taken for a comment; one beyond ASCII is encoded.
    message["From"] = Address(display_name=ua["UA_ORGANISATION"]["name"], addr_spec=sender)
    message["To"] = ", ".join([to] if isinstance(to, str) else to)
    message["Date"] = format_datetime(dt.datetime.now().astimezone())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(_preview(text, tags, values, html=False), subtype="plain", charset="utf-8")
    message.add_alternative(_preview(html, tags, values, html=True), subtype="html", charset="utf-8")
    return message


def send(message: EmailMessage, smtp: SmtpSettings, timeout: float = 30) -> None:
    """Send ``message`` through ``smtp``; SendTestError in one line on any refusal."""
    where = f"{smtp.host}:{smtp.port}"
    addresses = [address.addr_spec for address in message["To"].addresses]
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=timeout) as server:
            server.ehlo()
            if smtp.starttls:
                server.starttls()
                server.ehlo()
            if smtp.user:
                server.login(smtp.user, smtp.password)
            _send_all_or_nothing(server, message, smtp.sender, addresses)
    except smtplib.SMTPAuthenticationError as exc:
        raise SendTestError(f"{where} refused the login of '{smtp.user}': {_reply(exc)}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused, (code, reply) = next(iter(exc.recipients.items()))
        raise SendTestError(f"{where} refused the recipient '{refused}': {code} {_text(reply)}") from None
    except smtplib.SMTPSenderRefused as exc:
        raise SendTestError(f"{where} refused the sender '{smtp.sender}': {_reply(exc)}") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise SendTestError(f"{where} does not support {exc} (set UA_SMTP_STARTTLS=no for a local server)") from None
    except smtplib.SMTPResponseException as exc:
        raise SendTestError(f"{where} refused the message: {_reply(exc)}") from None
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise SendTestError(f"cannot send through {where}: {exc}") from None


def _send_all_or_nothing(server: smtplib.SMTP, message: EmailMessage, sender: str, addresses: list[str]) -> None:
    """Every recipient is accepted before the server receives a byte of the message:
    one refused, and nobody gets it."""
    code, reply = server.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    for address in addresses:
        code, reply = server.rcpt(address)
        if code not in (250, 251):
            server.rset()
            raise smtplib.SMTPRecipientsRefused({address: (code, reply)})
    server.data(message.as_bytes(policy=SMTP_POLICY))


def _text(reply) -> str:
    return (reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)).replace("\n", " ")


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"
