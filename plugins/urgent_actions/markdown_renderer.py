"""Markdown bodies to HTML with one reused converter, and no HTML let through.

Editors write Markdown, not HTML: raw HTML in a body is shown as text, and a
link whose address is not http(s), mailto, tel or a path of the site is dropped
(its text stays). Creating a Markdown converter is costly, so one instance is
reset and reused for every file.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor

SAFE_SCHEMES = {"", "http", "https", "mailto", "tel"}


def is_safe_url(url: str) -> bool:
    cleaned = "".join(ch for ch in url if not ch.isspace() and ord(ch) >= 32)
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    return scheme in SAFE_SCHEMES


class _SafeLinks(Treeprocessor):
    def run(self, root):
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not is_safe_url(value):
                    del element.attrib[attribute]
        return None


class _SafeLinksExtension(markdown.Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 0)


DEFAULT_EXTENSIONS = ("sane_lists", "smarty", "tables", "footnotes")
# What smarty (dashes, ellipses, and backslash-escaped quotes, which it adds to
# Markdown's escapable characters) and footnotes act on. A text without any of
# these comes out the same without those two extensions, whose second inline
# pass costs about a quarter of the time: it is converted without them.
_SMARTY_OR_FOOTNOTE = ("--", "...", "[^", '\\"', "\\'")


def _converter(extensions) -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=[*extensions, _SafeLinksExtension()],
        # Settings of an extension that is not loaded are ignored.
        extension_configs={
            "smarty": {"smart_quotes": False},
            "footnotes": {"UNIQUE_IDS": True},
        },
        output_format="html",
    )
    # Raw HTML is escaped, never passed through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


class MarkdownRenderer:
    """Render Markdown text to HTML; one instance serves a whole build."""

    def __init__(self, extensions=DEFAULT_EXTENSIONS):
        self._md = _converter(extensions)
        self._plain = None
        if tuple(extensions) == DEFAULT_EXTENSIONS:
            self._plain = _converter(tuple(e for e in extensions if e not in ("smarty", "footnotes")))

    def _for(self, text: str) -> markdown.Markdown:
        if self._plain is not None and not any(mark in text for mark in _SMARTY_OR_FOOTNOTE):
            return self._plain
        return self._md

    def render(self, text: str) -> str:
        md = self._for(text)
        try:
            return md.convert(text)
        finally:
            md.reset()
