"""What ``./dev serve``'s warm builder keeps in memory between two builds
(:class:`WarmMemory`, held by :class:`~urgent_actions.speed.early_pages.Serving`)."""

from __future__ import annotations

import os

from ..site.keys import fingerprint
from .stamps import file_id


class WarmMemory:
    """What ``./dev serve``'s warm builder keeps in memory from one build to the next.

    The read cache as the last build left it: the next build takes it from here
    instead of unpickling every action's front matter again, while the log on
    disk is the one it was saved as (same inode, size and mtime). And the pages'
    full keys (a digest each, 23,000 at 10,000 actions), those of the last two
    builds.
    """

    def __init__(self):
        self.path = self.read_key = self.log_id = None
        self.entries: dict[str, tuple] = {}
        self.records = 0
        self._keys: dict[tuple, str] = {}
        self._older_keys: dict[tuple, str] = {}

    def new_build(self) -> None:
        """Forget the full keys of the build before the last one."""
        self._older_keys, self._keys = self._keys, {}

    def full_key(self, parts: tuple) -> str:
        key = self._keys.get(parts) or self._older_keys.get(parts)
        if key is None:
            key = fingerprint(*parts)
        self._keys[parts] = key
        return key

    def recall(self, path: str, read_key: str) -> tuple[dict, int] | None:
        """(entries, records in the log) if the log at ``path`` is the one remembered."""
        if self.log_id is None or (path, read_key) != (self.path, self.read_key):
            return None
        try:
            if file_id(os.stat(path)) != self.log_id:
                return None
        except OSError:
            return None
        return dict(self.entries), self.records

    def remember(self, path: str, read_key: str, entries: dict, records: int) -> None:
        """What the log at ``path`` holds now that it is saved."""
        try:
            self.log_id = file_id(os.stat(path))
        except OSError:
            self.log_id = None
            return
        self.path, self.read_key, self.entries, self.records = path, read_key, entries, records
