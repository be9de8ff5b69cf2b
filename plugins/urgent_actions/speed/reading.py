"""Reading with the read cache, and on every core when many files are new.

An incremental build gives :func:`urgent_actions.content.loading.load_site` a
:class:`CachedReader` instead of its plain reader: a file whose size, inode and
times are those the cache recorded is not even read; one whose bytes are those
it recorded is not parsed, validated nor rendered; the others are read as usual
(in forked workers when there are many) and stored.
"""

from __future__ import annotations

import os

from .. import urls
from ..content.action import Action
from ..content.loading import (
    check_action_name,
    parse_action,
    read_action,
    source_digest,
    unreadable,
)
from . import parallel


class CachedAction(Action):
    """An action from the read cache. Its HTML stays the UTF-8 bytes it was saved as
    until a page shows it: a rebuild renders a few action pages out of thousands,
    and decoding the HTML of every action (34 MB at 10,000) would cost more."""

    # The HTML as the cache gave it (bytes), until a page shows it (then text).
    # Action is frozen: this one attribute of its own is set past the freeze.
    _html: str | bytes = ""

    @property
    def body_html(self) -> str:
        """The action's HTML, decoded the first time it is shown."""
        if isinstance(self._html, bytes):
            object.__setattr__(self, "_html", self._html.decode("utf-8"))
        return self._html

    @body_html.setter
    def body_html(self, value: str | bytes) -> None:
        object.__setattr__(self, "_html", value)


class CachedReader:
    """``load_site``'s reader for an incremental build (see the module's docstring)."""

    def __init__(self, cache, digests, parallel_from: int | None):
        self.cache, self.digests, self.parallel_from = cache, digests, parallel_from

    def __call__(self, paths: list[str], context: dict, renderer) -> list[tuple]:
        cache = self.cache
        results: dict[str, tuple] = {}
        unknown = []
        for path in paths:
            if cache.has_read(path):
                results[path] = self._read_known(path, context, renderer)
            else:
                unknown.append(path)

        def read_one(path):
            return read_action(path, context, renderer)

        found = parallel.read_all(unknown, context, renderer, read_one, self.parallel_from)
        for path, result in zip(unknown, found, strict=True):
            action = result[0]
            if action is not None and renderer is not None:
                cache.store_read(
                    os.path.basename(path), action.source_digest, action.front, action.body_html,
                    self.digests.content_stat(path), action.image_info, self._photo_key(action, context),
                )  # fmt: skip
            results[path] = result
        return [results[path] for path in paths]

    def _read_known(self, path: str, context: dict, renderer) -> tuple:
        """A file the cache knows: by its stat, else by its bytes, else read as new."""
        problem = check_action_name(path)
        if problem is not None:
            return None, [problem]
        name = os.path.basename(path)
        try:
            file_key = self.digests.content_stat(path)  # stat'ed once per run
            photo_key = self._recorded_photo_key(name)
            cached = self.cache.cached_by_stat(name, file_key, photo_key)
            if cached is None:
                with open(path, "rb") as handle:
                    raw = handle.read()
                cached = self.cache.cached_read(name, source_digest(raw), file_key, photo_key)
        except OSError as exc:
            return None, [unreadable(path, exc)]
        if cached is not None:
            digest, front, html, image_info = cached
            action = CachedAction(
                slug=urls.slug_of(path), source_path=path, front=front, body="",
                body_html=html,  # bytes: decoded if shown
                source_digest=digest, country_names=context["country_names"], image_info=image_info,
            )  # fmt: skip
            return action, []
        action, problems = parse_action(path, raw, context, renderer)
        if action is not None and renderer is not None:
            self.cache.store_read(
                name, action.source_digest, action.front, action.body_html, file_key, action.image_info,
                self._photo_key(action, context),
            )  # fmt: skip
        return action, problems

    def _recorded_photo_key(self, name: str) -> tuple:
        """The path and present stat key of the photo the cache recorded for ``name``."""
        photo = self.cache.recorded_photo(name)
        if photo is None:
            return ()
        try:
            return (photo, self.digests.content_stat(photo))
        except OSError:  # gone: no match, the file is read again and says so
            return (photo, None)

    def _photo_key(self, action, context: dict) -> tuple:
        """The path and stat key of ``action``'s photo, () without one: while they stay
        the same, so does what reading the action found of it (``image_info``)."""
        if action.image_info is None:
            return ()
        photo = os.path.join(context["content_root"], action.front.image)
        return (photo, self.digests.content_stat(photo))
