"""Digests of a build's inputs: settings, library versions, code, theme, content.

A :class:`Digests` is made once per build: several keys cover the same trees,
and each tree is walked once. It also keeps the stat key of every content file
it walked (:meth:`Digests.content_stat`), so that reading does not stat again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

from ..site.keys import fingerprint

CACHE_VERSION = 11
# The whole plugin's code (every key covers it).
PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Settings that change every run (or name the staging directory) without
# changing what a page contains.
_VOLATILE_SETTINGS = {"OUTPUT_PATH", "PELICAN_CLASS", "WRITE_SELECTED"}
# Content files hashed by their bytes; others (images…) by their size and mtime.
_TEXT_SUFFIXES = {".md", ".yml", ".yaml", ".txt", ".html", ".json", ".rst"}


def stat_key(stat: os.stat_result) -> tuple[int, int, int, int]:
    """A file's size, inode, mtime and ctime: while they stay the same, so do its
    bytes (ctime cannot be set back by hand)."""
    return (stat.st_size, stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns)


class Digests:
    """The digests of one build's inputs, each tree walked once."""

    def __init__(self, settings: dict):
        self.settings = settings
        self._trees: dict[tuple, str] = {}
        self._content_stats: dict[str, tuple] = {}
        self._layout: str | None = None

    def tree(self, root: str, *, skip_dirs=(), by_stat_only=False, text_only=False) -> str:
        """A digest of the files under ``root``: names, and bytes (text files) or stat keys
        (other files, or all with ``by_stat_only``, whose keys are kept: :meth:`content_stat`);
        with ``text_only``, the text files only."""
        memo = (root, tuple(skip_dirs), by_stat_only, text_only)
        if memo in self._trees:
            return self._trees[memo]
        digest = hashlib.blake2b(digest_size=20)
        if not os.path.isdir(root):
            return "absent"

        def walk(folder: str, prefix: str) -> None:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
            folders = []
            for entry in entries:
                if entry.is_dir():
                    if not entry.is_symlink() and entry.name != "__pycache__" and prefix + entry.name not in skip_dirs:
                        folders.append(entry)
                    continue
                relative = prefix + entry.name
                is_text = os.path.splitext(entry.name)[1].lower() in _TEXT_SUFFIXES
                if text_only and not is_text:
                    continue
                digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
                if by_stat_only or not is_text:
                    key = stat_key(os.stat(entry.path))
                    if by_stat_only:
                        self._content_stats[entry.path] = key
                    digest.update(repr(key).encode() + b"\0")
                else:
                    with open(entry.path, "rb") as handle:
                        digest.update(hashlib.blake2b(handle.read(), digest_size=20).digest())
            for entry in folders:
                walk(entry.path, prefix + entry.name + "/")

        walk(root, "")
        self._trees[memo] = result = digest.hexdigest()
        return result

    def content_stat(self, path: str) -> tuple[int, int, int, int]:
        """The :func:`stat_key` of a content file, as :meth:`inputs` found it."""
        found = self._content_stats.get(path)
        return found if found is not None else stat_key(os.stat(path))

    def content_stats(self) -> dict[str, tuple]:
        """The :func:`stat_key` of every file of content/, as :meth:`inputs` found them."""
        return dict(self._content_stats)

    def layout(self) -> str:
        """What decides where pages go and what files exist: code, library versions, settings."""
        if self._layout is None:  # made once: every key of the build covers it
            self._layout = fingerprint(
                CACHE_VERSION, _versions(), self.tree(PLUGIN_DIR), settings_digest(self.settings)
            )
        return self._layout

    def compiled_templates(self) -> str:
        """What a compiled template depends on: its source (Jinja checks it), and the code,
        settings, library versions, theme and translations (compiled in: i18n.BuildTimeI18n)."""
        return fingerprint(self.layout(), self.tree(self.settings.get("THEME", "")))

    def inputs(self, build_date) -> str:
        """Everything a build reads, cheaply: content/ by stat, theme and plugin code by bytes.

        A content file is taken as unchanged while its :func:`stat_key` is;
        anything else that changed makes a normal build, which then compares bytes.
        """
        return fingerprint(
            self.layout(),
            self.tree(self.settings.get("THEME", "")),
            build_date.isoformat(),
            self.tree(self.settings.get("PATH", ""), by_stat_only=True),
        )

    def read_key(self, content_root: str) -> str:
        """What reading an action file depends on besides its bytes: code, versions,
        settings, and the other text files of content/ (themes, authorities). Its
        photo is the reader's to check (``CachedReader``): a new or replaced photo
        is read again with the actions that show it, and changes no other page."""
        content = self.tree(content_root, skip_dirs=("actions",), text_only=True)
        return fingerprint(self.layout(), content)

    def render_key(self, read_key: str, theme: str) -> str:
        """What every page depends on besides its own key: the read key and the theme."""
        return fingerprint(read_key, self.tree(theme))


def _stable(value):
    """A representation of a setting that does not change between runs."""
    if isinstance(value, dict):
        return {str(k): _stable(v) for k, v in sorted(value.items(), key=lambda i: str(i[0]))}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_stable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if callable(value) or isinstance(value, type):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__name__)}"
    text = repr(value)
    # Objects without a meaningful repr ("<x object at 0x…>") change every run.
    return type(value).__qualname__ if " at 0x" in text else text


def _markdown_as_read(markdown: dict) -> dict:
    """``MARKDOWN`` as Pelican's Markdown reader leaves it: the reader adds every key of
    ``extension_configs`` to ``extensions`` *in the settings*, during the first build.
    Digested as given, an autoreloading ``pelican`` (``./dev serve``) saw other settings
    from its second build on, and the first edit after start rebuilt the whole site."""
    configs = markdown.get("extension_configs") or {}
    extensions = list(markdown.get("extensions") or [])
    return {
        **markdown,
        "extension_configs": configs,
        "extensions": extensions + [name for name in configs if name not in extensions],
    }


def settings_digest(settings: dict) -> str:
    stable = {k: _stable(v) for k, v in settings.items() if k not in _VOLATILE_SETTINGS}
    if isinstance(settings.get("MARKDOWN"), dict):
        stable["MARKDOWN"] = _stable(_markdown_as_read(settings["MARKDOWN"]))
    return fingerprint(json.dumps(stable, sort_keys=True, default=str))


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    import jinja2
    import markdown
    import pelican
    import pydantic

    try:
        pagefind = version("pagefind_bin")
    except PackageNotFoundError:  # pragma: no cover - search turned off
        pagefind = "none"
    return (
        f"{sys.version}|{pelican.__version__}|{markdown.__version__}|{jinja2.__version__}|{pydantic.VERSION}|{pagefind}"
    )
