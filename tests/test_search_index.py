"""The search index in shards by year: reused while their pages are unchanged,
indexed again when they change or their years move, sized for the archive."""

from __future__ import annotations

import datetime as dt
import shutil
import sys

import pytest

from helpers import ROOT, action, dump_front, make_content, run_pelican

sys.path.insert(0, str(ROOT))
from benchmarks.bench import differences  # the project root: the benchmark's comparison
from urgent_actions.render.pagefind_merge import Index


def test_the_search_index_is_reused_only_while_the_indexed_pages_are_unchanged(tmp_path):
    content = make_content(tmp_path, {"a": action(), "b": action(case="UA 2/26")})
    output = tmp_path / "output"
    for _ in range(2):
        assert run_pelican(tmp_path, content, output).returncode == 0
    entry = output / "pagefind" / "pagefind-entry.json"
    first_inode = entry.stat().st_ino
    assert run_pelican(tmp_path, content, output).returncode == 0
    assert entry.stat().st_ino == first_inode  # linked from the previous output, not rebuilt
    (content / "actions" / "b.md").write_text(
        (content / "actions" / "b.md").read_text("utf-8").replace("Karim Example", "Zélie Nouvelle"), "utf-8"
    )
    assert run_pelican(tmp_path, content, output).returncode == 0
    assert entry.stat().st_ino != first_inode
    fragments = "".join(p.name for p in (output / "pagefind").rglob("*"))
    assert fragments  # a fresh index was written


def test_a_text_edit_keeps_the_pages_that_do_not_show_it_and_their_search_shard(tmp_path):
    """The follow-up's page is rendered again (its case changed) into the same bytes:
    the published file is kept, and so is the search shard of its year."""
    first = action(case="UA 7/25", date="2025-03-01", state="closed", deadline="2025-04-01")
    follow_up = action(
        case="UA 7/25", update=1, date="2026-01-10", state="closed", deadline=None, title="Égypte : la suite"
    )
    content = make_content(tmp_path, {"a": first, "a-suite": follow_up})
    output = tmp_path / "output"
    overrides = {"UA_SEARCH_SHARD_SIZE": 1}
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    page = output / "actions" / "a-suite" / "index.html"
    shard = output / "pagefind-2026" / "pagefind-entry.json"  # the follow-up's
    kept = page.stat().st_ino, shard.stat().st_ino
    source = content / "actions" / "a.md"
    source.write_text(source.read_text("utf-8").replace("Karim Example", "Zélie Nouvelle"), "utf-8")
    result = run_pelican(tmp_path, content, output, overrides=overrides, extra_args=("--verbose",))
    log = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 0, log
    assert "Zélie Nouvelle" in (output / "actions" / "a" / "index.html").read_text("utf-8")
    assert (page.stat().st_ino, shard.stat().st_ino) == kept
    assert "1 shards indexed, 1 reused" in log
    assert "the same bytes as published" in log


def test_the_output_listed_while_pagefind_runs_is_recorded_as_published(tmp_path):
    """The stamp of the published output (files and directories) is listed while
    Pagefind indexes, the shards it writes afterwards: the result is the tree as
    published, so the next build with nothing changed does nothing."""
    import pickle

    from urgent_actions.speed.stamps import stat_tree as _stat_tree

    old = action(case="UA 7/25", date="2025-03-01", state="closed", deadline="2025-04-01")
    content = make_content(tmp_path, {"a": old, "b": action(case="UA 2/26")})
    output = tmp_path / "output"
    overrides = {"UA_SEARCH_SHARD_SIZE": 1}
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    (content / "actions" / "b.md").write_text(
        (content / "actions" / "b.md").read_text("utf-8").replace("Karim Example", "Zélie Nouvelle"), "utf-8"
    )
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    (stamp_file,) = (tmp_path / ".cache" / "urgent-actions").glob("*.published.pickle")
    stamp = pickle.loads(stamp_file.read_bytes())
    files, dirs = _stat_tree(str(output), with_dirs=True)
    assert stamp["files"] == files and stamp["dirs"] == dirs
    assert any(name.startswith("pagefind/fragment/") for name in files)  # the shard indexed again
    assert stamp["root"] == output.stat().st_ino
    result = run_pelican(tmp_path, content, output, overrides=overrides, extra_args=("--verbose",))
    assert "Nothing changed since the last build" in result.stdout + result.stderr


