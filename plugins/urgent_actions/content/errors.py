"""Problems found in content files, collected and reported all at once.

Every problem names the file (relative to the directory the build runs from),
the field path inside the front matter and what is wrong, in the format of the
content model: ``content/actions/<file>.md: <field path>: <message>``.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one content file."""

    path: str  # the file, as given to the reader
    field: str  # e.g. "targets[0].email"; "" when the whole file is concerned
    message: str

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class ContentError(Exception):
    """Raised once, at the end of reading, when any content file has problems."""

    def __init__(self, problems: list[Problem], partial=None):
        self.problems = sorted(set(problems))
        # What could be read (a SiteContent of the valid files): the build and
        # ``check`` look at it for the problems found after reading, so that
        # every problem is said in one run.
        self.partial = partial
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        files = len({p.path for p in self.problems})
        head = (
            f"{count} problem{'s' if count > 1 else ''} in {files} content "
            f"file{'s' if files > 1 else ''}; nothing was published:"
        )
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


def display_path(path: str) -> str:
    """The path relative to the working directory when it is below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def field_path(loc: tuple) -> str:
    """Turn a location tuple ('targets', 0, 'email') into 'targets[0].email'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def did_you_mean(value: str, choices, *, cutoff: float = 0.6) -> str:
    """A ", did you mean 'x'?" suffix when a close match exists, else ""."""
    matches = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=cutoff)
    return f", did you mean '{matches[0]}'?" if matches else ""


class SettingsError(Exception):
    """Raised before anything is built when the plugin's settings are wrong."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        return "\n".join(
            [f"{len(self.problems)} problem(s) in the settings; nothing was built:"]
            + [f"  {problem}" for problem in self.problems]
        )
