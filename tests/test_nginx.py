"""The production build served by Debian's nginx with deploy/nginx/: status codes, headers,
compression, the 404 page, content types; in Chromium: no CSP violation, no other origin,
no console error, valid HTML, light action pages that work without JavaScript."""

from __future__ import annotations

import gzip
import re
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import brotli
import pytest
from test_pages_quality import page_types

from helpers import web_pages
from support.nginx import check_config, serve_with_nginx
from support.vnu import format_vnu_errors, vnu_errors

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "Permissions-Policy",
    "Strict-Transport-Security",
)
SHORT_CACHE = "public, max-age=300, must-revalidate"
LONG_CACHE = "public, max-age=31536000, immutable"
ACTION_BUDGET = 40 * 1024


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, encoding: str | None = None):
    """(status, headers, raw body) without following redirects or decoding."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def decoded(headers, body: bytes) -> bytes:
    encoding = headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    assert encoding is None, encoding
    return body


def first_action(output: Path, state: str = "open", containing: str = "") -> str:
    for page in sorted(output.glob("actions/*/index.html")):
        html = page.read_text("utf-8")
        if f'data-state="{state}"' in html and containing in html:
            return "/" + page.parent.relative_to(output).as_posix() + "/"
    raise AssertionError(f"no {state} action in the sample site")


def test_the_configuration_passes_nginx_t(production_site):
    output, _ = production_site
    result = check_config(output)
    assert result.returncode == 0, result.stderr


def test_status_codes_and_clean_urls(production_site, served_site):
    output, _ = production_site
    action = first_action(output)
    status, headers, body = fetch(served_site + "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (output / "index.html").read_bytes()

    status, _, body = fetch(served_site + action)
    assert status == 200 and body == (output / action.strip("/") / "index.html").read_bytes()

    status, headers, _ = fetch(served_site + action.rstrip("/"))
    assert status == 301 and headers["Location"] == action

    for missing in (
        "/actions/n-existe-pas/",
        "/n-existe-pas.css",
        "/_build-manifest.json",
        "/_nginx/security-headers.conf",
        "/_headers",
        "/.git/config",
    ):
        status, headers, body = fetch(served_site + missing)
        assert status == 404, missing
        assert body == (output / "404.html").read_bytes(), missing
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        for name in SECURITY_HEADERS:
            assert headers[name], (missing, name)


def test_security_and_cache_headers(production_site, served_site):
    output, _ = production_site
    policy = (output / "_headers").read_text("utf-8")
    css = next((output / "theme" / "css").glob("site.*.css")).relative_to(output).as_posix()
    for path, cache in (
        ("/", SHORT_CACHE),
        (first_action(output), SHORT_CACHE),
        ("/" + css, LONG_CACHE),
    ):
        status, headers, _ = fetch(served_site + path)
        assert status == 200, path
        assert headers["Cache-Control"] == cache, path
        assert headers.get_all("Cache-Control") == [cache], path
        for name in SECURITY_HEADERS:
            assert f"  {name}: {headers[name]}\n" in policy, (path, name)
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        assert "Server" not in headers or headers["Server"] == "nginx"  # no version


@pytest.mark.parametrize("encoding", ["br", "gzip", None])
def test_precompressed_files_are_served(production_site, served_site, encoding):
    output, _ = production_site
    css = "/" + next((output / "theme" / "css").glob("site.*.css")).relative_to(output).as_posix()
    for path, file in (("/", "index.html"), (css, css.lstrip("/")), ("/nope/", "404.html")):
        status, headers, body = fetch(served_site + path, encoding)
        assert status == (404 if file == "404.html" else 200), path
        assert headers.get("Content-Encoding") == encoding, path
        assert decoded(headers, body) == (output / file).read_bytes(), path
        if encoding:
            assert len(body) < (output / file).stat().st_size, path
            assert headers["Vary"] == "Accept-Encoding"


@pytest.fixture(scope="module")
def typed_site(production_site, tmp_path_factory):
    """The files whose content types matter, served with the production configuration."""
    output, _ = production_site
    root = tmp_path_factory.mktemp("types")
    shutil.copytree(output / "_nginx", root / "_nginx")
    shutil.copy(output / "404.html", root / "404.html")
    files = {
        "feeds/actions.atom.xml": "application/atom+xml; charset=utf-8",
        "feeds/actions.rss.xml": "application/rss+xml; charset=utf-8",
        "feeds/good-news.atom.xml": "application/atom+xml; charset=utf-8",
        "feeds/actions.json": "application/feed+json; charset=utf-8",
        "feeds/deadlines.ics": "text/calendar; charset=utf-8",
        "sitemap.xml": "application/xml; charset=utf-8",
        "robots.txt": "text/plain; charset=utf-8",
        "pagefind/pagefind-entry.json": "application/json; charset=utf-8",
        "site.webmanifest": "application/manifest+json; charset=utf-8",
    }
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", "utf-8")
    with serve_with_nginx(root) as url:
        yield url, files


def test_content_types_of_feeds_calendar_and_data(typed_site, production_site, served_site):
    url, files = typed_site
    output, _ = production_site
    # The sample site's own feeds, calendar and sitemap, with their compressed copies.
    real = [name for name in files if (output / name).is_file()]
    assert {"feeds/actions.atom.xml", "feeds/actions.json", "feeds/deadlines.ics"} <= set(real)
    for name in real:
        status, headers, body = fetch(f"{served_site}/{name}", "br")
        assert status == 200 and headers["Content-Type"] == files[name], name
        assert decoded(headers, body) == (output / name).read_bytes(), name
    for name, content_type in files.items():
        status, headers, _ = fetch(f"{url}/{name}")
        assert status == 200, name
        assert headers["Content-Type"] == content_type, name
        assert headers["Cache-Control"] == SHORT_CACHE, name
        assert headers["Content-Security-Policy"], name


def test_every_production_page_is_valid_html(production_site):
    output, _ = production_site
    pages = web_pages(output)
    errors = vnu_errors(pages)
    assert not errors, format_vnu_errors(errors, output)


_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_every_page_type_through_nginx(production_site, served_site, open_page):
    """No CSP violation, no other origin, no console error or missing file.

    axe is not run again here: test_pages_quality runs it on every page type
    at 360 and 1280 px. What production changes (fingerprinted assets, the
    policy) would show here as a blocked or missing file, which these checks
    report, before it could change what axe sees."""
    output, _ = production_site
    failures = []
    types = page_types(output)
    assert len(types) >= 4
    for shape, page_path in types.items():
        page = open_page(width=360, base_url=served_site)
        page.add_init_script(_CSP_LISTENER)
        # The 404 page as nginx serves it: for an address that does not exist.
        path = "/n-existe-pas/" if page_path == "404.html" else "/" + page_path.removesuffix("index.html")
        response = page.goto(path, wait_until="load")
        expected = 404 if page_path == "404.html" else 200
        if response.status != expected:
            failures.append(f"{shape}: HTTP {response.status}")
        page.wait_for_timeout(100)
        violations = page.evaluate("window.__cspViolations")
        if violations:
            failures.append(f"{shape}: CSP violations {violations}")
        if page.third_party_requests:
            failures.append(f"{shape}: requests to other origins {page.third_party_requests}")
        console = [
            message
            for message in page.console_errors
            if not (
                expected == 404
                and message.startswith("Failed to load resource: the server responded with a status of 404")
            )
        ]
        if console or page.page_errors:
            failures.append(f"{shape}: console {console} {page.page_errors}")
    assert not failures, "\n".join(failures)


def test_the_policy_blocks_inline_code_and_the_listener_sees_it(production_site, open_page, tmp_path):
    """The check above can fail: an inline script and style are refused and reported."""
    output, _ = production_site
    shutil.copytree(output / "_nginx", tmp_path / "_nginx")
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="fr"><title>t</title><style>p{color:red}</style>'
        '<script>document.title = "inline ran"</script><p>x</p></html>',
        "utf-8",
    )
    with serve_with_nginx(tmp_path) as url:
        page = open_page(width=360, base_url=url)
        page.add_init_script(_CSP_LISTENER)
        page.goto("/")
        page.wait_for_timeout(100)
        violations = page.evaluate("window.__cspViolations")
        assert page.title() == "t"
    assert sorted(v.split()[0] for v in violations) == ["script-src-elem", "style-src-elem"]


_ASSETS = re.compile(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"')


def action_weight(served_site: str, path: str, encoding: str) -> int:
    """Bytes on the wire for the HTML of ``path`` and the CSS and JS it loads."""
    status, headers, body = fetch(served_site + path, encoding)
    assert status == 200 and headers["Content-Encoding"] == encoding
    total = len(body)
    for asset in _ASSETS.findall(decoded(headers, body).decode("utf-8")):
        assert asset.startswith(served_site + "/"), asset
        status, headers, body = fetch(asset, encoding)
        assert status == 200, asset
        total += len(body)
    return total


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_every_action_page_weighs_at_most_40_kb_compressed(production_site, served_site, encoding):
    output, _ = production_site
    weights = {"/" + p.parent.relative_to(output).as_posix() + "/": 0 for p in output.glob("actions/*/index.html")}
    for path in weights:
        weights[path] = action_weight(served_site, path, encoding)
    heaviest = max(weights, key=weights.get)
    print(f"heaviest action page ({encoding}): {heaviest} {weights[heaviest]} bytes")
    assert weights[heaviest] <= ACTION_BUDGET, weights


def test_an_action_works_without_javascript_through_nginx(production_site, served_site, open_page):
    output, _ = production_site
    page = open_page(width=360, javascript=False, base_url=served_site)
    page.goto(first_action(output, containing='href="mailto:'))
    assert page.locator("h1").count() == 1
    assert page.locator(".letter").first.is_visible()
    assert page.locator("a[href^='mailto:']").count() >= 1
    css = page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position")
    assert css == "absolute"  # the fingerprinted stylesheet is applied
    assert page.third_party_requests == []


def test_the_web_editor_gets_its_own_policy_and_loads_under_it(production_site, served_site, open_page):
    status, headers, _ = fetch(f"{served_site}/admin/")
    assert status == 200
    admin_csp = headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in admin_csp and "connect-src 'self' https://api.github.com" in admin_csp
    _, home_headers, _ = fetch(f"{served_site}/")
    assert "unsafe-inline" not in home_headers["Content-Security-Policy"]
    page = open_page(width=1280, base_url=served_site)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/admin/")
    page.get_by_role("button", name="Se connecter").wait_for()
    assert violations == []
