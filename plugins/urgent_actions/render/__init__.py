"""Rendering: the Pelican generator, Jinja templates, i18n and Markdown."""
