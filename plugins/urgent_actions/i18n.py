"""Interface text through gettext: Babel catalogues, French as the source language.

Templates use ``{% trans %}`` and ``_()``; catalogues live in
``theme/translations/<lang>/LC_MESSAGES/messages.po`` and are compiled in
memory, so no compiled ``.mo`` file is committed or forgotten. French needs no
catalogue: its messages are the source text.
"""

from __future__ import annotations

import io
import os
from functools import lru_cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations


@lru_cache(maxsize=None)
def translations_for(theme_path: str, language: str) -> NullTranslations:
    po_path = os.path.join(theme_path, "translations", language, "LC_MESSAGES", "messages.po")
    if not os.path.isfile(po_path):
        return NullTranslations()
    with open(po_path, "rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def install(env, theme_path: str, language: str) -> None:
    """Give a Jinja environment the i18n extension and the language's messages."""
    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        env.add_extension("jinja2.ext.i18n")
    env.install_gettext_translations(translations_for(theme_path, language), newstyle=True)
