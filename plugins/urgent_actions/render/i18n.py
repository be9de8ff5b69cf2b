"""Interface text through gettext: Babel catalogues, French as the source language.

Templates use ``{% trans %}`` and ``_()``; catalogues live in
``theme/translations/<lang>/LC_MESSAGES/messages.po`` and are compiled in
memory, so no compiled ``.mo`` file is committed or forgotten. French needs no
catalogue: its messages are the source text.
"""

from __future__ import annotations

import io
import os
import re
from collections import deque
from functools import cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import nodes
from jinja2.ext import InternationalizationExtension
from jinja2.lexer import Token

from ..content.typography import READABLE, READABLE_META


@cache
def translations_for(theme_path: str, language: str) -> NullTranslations:
    """The theme's catalogue of ``language``. Kept for a build only: the plugin
    empties the cache when a build starts (the theme may change)."""
    po_path = os.path.join(theme_path, "translations", language, "LC_MESSAGES", "messages.po")
    if not os.path.isfile(po_path):
        return NullTranslations()
    with open(po_path, "rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


class BuildTimeI18n(InternationalizationExtension):
    """Jinja's i18n extension, translating constant messages when a template compiles.

    A build has one language, so ``{% trans %}Texte{% endtrans %}`` and
    ``_("Texte")`` without variables become their translation in the compiled
    template, with exactly what new-style gettext would give at each render
    (the text formatted with no values, marked safe under autoescape). At
    10,000 actions that is about a million gettext calls fewer. Messages with
    variables, plurals or contexts are translated at render time as usual.
    """

    def parse(self, parser):
        # For _make_node: whose message it is, and whether it is read as text (filter_stream).
        self._template = parser.name
        self._read = self._read_messages.popleft() if getattr(self, "_read_messages", None) else True
        return super().parse(parser)

    def _translated(self, message: str, template: str | None = None, read: bool = True) -> str | None:
        translations = getattr(self.environment, "ua_translations", None)
        if translations is None or not self.environment.newstyle_gettext:  # type: ignore[attr-defined]
            return None
        try:
            text = translations.gettext(message) % {}
        except (TypeError, ValueError, KeyError):
            return None  # left to render time, which reports it as Jinja would
        # French spacing at the source (render/templating.py space_at_source).
        spacing = getattr(self.environment, "ua_spacing", None)
        return spacing(template, text) if spacing is not None and read else text

    def _make_node(self, singular, plural, context, variables, plural_expr, vars_referenced, num_called_num):
        read = getattr(self, "_read", True)
        if plural_expr is None and context is None and not variables:
            text = self._translated(singular, getattr(self, "_template", None), read)
            if text is not None:
                return nodes.Output([nodes.MarkSafeIfAutoescape(nodes.Const(text))])
        node = super()._make_node(singular, plural, context, variables, plural_expr, vars_referenced, num_called_num)
        if not read and hasattr(self.environment, "ua_spacing"):  # the catalogue's own functions
            for name in node.find_all(nodes.Name):
                if name.name in _GETTEXT_NAMES:
                    name.name = "unspaced_" + name.name
        return node

    def filter_stream(self, stream):
        """``_("literal")`` alone becomes ``("translation"|safe)``, as new-style gettext returns Markup."""
        tokens = list(stream)
        read = _read_as_text(tokens)
        self._read_messages = deque(read[i] for i, token in enumerate(tokens) if _starts_trans(tokens, i))
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if (
                token.type == "name"
                and token.value == "_"
                and [t.type for t in tokens[i + 1 : i + 4]] == ["lparen", "string", "rparen"]
                and not (i and tokens[i - 1].type == "dot")
            ):
                text = self._translated(tokens[i + 2].value, stream.name, read[i])
                if text is not None:
                    line = token.lineno
                    yield Token(line, "lparen", "(")
                    yield Token(line, "string", text)
                    yield Token(line, "pipe", "|")
                    yield Token(line, "name", "safe")
                    yield Token(line, "rparen", ")")
                    i += 4
                    continue
            yield token
            i += 1


_GETTEXT_NAMES = frozenset({"gettext", "ngettext", "pgettext", "npgettext"})
_TAG_START = re.compile(r"<[a-zA-Z]")
_OPEN_VALUE = re.compile(r"""([^\s"'>/=]+)\s*=\s*(?:"[^"]*|'[^']*)$""")


def _starts_trans(tokens, i: int) -> bool:
    return tokens[i].type == "block_begin" and i + 1 < len(tokens) and tokens[i + 1].test("name:trans")


def _read_as_text(tokens) -> list[bool]:
    """For each token of a template, whether what it writes is read as text by the
    French spacing of pages (content/typography.py): text between tags, or the value
    of an attribute people read; not another attribute's value (data-*, value...).
    Found from the template's own text around it (its data tokens), as a message
    written there is: where the template cannot tell, text."""
    read, tag = [], None  # tag: the start tag being written, up to here
    for token in tokens:
        read.append(tag is None or _readable_value(tag))
        if token.type == "data":
            tag = _tag_after(tag, token.value)
    return read


def _tag_after(tag: str | None, data: str) -> str | None:
    """The start tag open after ``data`` (None outside tags), given the one open before."""
    while True:
        if tag is None:
            found = _TAG_START.search(data)
            if found is None:
                return None
            data, tag = data[found.start() :], ""
        end = data.find(">")
        if end < 0:
            return tag + data
        data, tag = data[end + 1 :], None


def _readable_value(tag: str) -> bool:
    """Whether the start tag ``tag``, written up to an attribute's value, is in a value people read."""
    found = _OPEN_VALUE.search(tag)
    if found is None:
        return False
    name = found.group(1).lower()
    if name == "content" and tag[:5].lower() == "<meta":
        return any(f'"{meta}"' in tag for meta in READABLE_META)
    return name in READABLE


def install(env, theme_path: str, language: str) -> None:
    """Give a Jinja environment the i18n extension and the language's messages."""
    translations = translations_for(theme_path, language)
    env.ua_translations = translations
    # The settings may name Jinja's own extension (jinja2.ext.i18n): it gives
    # way to this one, which does the same and translates at compile time.
    for name, ext in list(env.extensions.items()):
        if isinstance(ext, InternationalizationExtension) and not isinstance(ext, BuildTimeI18n):
            del env.extensions[name]
    if not any(isinstance(ext, BuildTimeI18n) for ext in env.extensions.values()):
        env.add_extension(BuildTimeI18n)
    env.install_gettext_translations(translations, newstyle=True)