def test_an_edit_reindexes_only_the_search_shard_of_its_year(tmp_path):
    old = action(case="UA 7/25", date="2025-03-01", state="closed", deadline="2025-04-01")
    content = make_content(tmp_path, {"a": old, "b": action(case="UA 2/26")})
    output = tmp_path / "output"
    overrides = {"UA_SEARCH_SHARD_SIZE": 1}
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    old_entry = output / "pagefind-2025" / "pagefind-entry.json"
    new_entry = output / "pagefind-2026" / "pagefind-entry.json"
    inodes = old_entry.stat().st_ino, new_entry.stat().st_ino
    (content / "actions" / "b.md").write_text(
        (content / "actions" / "b.md").read_text("utf-8").replace("Karim Example", "Zélie Nouvelle"), "utf-8"
    )
    result = run_pelican(tmp_path, content, output, overrides=overrides, extra_args=("--verbose",))
    assert result.returncode == 0, result.stderr
    assert old_entry.stat().st_ino == inodes[0]  # the 2025 shard was kept
    assert new_entry.stat().st_ino != inodes[1]  # the 2026 shard was indexed again
    assert "1 shards indexed, 1 reused" in result.stderr + result.stdout
    # The published index, the shards merged, finds the new name (and the old pages).
    merged = Index(str(output / "pagefind"))
    assert len(merged.pages) == 2
    words = {word for word, *_ in merged.words()}
    assert "zel" in words  # "Zélie", as Pagefind stems it
    assert not list(tmp_path.glob(".pagefind-pages-*"))  # no leftover input directory


@pytest.mark.parametrize("spare", [True, False], ids=["from-the-spare", "without-spare"])
def test_shards_whose_years_moved_are_indexed_with_all_their_pages(tmp_path, spare):
    """An action added to the oldest year moves the shards' boundaries: the next
    shards hold none of the pages rendered again, yet they are indexed anew, from
    every page they hold (the unchanged ones are linked before Pagefind starts,
    whether the build starts from the spare output or from an empty directory),
    into the index a build from scratch makes."""
    closed = {"state": "closed", "deadline": None}
    actions = {
        f"y{year}": action(case=f"UA {n}/{year % 100}", date=f"{year}-03-01", **closed)
        for n, year in enumerate((2023, 2024, 2025), start=1)
    }
    content = make_content(tmp_path, {**actions, "y2026": action(case="UA 2/26")})
    output, fresh = tmp_path / "output", tmp_path / "fresh"
    overrides = {"UA_SEARCH_SHARD_SIZE": 2}
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    assert sorted(p.name for p in output.glob("pagefind*")) == ["pagefind", "pagefind-2023-2024", "pagefind-2025-2026"]
    new = action(case="UA 9/23", date="2023-06-01", title="Égypte : une autre", **closed)
    (content / "actions" / "y2023-bis.md").write_text(dump_front(new), "utf-8")
    if not spare:
        shutil.rmtree(tmp_path / ".output.spare")
    result = run_pelican(tmp_path, content, output, overrides=overrides, extra_args=("--verbose",))
    assert result.returncode == 0, result.stderr
    assert "3 shards indexed, 0 reused" in " ".join((result.stdout + result.stderr).split())
    assert run_pelican(tmp_path, content, fresh, overrides=overrides).returncode == 0
    assert sorted(p.name for p in output.glob("pagefind*")) == [
        "pagefind", "pagefind-2023", "pagefind-2024-2025", "pagefind-2026",
    ]  # fmt: skip
    # Byte for byte, but for Pagefind's files that change from run to run.
    assert differences(output, fresh) == []
    assert len(list((output / "pagefind-2024-2025" / "fragment").iterdir())) == 2


