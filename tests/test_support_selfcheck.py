"""Self-check of tests/support on tiny sites written here (not the project's site)."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from support.axe import axe_violations, format_violations
from support.server import serve_directory
from support.vnu import format_vnu_errors, vnu_errors

GOOD_PAGE = """<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Bonne page</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Bonne page</h1><p>Un paragraphe.</p></main></body>
</html>
"""

BAD_PAGE = """<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Mauvaise page</title></head>
<body><main><h1>Mauvaise page</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<form><input type="text" name="nom"></form>
</main></body>
</html>
"""

NOT_FOUND_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Page introuvable</title></head>
<body><main><h1>Page introuvable</h1></main></body></html>
"""

THIRD_PARTY_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Tiers</title>
<link rel="stylesheet" href="/style.css"></head>
<body><main><h1>Tiers</h1><img src="http://example.invalid/pixel.png" alt="pixel"></main></body>
</html>
"""

SCRIPT_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Sans script</title></head>
<body><main><h1>Script</h1><noscript><p id="noscript">Sans JavaScript</p></noscript>
<script>document.title = "Avec script"; setTimeout(() => { document.title += "+"; }, 0);</script>
</main></body></html>
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "section").mkdir(parents=True)
    (root / "index.html").write_text(GOOD_PAGE, encoding="utf-8")
    (root / "section" / "index.html").write_text(GOOD_PAGE, encoding="utf-8")
    (root / "bad.html").write_text(BAD_PAGE, encoding="utf-8")
    (root / "script.html").write_text(SCRIPT_PAGE, encoding="utf-8")
    (root / "tiers.html").write_text(THIRD_PARTY_PAGE, encoding="utf-8")
    (root / "style.css").write_text("body { margin: 0; }\n", encoding="utf-8")
    (root / "404.html").write_text(NOT_FOUND_PAGE, encoding="utf-8")
    (root / "feed.atom.xml").write_text("<feed/>", encoding="utf-8")
    (root / "agenda.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    (root / "site.webmanifest").write_text("{}", encoding="utf-8")
    return root


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers["Content-Type"], error.read().decode()


# --- server ---------------------------------------------------------------------------


def test_server_serves_index_files_and_content_types(site):
    with serve_directory(site) as base:
        assert base.startswith("http://127.0.0.1:")
        status, content_type, body = fetch(base + "/")
        assert (status, content_type) == (200, "text/html; charset=utf-8")
        assert "<h1>Bonne page</h1>" in body
        status, _, body = fetch(base + "/section/")
        assert status == 200 and "<h1>Bonne page</h1>" in body
        status, _, body = fetch(base + "/section")  # redirected to /section/
        assert status == 200 and "<h1>Bonne page</h1>" in body
        assert fetch(base + "/style.css")[:2] == (200, "text/css; charset=utf-8")
        assert fetch(base + "/feed.atom.xml")[:2] == (200, "application/atom+xml")
        assert fetch(base + "/agenda.ics")[:2] == (200, "text/calendar; charset=utf-8")
        assert fetch(base + "/site.webmanifest")[:2] == (200, "application/manifest+json")


def test_server_answers_missing_files_with_the_404_page(site):
    with serve_directory(site) as base:
        status, content_type, body = fetch(base + "/nulle-part/")
        assert (status, content_type) == (404, "text/html; charset=utf-8")
        assert "<h1>Page introuvable</h1>" in body
        assert fetch(base + "/absent.css")[0] == 404


def test_server_stops_on_exit(site):
    with serve_directory(site) as base:
        assert fetch(base + "/")[0] == 200
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base + "/", timeout=2)


# --- browser and axe -------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_axe_finds_nothing_on_a_good_page(site, open_page, javascript):
    with serve_directory(site) as base:
        page = open_page(1280, javascript=javascript)
        page.goto(base + "/")
        assert page.evaluate("window.innerWidth") == 1280
        violations = axe_violations(page)
        assert violations == [], format_violations(violations)
        assert page.third_party_requests == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_axe_reports_a_missing_alt_and_a_missing_label(site, open_page, javascript):
    with serve_directory(site) as base:
        page = open_page(390, javascript=javascript, base_url=base)
        page.goto("/bad.html")
        violations = axe_violations(page)
    assert {"image-alt", "label"} <= {v["id"] for v in violations}
    report = format_violations(violations)
    assert "image-alt (critical)" in report and "<img" in report
    assert "label (critical)" in report and 'input: <input type="text" name="nom">' in report
    assert "Element does not have an alt attribute;" in report


def test_page_context_is_belgian_french(site, open_page):
    with serve_directory(site) as base:
        page = open_page(390)
        page.goto(base + "/")
        assert page.evaluate("navigator.language") == "fr-BE"
        assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "Europe/Brussels"
        assert page.viewport_size == {"width": 390, "height": 900}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_javascript_switch_really_switches_scripts(site, open_page, javascript):
    with serve_directory(site) as base:
        page = open_page(390, javascript=javascript)
        page.goto(base + "/script.html")
        if javascript:
            page.wait_for_function("document.title === 'Avec script+'")
            assert page.locator("#noscript").count() == 0
        else:
            assert page.title() == "Sans script"
            assert page.locator("#noscript").is_visible()
        # axe leaves the page's own timers alone when scripts run.
        assert axe_violations(page) == []
        assert page.evaluate("window.__supportTimers === undefined") is javascript


def test_third_party_requests_are_recorded_and_blocked(site, open_page):
    with serve_directory(site) as base:
        page = open_page(1280)
        page.goto(base + "/tiers.html")
        page.wait_for_load_state("load")
        assert page.third_party_requests == ["http://example.invalid/pixel.png"]


def test_first_party_requests_are_not_third_party(site, open_page):
    with serve_directory(site) as base:
        page = open_page(1280)
        page.goto(base + "/bad.html")  # a data: image, no other request
        page.goto(base + "/section")  # a redirect within the site
        assert page.third_party_requests == []
        assert page.page_errors == []


# --- Nu Html Checker -------------------------------------------------------------------


def test_vnu_reports_invalid_html_and_accepts_valid_html(tmp_path):
    valid = tmp_path / "valide.html"
    valid.write_text(GOOD_PAGE, encoding="utf-8")
    nested = tmp_path / "imbrique.html"
    nested.write_text(GOOD_PAGE.replace("<p>Un paragraphe.</p>", "<p><div></div></p>"), encoding="utf-8")
    untitled = tmp_path / "sans titre.html"
    untitled.write_text(GOOD_PAGE.replace("<title>Bonne page</title>", ""), encoding="utf-8")

    errors = vnu_errors([valid, nested, untitled])

    by_file: dict[str, list] = {}
    for error in errors:
        by_file.setdefault(error.file, []).append(error)
    assert str(valid) not in by_file, format_vnu_errors(errors)
    assert any("p" in e.message and e.line == 5 for e in by_file[str(nested)]), by_file
    assert any("title" in e.message for e in by_file[str(untitled)]), by_file
    assert all(isinstance(e.line, int) for e in errors)
    report = format_vnu_errors(errors, root=tmp_path)
    assert "imbrique.html:5:" in report and "sans titre.html:" in report


def test_vnu_on_nothing_runs_nothing():
    assert vnu_errors([]) == []


def test_vnu_without_its_jar_or_java_fails_loudly(tmp_path, monkeypatch):
    page = tmp_path / "page.html"
    page.write_text(GOOD_PAGE, encoding="utf-8")
    monkeypatch.setattr("support.vnu.VNU_JAR", tmp_path / "absent" / "vnu.jar")
    with pytest.raises(RuntimeError, match="npm ci"):
        vnu_errors([page])
    monkeypatch.undo()
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="java not found"):
        vnu_errors([page])
