"""Checks of a built site for `invoke check --site`: internal links and images resolve."""

from __future__ import annotations

import os
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)


def _resolves(root: str, page: str, url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("#"):
        return True  # another site, mailto:, sms:… or an anchor
    path = unquote(parts.path)
    target = os.path.join(root, path.lstrip("/")) if path.startswith("/") else os.path.join(os.path.dirname(page), path)
    return os.path.isfile(target) or os.path.isfile(os.path.join(target, "index.html"))


def check_built_site(root: str) -> list[str]:
    """Every broken internal link or image, as 'page: url'."""
    problems = []
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".html"):
                continue
            page = os.path.join(folder, name)
            parser = _Links()
            with open(page, encoding="utf-8") as handle:
                parser.feed(handle.read())
            for url in parser.found:
                if not _resolves(root, page, url):
                    problems.append(f"{os.path.relpath(page, root)}: broken link {url}")
    return sorted(set(problems))


def vnu_problems(root: str, project_root: str) -> list[str] | None:
    """Errors of the Nu Html Checker on every page, or None when it is not installed."""
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
        if m.get("type") == "error"
    ]
