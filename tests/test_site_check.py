"""``./dev check --site`` passes on the project itself, and still finds a real mistake in
an email edition (merge tags and mail clients' markup are expected there, nothing else)."""

from __future__ import annotations

import shutil

import pytest
from clone import clone_project
from test_cli import run

from helpers import ROOT
from urgent_actions.publish.site_check import check_built_site, vnu_problems

EMAIL = """<!DOCTYPE html><html lang="fr"><head>
<meta charset="utf-8">
<meta name="x-apple-disable-message-reformatting">
<title>Action</title>
</head>
<body><div style="mso-hide: all;">Résumé</div>
<p><a href="http://127.0.0.1:8000/actions/a/">L'action</a> <a href="{{unsubscribe_url}}">Se désinscrire</a></p>
MISTAKE
</body></html>
"""
TAGS = ["{{unsubscribe_url}}", "{{first_name}}"]


def site(tmp_path, mistake: str = ""):
    root = tmp_path / "output"
    (root / "actions" / "a").mkdir(parents=True)
    (root / "actions" / "a" / "index.html").write_text("<!DOCTYPE html><title>a</title>", "utf-8")
    (root / "envois" / "a").mkdir(parents=True)
    (root / "envois" / "a" / "courriel.html").write_text(EMAIL.replace("MISTAKE", mistake), "utf-8")
    return root


def test_merge_tags_are_not_broken_links_but_a_missing_page_is(tmp_path):
    root = site(tmp_path)
    assert check_built_site(str(root), TAGS, "http://127.0.0.1:8000") == []
    assert check_built_site(str(root)) == ["envois/a/courriel.html: broken link {{unsubscribe_url}}"]
    root = site(tmp_path / "2", '<a href="http://127.0.0.1:8000/actions/n-existe-pas/">x</a>')
    assert check_built_site(str(root), TAGS, "http://127.0.0.1:8000") == [
        "envois/a/courriel.html: broken link http://127.0.0.1:8000/actions/n-existe-pas/"
    ]


def test_the_html_checker_expects_mail_client_markup_in_emails_only(tmp_path):
    if not shutil.which("java") or not (ROOT / "node_modules/vnu-jar/build/dist/vnu.jar").is_file():
        pytest.fail("the Nu Html Checker needs Java and node_modules (./dev test installs them)")
    root = site(tmp_path, '<p id="x">un</p><p id="x">deux</p>')
    shutil.copy(root / "envois" / "a" / "courriel.html", root / "actions" / "a" / "index.html")
    problems = vnu_problems(str(root), str(ROOT), TAGS)
    in_email = [p for p in problems if p.startswith("envois/")]
    on_page = [p for p in problems if p.startswith("actions/")]
    # The email: only the real mistake (a duplicate id).
    assert len(in_email) == 1 and "Duplicate ID “x”" in in_email[0], in_email
    # The same markup on a web page: every one of them is a mistake.
    assert any("mso-hide" in p for p in on_page) and any("unsubscribe_url" in p for p in on_page), on_page


def test_check_site_passes_on_the_project(tmp_path):
    project = clone_project(tmp_path, node=True)
    result = run(project, "check", "--site", timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "HTML is valid (Nu Html Checker)." in result.stdout
