"""The whole built sample site, read as a reader's browser would: every internal
link and fragment lands, and the text the templates write has no joined sentences.

Both read the built files (no server): each page's links are resolved against its
own address, ``/`` being the output directory, ``/dir/`` its ``index.html``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from helpers import ROOT, web_pages

SITE = "http://site.invalid"
# Elements that flow inside a line of text: no break between their text and the next.
INLINE = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s", "samp"}
    | {"small", "span", "strong", "sub", "sup", "time", "u", "var"}
)
SKIPPED_TEXT = frozenset({"script", "style", "template", "noscript", "title"})


class _Page(HTMLParser):
    """Ids, links and text lines of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.lines: list[str] = [""]
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])
        for name in ("href", "src", "action"):
            if attributes.get(name) is not None and tag in {
                "a",
                "area",
                "link",
                "img",
                "script",
                "source",
                "form",
                "iframe",
            }:
                self.links.append(attributes[name])
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            match = re.search(r"url=(.+)$", attributes.get("content") or "", re.IGNORECASE)
            if match:
                self.links.append(match.group(1).strip("'\" "))
        if tag in SKIPPED_TEXT:
            self._skipping += 1
        elif tag not in INLINE:
            self.lines.append("")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TEXT:
            self._skipping = max(0, self._skipping - 1)
        elif tag not in INLINE:
            self.lines.append("")

    def handle_data(self, data):
        if not self._skipping:
            self.lines[-1] += data


def _read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text("utf-8"))
    page.close()
    return page


def html_pages(root: Path) -> list[Path]:
    """The site's web pages: not the web editor's, nor the email editions (the email
    service's merge tags stand where their URLs go; test_email_edition checks them)."""
    return [p for p in web_pages(root) if not p.relative_to(root).as_posix().startswith("admin/")]


def page_address(root: Path, path: Path) -> str:
    relative = path.relative_to(root).as_posix()
    return "/" + (relative.removesuffix("index.html") if relative.endswith("index.html") else relative)


def target_file(root: Path, path: str) -> Path | None:
    """The file a site path is served from, or None."""
    path = unquote(path)
    candidate = root / path.lstrip("/")
    if path.endswith("/"):
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def broken_links(root: Path) -> tuple[list[str], int, int]:
    """(every broken internal link or fragment, links checked, fragments checked)."""
    pages = {path: _read(path) for path in html_pages(root)}
    ids = {path.resolve(): page.ids for path, page in pages.items()}
    broken, links, fragments = [], 0, 0
    for path, page in pages.items():
        here = page_address(root, path)
        for href in page.links:
            url = urlsplit(urljoin(SITE + here, href))
            if f"{url.scheme}://{url.netloc}" != SITE:
                continue  # another site, mailto:, sms:, tel:, data:
            links += 1
            target = target_file(root, url.path)
            if target is None:
                broken.append(f"{here}: {href} (no such file)")
                continue
            if url.fragment:
                fragments += 1
                if target.suffix != ".html":
                    broken.append(f"{here}: {href} (a fragment of a file that is not a page)")
                elif unquote(url.fragment) not in ids.get(target.resolve(), set()):
                    broken.append(f"{here}: {href} (no element with this id)")
    return broken, links, fragments


def test_every_internal_link_and_fragment_lands(built_site):
    broken, links, fragments = broken_links(built_site)
    assert links > 500 and fragments > 20, (links, fragments)
    assert not broken, "\n".join(broken)


def test_the_crawl_finds_a_missing_page_and_a_missing_fragment(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<p id="here"><a href="#here">ok</a> <a href="/a/#there">no</a>', "utf-8"
    )
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a> <a href="/b/">no</a> <a href="mailto:x@example.org">mail</a>', "utf-8"
    )
    broken, links, fragments = broken_links(tmp_path)
    assert (links, fragments) == (4, 2)
    assert sorted(broken) == ["/: /b/ (no such file)", "/a/: /a/#there (no element with this id)"]


# A sentence's end directly followed by a capital: "chacune.Un message".
JOINED = re.compile(r"\S*[a-zà-ÿ0-9)»][.!?…][A-ZÀ-ÖØ-Þ]\S*")


def _content_sources() -> str:
    """What editors wrote (actions, authorities, themes): their text is theirs to fix."""
    return "\n".join(p.read_text("utf-8") for p in sorted((ROOT / "content").rglob("*")) if p.suffix in {".md", ".yml"})


def joined_sentences(root: Path, sources: str) -> list[str]:
    found = []
    for path in html_pages(root):
        for line in _read(path).lines:
            for match in JOINED.finditer(" ".join(line.split())):
                if match.group(0) not in sources:
                    found.append(f"{page_address(root, path)}: {match.group(0)!r}")
    return found


def test_no_sentence_is_joined_to_the_next_in_the_site_text(built_site):
    joined = joined_sentences(built_site, _content_sources())
    assert not joined, "\n".join(sorted(set(joined)))


def test_a_joined_sentence_is_found_across_elements(tmp_path):
    (tmp_path / "index.html").write_text(
        "<li>Une lettre est proposée pour <strong>chacune</strong>.<span>Un message</span></li>"
        "<li>Fin.</li><li>Début. Suite : example.org, cité.Exemple par un éditeur.</li>",
        "utf-8",
    )
    assert joined_sentences(tmp_path, sources="cité.Exemple") == ["/: 'chacune.Un'"]
