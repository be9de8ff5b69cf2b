"""Interface text through gettext: Babel catalogues, French as the source language.

Templates use ``{% trans %}`` and ``_()``; catalogues live in
``theme/translations/<lang>/LC_MESSAGES/messages.po`` and are compiled in
memory, so no compiled ``.mo`` file is committed or forgotten. French needs no
catalogue: its messages are the source text.
"""

from __future__ import annotations

import io
import os
from functools import cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import nodes
from jinja2.ext import InternationalizationExtension
from jinja2.lexer import Token


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

    def _translated(self, message: str) -> str | None:
        translations = getattr(self.environment, "ua_translations", None)
        if translations is None or not self.environment.newstyle_gettext:  # type: ignore[attr-defined]
            return None
        try:
            return translations.gettext(message) % {}
        except (TypeError, ValueError, KeyError):
            return None  # left to render time, which reports it as Jinja would

    def _make_node(self, singular, plural, context, variables, plural_expr, vars_referenced, num_called_num):
        if plural_expr is None and context is None and not variables:
            text = self._translated(singular)
            if text is not None:
                return nodes.Output([nodes.MarkSafeIfAutoescape(nodes.Const(text))])
        return super()._make_node(singular, plural, context, variables, plural_expr, vars_referenced, num_called_num)

    def filter_stream(self, stream):
        """``_("literal")`` alone becomes ``("translation"|safe)``, as new-style gettext returns Markup."""
        tokens = list(stream)
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if (
                token.type == "name"
                and token.value == "_"
                and [t.type for t in tokens[i + 1 : i + 4]] == ["lparen", "string", "rparen"]
                and not (i and tokens[i - 1].type == "dot")
            ):
                text = self._translated(tokens[i + 2].value)
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
