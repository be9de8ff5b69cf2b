"""./dev send-test: the email edition through a real SMTP server (aiosmtpd on
127.0.0.1), read back with Python's email package; and each failure in one line."""

from __future__ import annotations

import email
import email.policy
import os
import re
import socket
import subprocess
import sys
from html import unescape

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from helpers import BUILD_EPOCH, ROOT
from urgent_actions.content.loading import load_site
from urgent_actions.settings import email_merge_tags, resolve
from urgent_actions.tools.send_test import SendTestError, message_for, send, smtp_settings

SLUG = "egypte-chercheur-detenu"
REFUSED = "refuse@example.org"


class Recorder:
    """Keeps every message as received (bytes); refuses one recipient."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.recipients: list[list[str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.original_content)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"editrice" and auth_data.password == b"bon-mot"
    return AuthResult(success=ok, handled=False)  # False: aiosmtpd answers 535 itself


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    recorder = Recorder()
    controller = Controller(
        recorder, hostname="127.0.0.1", port=_free_port(),
        authenticator=_authenticate, auth_required=False, auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    try:
        yield controller, recorder
    finally:
        controller.stop()


def _environ(controller, **changes):
    environ = {
        "UA_SMTP_HOST": "127.0.0.1", "UA_SMTP_PORT": str(controller.port), "UA_SMTP_STARTTLS": "no",
        "UA_SMTP_USER": "editrice", "UA_SMTP_PASSWORD": "bon-mot", "UA_SMTP_FROM": "envois@example.org",
    }  # fmt: skip
    environ.update(changes)
    return {k: v for k, v in environ.items() if v is not None}


def _message(built_site, to="redaction@example.org"):
    ua = resolve({})
    return message_for(
        str(built_site), SLUG, ua, email_merge_tags(ua), to, "envois@example.org", "http://127.0.0.1:8000"
    )


def test_the_received_message_has_both_parts_and_the_page_letter(built_site, smtp_server):
    controller, recorder = smtp_server
    send(_message(built_site), smtp_settings(_environ(controller)))
    assert len(recorder.messages) == 1
    raw = recorder.messages[0]
    # SMTP line rules: CRLF only, no line over 998 octets.
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    message = email.message_from_bytes(raw, policy=email.policy.default)
    subject_header = re.search(rb"^Subject: (.+?)\r\n(?! )", raw, re.MULTILINE | re.DOTALL).group(1)
    assert b"=?utf-8?q?=C3=89gypte" in subject_header and all(b < 128 for b in subject_header)  # RFC 2047
    assert message["Subject"] == "[TEST] Action urgente : Égypte : un chercheur détenu sans jugement depuis 400 jours"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    # Merge tags shown as a member sees them; nothing left of the generic preset's.
    assert "{{" not in text and "{{" not in html
    assert "Se désinscrire\u00a0: http://127.0.0.1:8000/rejoindre/" in text  # French no-break space
    # The same letter as the action's page (composed once, content/letters.py).
    site = load_site(str(ROOT / "content"))
    action = next(a for a in site.actions if a.slug == SLUG)
    letter = action.model_letters[0]
    page = unescape((built_site / "actions" / SLUG / "index.html").read_text("utf-8"))
    flat_text = " ".join(text.split())
    flat_html = " ".join(unescape(html).split())
    for paragraph in [letter.subject, *letter.paragraphs]:
        flat = " ".join(paragraph.split())
        assert flat in " ".join(page.split()), paragraph
        assert flat in flat_html, paragraph
        assert flat in flat_text, paragraph


def test_a_missing_smtp_setting_names_the_variable():
    with pytest.raises(SendTestError) as error:
        smtp_settings({"UA_SMTP_USER": "editrice", "UA_SMTP_PASSWORD": "x"})
    assert str(error.value).startswith("missing SMTP setting: set the environment variable UA_SMTP_HOST (")
    with pytest.raises(SendTestError, match="UA_SMTP_PASSWORD"):
        smtp_settings({"UA_SMTP_HOST": "smtp.example.org", "UA_SMTP_USER": "editrice@example.org"})


def test_a_refused_login_sends_nothing(built_site, smtp_server):
    controller, recorder = smtp_server
    with pytest.raises(SendTestError) as error:
        send(_message(built_site), smtp_settings(_environ(controller, UA_SMTP_PASSWORD="faux")))
    assert str(error.value).startswith(f"127.0.0.1:{controller.port} refused the login of 'editrice': 535")
    assert recorder.messages == []


def test_a_refused_recipient_sends_nothing(built_site, smtp_server):
    controller, recorder = smtp_server
    with pytest.raises(SendTestError) as error:
        send(_message(built_site, to=REFUSED), smtp_settings(_environ(controller)))
    assert (
        str(error.value)
        == f"127.0.0.1:{controller.port} refused the recipient '{REFUSED}': 550 5.1.1 No such user here"
    )
    assert recorder.messages == []


def _cli(tmp_path, environ, to="redaction@example.org", output=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("UA_SMTP_") and k != "SITEURL"}
    env.update(environ, SOURCE_DATE_EPOCH=BUILD_EPOCH)
    command = [sys.executable, "-m", "invoke", "send-test", SLUG, "--to", to]
    command += ["--output", str(tmp_path / "output")] if output else []
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_the_command_says_what_is_missing_in_one_line(tmp_path):
    result = _cli(tmp_path, {})
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        (
            "send-test: missing SMTP setting: set the environment variable "
            "UA_SMTP_HOST (the SMTP server's name (e.g. smtp-relay.brevo.com))"
        )
    ]
    assert not (tmp_path / "output").exists()  # said before building anything


def test_the_command_builds_and_sends(tmp_path, smtp_server):
    controller, recorder = smtp_server
    result = _cli(tmp_path, _environ(controller))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("Sent '[TEST] Action urgente : Égypte")
    assert len(recorder.messages) == 1
    refused = _cli(tmp_path, _environ(controller), to=REFUSED)
    assert refused.returncode != 0 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "refused the recipient" in refused.stderr and len(recorder.messages) == 1


def test_the_sender_name_is_quoted_and_every_recipient_gets_it(built_site, smtp_server):
    controller, recorder = smtp_server
    ua = resolve({})
    ua["UA_ORGANISATION"] = {**ua["UA_ORGANISATION"], "name": "Réseau (Belgique), urgences"}
    to = ["redaction@example.org", "relecture@example.org"]
    message = message_for(
        str(built_site), SLUG, ua, email_merge_tags(ua), to, "envois@example.org", "https://a.example"
    )
    send(message, smtp_settings(_environ(controller)))
    received = email.message_from_bytes(recorder.messages[0], policy=email.policy.default)
    assert received["From"].addresses[0].display_name == "Réseau (Belgique), urgences"
    assert received["From"].addresses[0].addr_spec == "envois@example.org"
    assert [a.addr_spec for a in received["To"].addresses] == to
    assert recorder.recipients == [to]


def test_one_refused_recipient_and_nobody_gets_it(built_site, smtp_server):
    controller, recorder = smtp_server
    with pytest.raises(SendTestError, match=f"refused the recipient '{REFUSED}'"):
        send(_message(built_site, to=["redaction@example.org", REFUSED]), smtp_settings(_environ(controller)))
    assert recorder.messages == []


@pytest.mark.parametrize("to", ["not-an-address", "redaction@example.org, ailleurs", ""])
def test_a_wrong_to_is_refused_in_one_line_before_building(tmp_path, to):
    result = _cli(tmp_path, {"UA_SMTP_HOST": "127.0.0.1"}, to=to)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("send-test: --to"), result.stderr
    assert not (tmp_path / "output").exists()


def test_the_links_and_images_are_on_the_published_site(tmp_path, smtp_server):
    controller, recorder = smtp_server
    result = _cli(tmp_path, {**_environ(controller), "SITEURL": "https://actions.reseau.example"}, output=False)
    assert result.returncode == 0, result.stderr
    received = email.message_from_bytes(recorder.messages[0], policy=email.policy.default)
    html = received.get_body(("html",)).get_content()
    text = received.get_body(("plain",)).get_content()
    addresses = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert addresses and "127.0.0.1" not in html + text
    assert all(a.startswith(("https://", "mailto:")) for a in addresses), addresses
    own = [a for a in addresses if a.startswith("https://actions.reseau.example/")]
    assert len(own) >= 3, addresses  # the image, the action's page, the join page
    assert any(a.startswith("https://actions.reseau.example/") for a in re.findall(r'src="([^"]+)"', html))
