"""Markdown bodies to HTML with one reused converter, and no HTML let through.

Editors write Markdown, not HTML: raw HTML in a body is shown as text, and a
link whose address is not http(s), mailto, tel or a path of the site is dropped
(its text stays). Creating a Markdown converter is costly, so one instance is
reset and reused for every file.

Python-Markdown tries each of its block processors on every block and each of
its inline patterns on every piece of text, one after the other, and most never
match: a body without ``#`` has no heading, one without a backtick no code
span, one without ``[`` no link. For each combination of such missing
characters, a converter without the processors and patterns that need them is
made once and reused (the same HTML: a differential test compares them on
thousands of texts).
"""

from __future__ import annotations

import zlib
from urllib.parse import urlsplit

import markdown
from markdown.blockprocessors import HashHeaderProcessor
from markdown.extensions.footnotes import FootnoteExtension
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


class _SafeLinksExtension(markdown.Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 0)


class _HashHeader(HashHeaderProcessor):
    """Python-Markdown's ``#`` headings, whose pattern (searched in every block of a
    text with a ``#`` anywhere) finds one only where a line starts with ``#``."""

    def test(self, parent, block: str) -> bool:
        return (block.startswith("#") or "\n#" in block) and super().test(parent, block)


DEFAULT_EXTENSIONS = ("sane_lists", "smarty", "tables", "footnotes")
# What smarty (dashes, ellipses, and backslash-escaped quotes, which it adds to
# Markdown's escapable characters) and footnotes act on. A text without any of
# these comes out the same without those two extensions, whose second inline
# pass costs about a quarter of the time: it is converted without them.
SMARTY_OR_FOOTNOTE = ("--", "...", "[^", '\\"', "\\'")


# Python-Markdown's inline patterns, and what a text must contain for each to
# be able to match (tabs are expanded before the inline pass: with "  \n",
# they can make a line break). Patterns not listed here are always kept.
_INLINE_NEEDS = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("[",),
    "link": ("[",),
    "short_reference": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n", "  \r", "\t"),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
    "not_strong": ("*", "_"),
}
# The same for block processors (each one's test looks at one block of the
# text; the reference processor finds nothing without "[").
_BLOCK_NEEDS = {
    "hashheader": ("#",),
    "setextheader": ("=", "-"),
    "hr": ("-", "_", "*"),
    "ulist": ("*", "+", "-"),
    "quote": (">",),
    "reference": ("[",),
    "table": ("|",),
}
_NEEDS = {**{("inline", k): v for k, v in _INLINE_NEEDS.items()}, **{("block", k): v for k, v in _BLOCK_NEEDS.items()}}
_MAX_VARIANTS = 64


def unneeded_processors(text: str) -> frozenset[tuple[str, str]]:
    """The (kind, name) of the block processors and inline patterns that cannot
    match anywhere in ``text``; kind is "block" or "inline"."""
    return frozenset(key for key, marks in _NEEDS.items() if not any(mark in text for mark in marks))


def converter(extensions, without: frozenset[tuple[str, str]] = frozenset()) -> markdown.Markdown:
    """A Python-Markdown converter with ``extensions``, links made safe and raw
    HTML escaped, without the processors named in ``without`` (``unneeded_processors``)."""
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
    for kind, name in without:
        registry = md.inlinePatterns if kind == "inline" else md.parser.blockprocessors
        registry.deregister(name, strict=False)
    if "hashheader" in md.parser.blockprocessors:  # its own priority in Python-Markdown: 70
        md.parser.blockprocessors.register(_HashHeader(md.parser), "hashheader", 70)
    return md


def _footnotes(md: markdown.Markdown):
    for extension in md.registeredExtensions:
        if isinstance(extension, FootnoteExtension):
            return extension
    return None


class MarkdownRenderer:
    """Render Markdown text to HTML; one instance serves a whole build."""

    def __init__(self, extensions=DEFAULT_EXTENSIONS):
        self._extensions = tuple(extensions)
        self._plain_extensions = None
        if self._extensions == DEFAULT_EXTENSIONS:
            self._plain_extensions = tuple(e for e in extensions if e not in ("smarty", "footnotes"))
        # (extensions, (kind, name) of the processors left out) -> converter
        self._converters: dict[tuple, markdown.Markdown] = {}

    def _for(self, text: str) -> markdown.Markdown:
        extensions = self._extensions
        if self._plain_extensions is not None and not any(mark in text for mark in SMARTY_OR_FOOTNOTE):
            extensions = self._plain_extensions
        without = unneeded_processors(text)
        md = self._converters.get((extensions, without))
        if md is None:
            if len(self._converters) >= _MAX_VARIANTS:
                without = frozenset()
                md = self._converters.get((extensions, without))
            if md is None:
                md = self._converters[extensions, without] = converter(extensions, without)
        return md

    def render(self, text: str) -> str:
        md = self._for(text)
        footnotes = _footnotes(md)
        if footnotes is not None:
            # Footnote ids are unique to their text, not to how many texts this
            # converter made before (which depends on the order of reading, the
            # worker and the cache): a page's bytes must not.
            footnotes.unique_prefix = zlib.crc32(text.encode("utf-8")) % 1_000_000
        try:
            return md.convert(text)
        finally:
            md.reset()