def test_a_small_archive_has_about_ten_smaller_shards():
    """Shards hold UA_SEARCH_SHARD_SIZE pages at most; a smaller archive has smaller
    ones, in steps from UA_SEARCH_SHARD_SIZE_MIN, so that it has about ten."""
    from types import SimpleNamespace

    from urgent_actions.site.search import plan, shard_size

    assert [shard_size(n, 1000, 250) for n in (20, 2500, 2501, 5000, 5001, 10_000, 50_000)] == [
        250, 250, 500, 500, 1000, 1000, 1000,
    ]  # fmt: skip
    assert shard_size(2000, 5, 250) == 5  # a largest under the smallest wins

    def archive(count):  # count actions spread evenly over 1973-2026
        return [
            SimpleNamespace(slug=f"a{i}", front=SimpleNamespace(date=dt.date(1973 + i % 54, 1, 1)))
            for i in range(count)
        ]

    for count, largest_shard in ((2000, 250), (4000, 500), (12_000, 1000)):
        shards = plan(archive(count), 1000, 250)
        assert sum(len(s.pages) for s in shards) == count
        assert max(len(s.pages) for s in shards) <= largest_shard
        assert 7 <= len(shards) <= 16, (count, len(shards))
    assert len(plan(archive(2000), 1000)) == 3  # without a smallest: shards of up to 1,000 pages


def test_a_larger_shard_is_indexed_in_even_parts_merged_in_the_order_of_its_pages():
    """An edit re-indexes one part of UA_SEARCH_PART_SIZE pages at most; the merge
    takes the newest shard first, and a shard's parts in the order of its pages."""
    from types import SimpleNamespace

    from urgent_actions.site.search import merge_order, plan

    actions = [
        SimpleNamespace(slug=f"a{i:02}", front=SimpleNamespace(date=dt.date(2024 + i % 3, 1, 1))) for i in range(30)
    ]
    whole = plan(actions, 20)
    shards = plan(actions, 20, part=4)
    assert [s.directory for s in whole] == ["pagefind-2024-2025", "pagefind-2026"]
    assert [(s.directory, len(s.slugs), s.group) for s in shards] == [
        *((f"pagefind-2024-2025-p{n}", 4, "pagefind-2024-2025") for n in range(1, 6)),  # 20 pages
        ("pagefind-2026-p1", 3, "pagefind-2026"),  # 10 pages
        ("pagefind-2026-p2", 3, "pagefind-2026"),
        ("pagefind-2026-p3", 4, "pagefind-2026"),
    ]
    # The parts hold the shard's pages in its order.
    in_order = [slug for shard in merge_order(shards) for slug in shard.slugs]
    assert in_order == [slug for shard in merge_order(whole) for slug in shard.slugs]
    assert [s.directory for s in merge_order(whole)] == ["pagefind-2026", "pagefind-2024-2025"]
    assert plan(actions, 20, part=20) == whole  # a shard no larger than a part is whole


def test_an_edit_reindexes_one_part_of_its_shard_into_the_index_a_build_from_scratch_makes(tmp_path):
    closed = {"state": "closed", "deadline": None}
    actions = {f"a{n}": action(case=f"UA {n}/25", date=f"2025-0{n}-01", **closed) for n in range(1, 4)} | {
        "a4": action(case="UA 4/26")
    }
    content = make_content(tmp_path, actions)
    output, fresh = tmp_path / "output", tmp_path / "fresh"
    overrides = {"UA_SEARCH_SHARD_SIZE": 4, "UA_SEARCH_PART_SIZE": 2}
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    assert sorted(p.name for p in output.glob("pagefind*")) == [
        "pagefind", "pagefind-2025-2026-p1", "pagefind-2025-2026-p2",
    ]  # fmt: skip
    entry = "pagefind-entry.json"
    kept = (output / "pagefind-2025-2026-p1" / entry).stat().st_ino  # a1 and a2's part
    edited = content / "actions" / "a4.md"
    edited.write_text(edited.read_text("utf-8").replace("Karim Example", "Zélie Nouvelle"), "utf-8")
    result = run_pelican(tmp_path, content, output, overrides=overrides, extra_args=("--verbose",))
    assert result.returncode == 0, result.stderr
    assert "1 shards indexed, 1 reused" in " ".join((result.stdout + result.stderr).split())
    assert (output / "pagefind-2025-2026-p1" / entry).stat().st_ino == kept
    assert "zel" in {word for word, *_ in Index(str(output / "pagefind")).words()}
    assert run_pelican(tmp_path, content, fresh, overrides=overrides).returncode == 0
    assert differences(output, fresh) == []
