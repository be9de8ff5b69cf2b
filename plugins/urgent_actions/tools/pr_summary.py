"""The summary of a pull request for its reviewers: which pages it adds, changes and removes.

The pull-request workflow builds the site of the base branch and of the pull
request (same build date), then ``./dev pr-summary`` compares the two outputs
file by file and writes Markdown for ``$GITHUB_STEP_SUMMARY``, with the result
of ``./dev check``: a reviewer sees what the change touches without
downloading the preview.
"""

from __future__ import annotations

import filecmp
import os
from dataclasses import dataclass, field

from .. import urls

# Files that are not pages a reviewer reads (search index, compressed copies…).
SKIPPED_PREFIXES = ("pagefind/", "theme/", "admin/")
# At most this many addresses per list: a summary stays readable.
LIST_LIMIT = 100


@dataclass
class PageChanges:
    """The addresses of the pages (HTML) and other files a change adds, changes, removes."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    other_files: int = 0  # feeds, PDFs, images… that differ


def _files(root: str) -> set[str]:
    found = set()
    for folder, _, names in os.walk(root):
        for name in names:
            relative = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
            if not relative.startswith(SKIPPED_PREFIXES) and not relative.endswith((".gz", ".br")):
                found.add(relative)
    return found


def compare(base: str, head: str) -> PageChanges:
    """What differs between the built sites ``base`` and ``head`` (directories)."""
    before, after = _files(base), _files(head)
    result = PageChanges()
    for relative in sorted(before | after):
        if relative in before and relative in after:
            same = filecmp.cmp(os.path.join(base, relative), os.path.join(head, relative), shallow=False)
            kind = None if same else "changed"
        else:
            kind = "added" if relative in after else "removed"
        if kind is None:
            continue
        if relative.endswith(".html"):
            getattr(result, kind).append("/" + urls.url_of(relative))
        else:
            result.other_files += 1
    return result


def _section(title: str, addresses: list[str]) -> list[str]:
    if not addresses:
        return []
    lines = [f"### {title} ({len(addresses)})", ""]
    for address in addresses[:LIST_LIMIT]:
        lines.append(f"- `{address}`")
    if len(addresses) > LIST_LIMIT:
        lines.append(f"- … and {len(addresses) - LIST_LIMIT} more")
    return [*lines, ""]


def markdown(changes: PageChanges | None, check_passed: bool, check_output: str) -> str:
    """The summary: the check's result (its problems when it failed), then the pages."""
    lines = ["## Content check", ""]
    if check_passed:
        lines += ["✅ `./dev check` passed.", ""]
    else:
        problems = [line.strip() for line in check_output.splitlines() if line.strip()]
        lines += ["❌ `./dev check` found problems:", "", "```", *problems[-200:], "```", ""]
    lines += ["## Pages this change touches", ""]
    if changes is None:
        lines += ["Not compared: the site could not be built (see the steps above).", ""]
        return "\n".join(lines)
    if not (changes.added or changes.changed or changes.removed):
        lines += ["No page changes.", ""]
    lines += _section("Added", changes.added)
    lines += _section("Changed", changes.changed)
    lines += _section("Removed", changes.removed)
    if changes.other_files:
        lines += [f"Other files that differ (feeds, editions, images…): {changes.other_files}.", ""]
    return "\n".join(lines)
