"""Checks of a built site for `invoke check --site`: internal links and images resolve,
and the HTML is valid (the Nu Html Checker).

The email editions (``envois/<slug>/courriel.html``) are made for mail clients,
not browsers: the email service's merge tags stand where some URLs go, and
some markup is for Outlook and Apple Mail only. What :data:`EMAIL_EXPECTED`
describes is expected there; everything else is checked as on any page.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from .. import urls


def is_email_edition(relative: str) -> bool:
    """Whether the built file at ``relative`` (to the output) is an email edition."""
    parts = relative.split("/")
    return len(parts) == 3 and relative == urls.email_html(parts[1]) and relative.startswith(urls.ENVOIS)


def _merge_tag_in_message(message: str, line: str, tags) -> bool:
    """A merge tag of the email service (`{{unsubscribe_url}}`) where a URL goes: the service fills it."""
    return any(tag in message for tag in tags)


def _mail_client_css(message: str, line: str, tags) -> bool:
    """Outlook's own CSS properties (`mso-hide`, `mso-line-height-rule`…), which browsers ignore."""
    return message.startswith("CSS: “mso-")


def _mail_client_meta(message: str, line: str, tags) -> bool:
    """Apple Mail's and Outlook's `<meta name="x-apple-disable-message-reformatting">` and `format-detection`."""
    return message.startswith("Element “meta” is missing") and bool(
        re.search(r'name="(x-apple-disable-message-reformatting|format-detection)"', line)
    )


# What the Nu Html Checker says of an email edition that is expected there.
EMAIL_EXPECTED = (_merge_tag_in_message, _mail_client_css, _mail_client_meta)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)


def _resolves(root: str, page: str, url: str, site_url: str = "") -> bool:
    if site_url and url.startswith(site_url + "/"):
        url = url[len(site_url) :]  # the site's own absolute address (an email's links)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("#"):
        return True  # another site, mailto:, sms:… or an anchor
    path = unquote(parts.path)
    target = os.path.join(root, path.lstrip("/")) if path.startswith("/") else os.path.join(os.path.dirname(page), path)
    return os.path.isfile(target) or os.path.isfile(os.path.join(target, "index.html"))


def check_built_site(root: str, merge_tags=(), site_url: str = "") -> list[str]:
    """Every broken internal link or image, as 'page: url'. In an email edition a
    merge tag (``merge_tags``: the service's, e.g. ``{{unsubscribe_url}}``) is not a
    link to check; links to ``site_url`` (the site's absolute address) are checked."""
    problems = []
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".html"):
                continue
            page = os.path.join(folder, name)
            email = is_email_edition(os.path.relpath(page, root).replace(os.sep, "/"))
            parser = _Links()
            with open(page, encoding="utf-8") as handle:
                parser.feed(handle.read())
            for url in parser.found:
                if email and any(tag in url for tag in merge_tags):
                    continue
                if not _resolves(root, page, url, site_url.rstrip("/")):
                    problems.append(f"{os.path.relpath(page, root)}: broken link {url}")
    return sorted(set(problems))


def _expected_in_email(root: str, message: dict, merge_tags) -> bool:
    path = urlsplit(message.get("url", "")).path
    if not is_email_edition(os.path.relpath(path, root).replace(os.sep, "/")):
        return False
    try:
        with open(path, encoding="utf-8") as handle:
            line = handle.read().split("\n")[int(message.get("lastLine", 0)) - 1]
    except (OSError, ValueError, IndexError):
        line = ""
    text = message.get("message", "")
    return any(expected(text, line, merge_tags) for expected in EMAIL_EXPECTED)


def vnu_problems(root: str, project_root: str, merge_tags=()) -> list[str] | None:
    """Errors of the Nu Html Checker on every page (less what is expected in an email
    edition, :data:`EMAIL_EXPECTED`), or None when it is not installed."""
    import json
    import shutil
    import subprocess

    jar = os.path.join(project_root, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
    java = shutil.which("java")
    if not (java and os.path.isfile(jar)):
        return None
    pages = [os.path.join(f, n) for f, _, names in os.walk(root) for n in names if n.endswith(".html")]
    result = subprocess.run(
        [java, "-jar", jar, "--format", "json", "--errors-only", "--exit-zero-always", *pages],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}').get("messages", [])
    return [
        f"{os.path.relpath(urlsplit(m.get('url', '')).path, root)}:{m.get('lastLine', '?')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error" and not _expected_in_email(root, m, merge_tags)
    ]
