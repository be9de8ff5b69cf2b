"""Every page type of the sample site: valid HTML, zero axe violations at 360 and 1280 px,
one h1, no request to another origin, usable without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import web_pages
from support.axe import axe_violations, format_violations
from support.vnu import format_vnu_errors, vnu_errors


def html_pages(root: Path) -> list[str]:
    """The web pages (not the email editions: helpers.is_email_edition)."""
    return [p.relative_to(root).as_posix() for p in web_pages(root)]


def page_types(root: Path) -> dict[str, str]:
    """One page per type: pages grouped by the shape of their path, one action per state."""
    chosen: dict[str, str] = {}
    for page in html_pages(root):
        if page.startswith(("admin/", "pagefind/")):
            continue
        html = (root / page).read_text("utf-8")
        if 'http-equiv="refresh"' in html:
            continue  # an old address: it leaves at once (checked in test_redirects)
        parts = page.split("/")
        if parts[0] == "actions" and len(parts) == 3:
            state = re.search(r'data-state="([a-z-]+)"', html)
            shape = f"action:{state.group(1) if state else 'other'}"
        else:
            shape = "/".join(parts[:1] + ["*"] * (len(parts) - 2) + parts[-1:]) if len(parts) > 1 else page
        chosen.setdefault(shape, page)
    return chosen


def test_the_sample_site_has_every_action_state(built_site):
    shapes = page_types(built_site)
    for state in ("open", "past-deadline", "closed", "good-news"):
        assert f"action:{state}" in shapes, sorted(shapes)
    assert "index.html" in shapes and "404.html" in shapes


def test_every_built_page_is_valid_html(built_site):
    pages = [built_site / p for p in html_pages(built_site) if not p.startswith("admin/")]
    assert pages
    errors = vnu_errors(pages)
    assert not errors, format_vnu_errors(errors, built_site)


@pytest.mark.parametrize("width", [360, 1280])
def test_every_page_type_has_no_accessibility_violation(built_site, site_url, open_page, width):
    failures = []
    for shape, page_path in page_types(built_site).items():
        page = open_page(width=width, base_url=site_url)
        url = f"{site_url}/{page_path.removesuffix('index.html')}"
        page.goto(url, wait_until="load")
        violations = axe_violations(page)
        if violations:
            failures.append(f"{shape} ({page_path}):\n{format_violations(violations)}")
        if page.locator("h1").count() != 1:
            failures.append(f"{shape} ({page_path}): {page.locator('h1').count()} h1 elements")
        if page.third_party_requests:
            failures.append(f"{shape}: third-party requests {page.third_party_requests}")
        if page.page_errors:
            failures.append(f"{shape}: JavaScript errors {page.page_errors}")
    assert not failures, "\n\n".join(failures)


def test_pages_work_without_javascript(built_site, site_url, open_page):
    page = open_page(width=360, javascript=False, base_url=site_url)
    page.goto(f"{site_url}/")
    first = page.locator("main a[href^='/actions/']").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert page.locator("#agir").is_visible()
    assert page.locator(".letter").first.is_visible()


@pytest.mark.parametrize(
    ("page", "current"),
    [
        ("index.html", "/"),
        ("archives/index.html", "/archives/"),
        ("bonnes-nouvelles/index.html", "/bonnes-nouvelles/"),
        ("recherche/index.html", "/recherche/"),
        ("rejoindre/index.html", "/rejoindre/"),
        ("404.html", None),
    ],
)
def test_the_navigation_marks_the_current_page_once_on_each_page(built_site, page, current):
    # The shell's navigation is rendered once per build and page name (site_fragment):
    # each page must still get its own, with the footer and the feed links.
    html = (built_site / page).read_text("utf-8")
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.DOTALL).group(0)
    marked = re.findall(r'<a href="([^"]+)" aria-current="page">', nav)
    assert marked == ([current] if current else []), (page, marked)
    assert html.count('<footer class="site-footer">') == 1
    assert html.count('type="application/rss+xml"') == 1


@pytest.fixture(scope="module")
def paginated_site(tmp_path_factory) -> Path:
    """The sample site with three items a page: its lists and good news have later pages."""
    from helpers import ROOT, run_pelican

    root = tmp_path_factory.mktemp("paginated")
    output = root / "output"
    result = run_pelican(root, ROOT / "content", output, overrides={"UA_ARCHIVE_PAGE_SIZE": 3})
    assert result.returncode == 0, result.stderr + result.stdout
    return output


def test_later_pages_of_lists_are_valid_and_accessible(paginated_site, open_page):
    """Page 2 of the archive and of the good news (a pager, no count per year) pass
    the same checks as every page type of the sample site."""
    from support.server import serve_directory

    pages = ["archives/page/2/index.html", "bonnes-nouvelles/page/2/index.html", "bonnes-nouvelles/index.html"]
    for page in pages:
        assert (paginated_site / page).is_file(), page
    errors = vnu_errors([paginated_site / page for page in pages])
    assert not errors, format_vnu_errors(errors, paginated_site)
    failures = []
    with serve_directory(paginated_site) as url:
        for width in (360, 1280):
            for page_path in pages:
                page = open_page(width=width, base_url=url)
                page.goto(f"{url}/{page_path.removesuffix('index.html')}", wait_until="load")
                violations = axe_violations(page)
                if violations:
                    failures.append(f"{page_path} at {width} px:\n{format_violations(violations)}")
                if page.locator("h1").count() != 1 or page.third_party_requests or page.page_errors:
                    failures.append(f"{page_path} at {width} px: h1, third-party requests or errors")
    assert not failures, "\n\n".join(failures)
