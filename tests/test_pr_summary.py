"""The pull request's summary for reviewers: the pages a change adds, changes and removes,
from the base's build and the head's, with the check's result."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT, action, make_content, run_pelican
from urgent_actions.tools.pr_summary import compare, markdown


def tree(root, files: dict[str, str]):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def test_pages_added_changed_and_removed(tmp_path):
    base = tree(tmp_path / "base", {"index.html": "a", "actions/x/index.html": "x", "actions/old/index.html": "o"})
    tree(base, {"feeds/actions.atom.xml": "1", "pagefind/a.pf": "1"})
    head = tree(tmp_path / "head", {"index.html": "a", "actions/x/index.html": "x2", "actions/new/index.html": "n"})
    tree(head, {"feeds/actions.atom.xml": "2", "pagefind/a.pf": "2", "index.html.gz": "z"})
    changes = compare(str(base), str(head))
    assert changes.added == ["/actions/new/"]
    assert changes.changed == ["/actions/x/"]
    assert changes.removed == ["/actions/old/"]
    assert changes.other_files == 1  # the feed; the search index and compressed copies are left out
    text = markdown(changes, True, "")
    assert "✅ `./dev check` passed." in text
    assert "### Added (1)\n\n- `/actions/new/`" in text and "### Removed (1)\n\n- `/actions/old/`" in text
    failed = markdown(changes, False, "1 problem in 1 content file; nothing was published:\n  content/actions/a.md: x")
    assert "❌ `./dev check` found problems:" in failed and "content/actions/a.md: x" in failed
    assert "Not compared" in markdown(None, True, "")


def test_the_task_compares_two_real_builds(tmp_path):
    base_content = make_content(tmp_path / "base", {"a": action(case="UA 1/26"), "b": action(case="UA 2/26")})
    head_content = make_content(
        tmp_path / "head", {"a": action(case="UA 1/26", summary="Un autre résumé."), "c": action(case="UA 3/26")}
    )
    for content in (base_content, head_content):
        result = run_pelican(tmp_path, content, content.parent / "output", overrides={"UA_SEARCH": False})
        assert result.returncode == 0, result.stderr[-2000:]
    (tmp_path / "check.log").write_text("2 actions and 0 drafts are valid (0.10 s).\n", "utf-8")
    result = subprocess.run(
        [
            sys.executable, "-m", "invoke", "pr-summary", "--base", str(tmp_path / "base" / "output"),
            "--head", str(tmp_path / "head" / "output"), "--check-log", str(tmp_path / "check.log"), "--check-passed",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = result.stdout
    assert "### Added" in summary and "- `/actions/c/`" in summary
    assert "### Removed" in summary and "- `/actions/b/`" in summary
    changed = summary.split("### Changed", 1)[1].split("###", 1)[0]
    assert "- `/actions/a/`" in changed and "- `/`" in changed  # the home page lists the actions
    assert "/actions/b/" not in changed
