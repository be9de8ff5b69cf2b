"""The join page's sign-up forms against a recording form service, in real Chromium.

One server on 127.0.0.1 serves the built site and plays the external form
service at /subscribe: it records every submission and redirects to the
thank-you URL the form carried (as services with redirect fields do).
"""

from __future__ import annotations

import json
import runpy
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from helpers import ROOT, run_pelican
from support.axe import axe_violations, format_violations

FIELDS = {
    "email": {"email": "EMAIL", "first_name": "PRENOM", "themes": "THEMES", "regions": "REGIONS", "consent": "OPT_IN"},
    "post": {
        "first_name": "PRENOM",
        "last_name": "NOM",
        "street": "RUE",
        "postal_code": "CP",
        "city": "VILLE",
        "consent": "OPT_IN",
    },
    "sms": {"mobile": "SMS", "consent": "ACCORD"},
}
HIDDEN = {"email": {"listIds": "11"}, "post": {"listIds": "22"}, "sms": {"listIds": "33", "canal": "sms"}}
HONEYPOT = "adresse_verif"


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root):
        self.root = root
        self.submissions = []
        super().__init__(("127.0.0.1", 0), Handler)


class Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(args[2].root), **kwargs)

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        pairs = parse_qsl(body, keep_blank_values=True)
        self.server.submissions.append({"path": urlsplit(self.path).path, "pairs": pairs})
        target = dict(pairs).get("redirect_success", "/")
        self.send_response(303)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    out = tmp_path_factory.mktemp("join") / "out"
    out.mkdir()
    server = Recorder(out)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    result = run_pelican(
        ROOT,
        ROOT / "content",
        out,
        # Pelican keeps only the last -e flag, so every override goes in one
        # (PATH repeated from run_pelican's own -e).
        extra_args=(
            "-e",
            f"PATH={json.dumps(str(ROOT / 'content'))}",
            f"SIGNUP_FORM_URL={json.dumps(base + '/subscribe')}",
            f"SITEURL={json.dumps(base)}",
            f"SIGNUP_FIELDS={json.dumps(FIELDS)}",
            f"SIGNUP_HIDDEN_FIELDS={json.dumps(HIDDEN)}",
            f"SIGNUP_HONEYPOT={json.dumps(HONEYPOT)}",
        ),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    server.base = base
    yield server
    server.shutdown()
    server.server_close()


def redirects(base):
    return [("redirect_success", f"{base}/rejoindre/merci/"), ("redirect_error", f"{base}/rejoindre/erreur/")]


def fill(page, formula):
    """Fill the formula as a visitor would; returns the pairs the service must receive."""
    form = page.locator(f"#form-{formula}")
    if formula == "email":
        form.get_by_label("Adresse électronique").fill("lea@example.org")
        form.get_by_label("Prénom").fill("Léa")
        form.get_by_label("Torture et mauvais traitements").check()
        form.get_by_label("Peine de mort").check()
        form.get_by_label("Afrique", exact=True).check()
        expected = [
            ("EMAIL", "lea@example.org"),
            ("PRENOM", "Léa"),
            ("THEMES", "torture"),
            ("THEMES", "peine-de-mort"),
            ("REGIONS", "afrique"),
        ]
    elif formula == "post":
        form.get_by_label("Nom", exact=True).fill("Exemple")
        form.get_by_label("Rue et numéro").fill("Rue de l'Exemple 2")
        form.get_by_label("Code postal").fill("1000")
        form.get_by_label("Localité").fill("Bruxelles")
        expected = [
            ("NOM", "Exemple"),
            ("RUE", "Rue de l'Exemple 2"),
            ("CP", "1000"),
            ("VILLE", "Bruxelles"),
            ("PRENOM", ""),
        ]
    else:
        form.get_by_label("Numéro de téléphone mobile").fill("+32 470 00 00 01")
        expected = [("SMS", "+32 470 00 00 01")]
    form.get_by_label("J'accepte").check()
    consent = FIELDS[formula]["consent"]
    return form, expected + [(consent, "1"), *HIDDEN[formula].items(), *redirects(page.base), (HONEYPOT, "")]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("formula", ["email", "post", "sms"])
def test_each_formula_sends_exactly_the_configured_fields(open_page, service, formula, javascript):
    page = open_page(1280, javascript=javascript, base_url=service.base)
    page.base = service.base
    service.submissions.clear()
    page.goto("/rejoindre/")
    form, expected = fill(page, formula)
    with page.expect_navigation():
        form.get_by_role("button").click()
    assert page.url == f"{service.base}/rejoindre/merci/"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Merci")
    assert len(service.submissions) == 1
    sent = service.submissions[0]
    assert sent["path"] == "/subscribe"
    assert sorted(sent["pairs"]) == sorted(expected)
    assert dict(sent["pairs"])[HONEYPOT] == ""
    assert page.third_party_requests == []


@pytest.mark.parametrize("missing", ["field", "consent"])
def test_missing_required_is_reported_accessibly_and_nothing_is_sent(open_page, service, missing):
    page = open_page(1280, base_url=service.base)
    page.base = service.base
    service.submissions.clear()
    page.goto("/rejoindre/")
    form, _ = fill(page, "email")
    if missing == "field":
        form.get_by_label("Adresse électronique").fill("")
        field = page.locator("#email-email")
    else:
        form.get_by_label("J'accepte").uncheck()
        field = page.locator("#email-consent")
    form.get_by_role("button").click()
    summary = form.locator(".error-summary")
    assert summary.is_visible()
    assert summary.evaluate("el => el === document.activeElement")
    links = summary.locator("a")
    assert links.count() == 1
    assert links.first.get_attribute("href") == "#" + field.get_attribute("id")
    assert field.get_attribute("aria-invalid") == "true"
    error_id = field.get_attribute("id") + "-error"
    assert error_id in field.get_attribute("aria-describedby").split()
    message = page.locator("#" + error_id)
    assert message.is_visible() and message.inner_text() == links.first.inner_text()
    links.first.click()
    assert field.evaluate("el => el === document.activeElement")
    assert axe_violations(page) == [], format_violations(axe_violations(page))
    page.wait_for_timeout(300)
    assert service.submissions == []
    assert page.url == f"{service.base}/rejoindre/"


def test_without_javascript_the_browser_blocks_an_invalid_form(open_page, service):
    page = open_page(1280, javascript=False, base_url=service.base)
    service.submissions.clear()
    page.goto("/rejoindre/")
    page.locator("#form-sms").get_by_role("button").click()
    page.wait_for_timeout(300)
    assert service.submissions == []
    assert page.locator("#sms-mobile").evaluate("el => !el.validity.valid")


@pytest.mark.parametrize("path", ["rejoindre/", "rejoindre/merci/", "rejoindre/erreur/", "confidentialite/"])
def test_pages_have_no_axe_violation_and_no_third_party_request(open_page, service, path):
    page = open_page(1280, base_url=service.base)
    page.goto("/" + path, wait_until="networkidle")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    assert page.third_party_requests == []
    assert page.page_errors == [] and page.console_errors == []


def test_join_page_content(service):
    html = (Path(service.root) / "rejoindre" / "index.html").read_text()
    assert 'id="historique"' in html
    assert "1973" in html and "Luiz Basilio Rossi" in html and "Ibrahim Ezz el Din" in html
    assert html.count("<blockquote") == 2 and html.count("<figcaption>") == 2
    assert 'href="' + service.base + '/bonnes-nouvelles/"' in html
    assert 'href="' + service.base + '/confidentialite/"' in html
    assert "<script>" not in html and " style=" not in html and " onclick" not in html


def test_honeypot_is_out_of_sight_and_out_of_reach(open_page, service):
    page = open_page(1280, base_url=service.base)
    page.goto("/rejoindre/")
    for formula in ("email", "post", "sms"):
        trap = page.locator(f"#form-{formula} [name={HONEYPOT}]")
        assert trap.get_attribute("tabindex") == "-1"
        assert trap.get_attribute("autocomplete") == "off"
        assert trap.evaluate("el => el.closest('[aria-hidden=true]') !== null")
        box = trap.bounding_box()
        assert box is None or box["x"] + box["width"] <= 0
    # Tabbing through the first form never lands on the trap.
    page.locator("#email-email").focus()
    for _ in range(25):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") != HONEYPOT


def test_footer_and_privacy_show_the_organisation(service):
    organisation = runpy.run_path(str(ROOT / "pelicanconf.py"))["UA_ORGANISATION"]
    privacy = (Path(service.root) / "confidentialite" / "index.html").read_text()
    for key in ("name", "company_number", "address", "dpo_email", "email"):
        assert organisation[key].replace("'", "&#39;") in privacy, key
    footer = privacy[privacy.index("<footer") :]
    for key in ("name", "company_number", "credits"):
        assert organisation[key].replace("'", "&#39;") in footer, key
    assert f'href="{service.base}/confidentialite/"' in footer


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize(
    "formula, field, value",
    [("email", "#email-email", "pas-une-adresse"), ("sms", "#sms-mobile", "appelez-moi")],
)
def test_malformed_email_or_mobile_is_refused(open_page, service, javascript, formula, field, value):
    page = open_page(1280, javascript=javascript, base_url=service.base)
    page.base = service.base
    service.submissions.clear()
    page.goto("/rejoindre/")
    form, _ = fill(page, formula)
    page.locator(field).fill(value)
    form.get_by_role("button").click()
    page.wait_for_timeout(300)
    assert service.submissions == []
    assert page.locator(field).evaluate("el => !el.validity.valid")
    if javascript:
        message = page.locator(field + "-error")
        assert "valide" in message.inner_text()
        assert form.locator(".error-summary a").inner_text() == message.inner_text()
    assert page.console_errors == []
