"""Pagefind started early on the edited action's shard: kept when it guessed
right, stopped when it guessed wrong or the build fails, nothing left behind."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from test_build import tree_digest

from helpers import ROOT, action, dump_front, run_pelican, three_years

sys.path.insert(0, str(ROOT))
from benchmarks.bench import differences  # the project root: the benchmark's comparison


def _fragments_text(shard: Path) -> bytes:
    import gzip

    return b"".join(gzip.decompress(p.read_bytes()) for p in (shard / "fragment").iterdir())


def _no_leftovers(tmp_path) -> list[str]:
    return [p.name for p in tmp_path.iterdir() if p.name.startswith((".pagefind-pages-", ".pagefind-out-"))]


def test_pagefind_starts_on_the_edited_action_s_shard_before_the_build_reads(tmp_path):
    """Only an action's text changed: Pagefind starts on the shard its page was in,
    from the published pages, before the build has read anything, and is given the
    new page once rendered (a named pipe): the index is the one a build from
    scratch makes, the new text included."""
    content, output, overrides = three_years(tmp_path)
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    source = content / "actions" / "y2025.md"
    source.write_text(source.read_text("utf-8") + "\nUne phrase ajoutée pendant la relecture.\n", "utf-8")
    result = run_pelican(tmp_path, content, output, overrides=overrides, extra_args=("--verbose",))
    log = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 0, log
    assert "Search: 1 shard(s) indexed since the build started" in log
    assert "1 shards indexed, 2 reused" in log
    assert "phrase ajoutée pendant la relecture".encode() in _fragments_text(output / "pagefind-2025")
    assert run_pelican(tmp_path, content, tmp_path / "fresh", overrides=overrides).returncode == 0
    assert differences(output, tmp_path / "fresh") == []
    assert not _no_leftovers(tmp_path)


@pytest.mark.parametrize("edit", ["moved-to-another-year", "title-shown-by-its-case"])
def test_an_early_pagefind_that_guessed_wrong_is_stopped_and_the_shards_indexed_anew(tmp_path, edit):
    """The edit moved the action to another shard, or changed a page Pagefind read
    from the published output (the title, which the case's other page shows): the
    shard Pagefind started on early is not the one to index; it is stopped, and the
    shards are indexed as in any build."""
    content, output, overrides = three_years(tmp_path)
    follow_up = action(case="UA 2/25", update=1, date="2025-05-01", state="closed", deadline=None,
                       title="Égypte : la suite")  # fmt: skip
    (content / "actions" / "y2025-suite.md").write_text(dump_front(follow_up), "utf-8")
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    suite_page = (output / "actions" / "y2025-suite" / "index.html").read_bytes()
    source = content / "actions" / "y2025.md"
    text = source.read_text("utf-8")
    closed = {"case": "UA 2/25", "state": "closed", "deadline": None}
    if edit == "moved-to-another-year":
        source.write_text(dump_front(action(date="2024-06-01", **closed)), "utf-8")
    else:
        source.write_text(dump_front(action(date="2025-03-01", title="Égypte : Nouveau titre", **closed)), "utf-8")
    assert source.read_text("utf-8") != text
    result = run_pelican(tmp_path, content, output, overrides=overrides, extra_args=("--verbose",))
    log = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 0, log
    assert "indexed since the build started" not in log
    if edit == "title-shown-by-its-case":
        assert (output / "actions" / "y2025-suite" / "index.html").read_bytes() != suite_page
        assert b"Nouveau titre" in _fragments_text(output / "pagefind-2025")
    assert run_pelican(tmp_path, content, tmp_path / "fresh", overrides=overrides).returncode == 0
    assert differences(output, tmp_path / "fresh") == []
    assert not _no_leftovers(tmp_path)


def test_a_build_that_fails_stops_the_early_pagefind_and_leaves_nothing_behind(tmp_path):
    content, output, overrides = three_years(tmp_path)
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    published = tree_digest(output)
    source = content / "actions" / "y2025.md"
    good = source.read_text("utf-8")
    source.write_text(good.replace("country: EG", "country: XX") + "\nUne phrase.\n", "utf-8")
    assert "country: XX" in source.read_text("utf-8")
    result = run_pelican(tmp_path, content, output, overrides=overrides)
    assert result.returncode != 0
    assert "y2025.md: country" in result.stderr
    assert tree_digest(output) == published
    assert not _no_leftovers(tmp_path)
    source.write_text(good + "\nUne phrase.\n", "utf-8")
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    assert run_pelican(tmp_path, content, tmp_path / "fresh", overrides=overrides).returncode == 0
    assert differences(output, tmp_path / "fresh") == []
