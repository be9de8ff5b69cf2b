"""output_swap on its own, without a build: the staging directory and what an
interrupted build left, the spare, the atomic swap, the removals beside the build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from urgent_actions.speed import output_swap


@pytest.fixture
def removals():
    """What a test removes beside itself, as a build does; over when the test ends."""
    owned = output_swap.Removals()
    yield owned
    owned.join()


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, "utf-8")
    return root


def read_tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text("utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


OLD = {"index.html": "old", "actions/a/index.html": "old a"}
NEW = {"index.html": "new", "actions/a/index.html": "new a", "actions/b/index.html": "new b"}


def test_the_paths_beside_the_output_are_hidden_siblings(tmp_path):
    final = str(tmp_path / "output") + "/"  # a trailing slash names the same output
    assert output_swap.staging_path(final) == str(tmp_path / ".output.staging")
    assert output_swap.spare_path(final) == str(tmp_path / ".output.spare")
    assert output_swap.leftover_path(final) == str(tmp_path / ".output.previous")
    assert output_swap.discarded_path(final) == str(tmp_path / ".output.discarded")


def test_prepare_removes_what_an_interrupted_build_left(tmp_path, removals):
    final = write_tree(tmp_path / "output", OLD)
    spare = write_tree(tmp_path / ".output.spare", OLD)
    leftovers = [
        ".output.staging", ".output.staging.actions",  # a build killed while building
        ".output.previous", ".output.previous.actions",  # killed between the two renames of a swap
        ".output.discarded", ".output.discarded.0", ".output.discarded.7.actions",  # removals cut short
        ".output.spare.copy",  # a spare copy cut short
    ]  # fmt: skip
    for name in leftovers:
        write_tree(tmp_path / name, {"actions/x/index.html": "stale", "index.html": "stale"})
    (tmp_path / ".other.staging").mkdir()  # another output's: not this one's to remove

    staging, is_spare = output_swap.prepare(str(final), "keep", removals)

    assert (staging, is_spare) == (str(tmp_path / ".output.staging"), False)
    assert os.listdir(staging) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".other.staging",
        ".output.spare",
        ".output.staging",
        "output",
    ]
    assert read_tree(final) == OLD and read_tree(spare) == OLD


def test_prepare_reuses_the_spare_as_the_staging_directory(tmp_path, removals):
    final = write_tree(tmp_path / "output", NEW)
    spare = write_tree(tmp_path / ".output.spare", OLD)
    inode = spare.stat().st_ino
    staging, is_spare = output_swap.prepare(str(final), "reuse", removals)
    assert is_spare and staging == str(tmp_path / ".output.staging")
    assert os.stat(staging).st_ino == inode  # renamed, not copied
    assert read_tree(Path(staging)) == OLD
    assert not spare.exists()


def test_prepare_reuse_without_a_spare_starts_from_an_empty_directory(tmp_path, removals):
    final = write_tree(tmp_path / "output", NEW)
    staging, is_spare = output_swap.prepare(str(final), "reuse", removals)
    assert not is_spare and os.listdir(staging) == []


def test_prepare_does_not_reuse_a_spare_that_is_a_symbolic_link(tmp_path, removals):
    final = write_tree(tmp_path / "output", NEW)
    elsewhere = write_tree(tmp_path / "elsewhere", OLD)
    (tmp_path / ".output.spare").symlink_to(elsewhere)
    staging, is_spare = output_swap.prepare(str(final), "reuse", removals)
    assert not is_spare and os.listdir(staging) == []
    assert read_tree(elsewhere) == OLD  # nothing written or removed through the link


def test_prepare_keep_leaves_the_spare_and_drop_removes_it(tmp_path, removals):
    final = write_tree(tmp_path / "output", NEW)
    spare = write_tree(tmp_path / ".output.spare", OLD)
    staging, is_spare = output_swap.prepare(str(final), "keep", removals)
    assert not is_spare and os.listdir(staging) == [] and read_tree(spare) == OLD

    staging, is_spare = output_swap.prepare(str(final), "drop", removals)
    assert not is_spare and os.listdir(staging) == []
    assert not spare.exists()  # moved away at once
    removals.join()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.staging", "output"]
    assert read_tree(final) == NEW


def test_restart_replaces_a_spare_that_cannot_be_used_by_an_empty_directory(tmp_path, removals):
    final = write_tree(tmp_path / "output", NEW)
    write_tree(tmp_path / ".output.spare", OLD)
    staging, _ = output_swap.prepare(str(final), "reuse", removals)
    output_swap.restart(staging, str(final), removals)
    assert os.listdir(staging) == []
    removals.join()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.staging", "output"]


def test_discard_beside_moves_the_tree_away_at_once_and_removes_it_beside_the_build(tmp_path, removals):
    final = tmp_path / "output"
    tree = write_tree(tmp_path / ".output.staging", {**OLD, "pagefind/entry.json": "{}"})
    removals.discard_beside(str(tree), str(final))
    assert not tree.exists()
    # the tree's actions/ went beside it, to be removed by a second process
    (removal,) = removals.pending
    trash, actions = removal.paths
    assert trash.startswith(str(tmp_path / ".output.discarded") + ".") and actions == trash + ".actions"
    removals.join()
    assert removals.pending == []
    assert list(tmp_path.iterdir()) == []


def test_each_discarded_tree_has_a_name_of_its_own(tmp_path, removals):
    final = tmp_path / "output"
    for name in ("one", "two"):
        write_tree(tmp_path / name, {"actions/a/index.html": name})
        removals.discard_beside(str(tmp_path / name), str(final))
    names = [removal.paths[0] for removal in removals.pending]
    assert len(set(names)) == 2
    removals.join()
    assert list(tmp_path.iterdir()) == []


def test_join_removals_finishes_a_removal_that_rm_did_not_do(tmp_path, monkeypatch, removals):
    tree = write_tree(tmp_path / "tree", {"index.html": "x", "actions/a/index.html": "a"})
    false = shutil.which("false")
    monkeypatch.setattr(shutil, "which", lambda name: false)  # an rm that fails and removes nothing
    removals.remove_beside(str(tree))
    removals.join()
    assert list(tmp_path.iterdir()) == []


def test_publish_into_a_new_output_renames_the_staging_directory(tmp_path):
    staging = write_tree(tmp_path / ".output.staging", NEW)
    inode = staging.stat().st_ino
    assert output_swap.publish(str(staging), str(tmp_path / "output")) is None
    assert (tmp_path / "output").stat().st_ino == inode and read_tree(tmp_path / "output") == NEW
    assert not staging.exists()


def test_publish_replaces_an_output_that_is_a_file(tmp_path):
    (tmp_path / "output").write_text("not a directory", "utf-8")
    staging = write_tree(tmp_path / ".output.staging", NEW)
    output_swap.publish(str(staging), str(tmp_path / "output"))
    assert read_tree(tmp_path / "output") == NEW


def _watch_the_output(monkeypatch, final: Path, seen: list):
    """Check the output before and after every rename, replace and removal publish makes."""

    def check():
        assert final.is_dir(), "the output is missing"
        tree = read_tree(final)
        assert tree in (OLD, NEW), tree
        assert not (seen and seen[-1] == NEW and tree == OLD), "the old output came back"
        seen.append(tree)

    def watched(function):
        def call(*args, **kwargs):
            check()
            result = function(*args, **kwargs)
            check()
            return result

        return call

    for name in ("rename", "replace", "remove"):
        monkeypatch.setattr(os, name, watched(getattr(os, name)))
    monkeypatch.setattr(shutil, "rmtree", watched(shutil.rmtree))
    check()


@pytest.mark.parametrize("keep_spare", [True, False], ids=["keep-spare", "no-spare"])
def test_publish_swaps_the_output_in_one_step_that_leaves_it_whole(tmp_path, monkeypatch, keep_spare):
    final = write_tree(tmp_path / "output", OLD)
    staging = write_tree(tmp_path / ".output.staging", NEW)
    old_inode, new_inode = final.stat().st_ino, staging.stat().st_ino
    exchanges = []
    exchange = output_swap.exchange
    monkeypatch.setattr(output_swap, "exchange", lambda a, b: exchanges.append((a, b)) or exchange(a, b))
    seen: list = []
    _watch_the_output(monkeypatch, final, seen)

    assert output_swap.publish(str(staging), str(final), keep_spare=keep_spare) is None

    monkeypatch.undo()
    assert exchanges == [(str(staging), str(final))]
    assert final.stat().st_ino == new_inode and read_tree(final) == NEW
    assert seen[0] == OLD and seen[-1] == NEW and len(seen) >= 3  # the old or spare output moved or removed
    assert not staging.exists() and not (tmp_path / ".output.previous").exists()
    spare = tmp_path / ".output.spare"
    if keep_spare:
        assert spare.stat().st_ino == old_inode and read_tree(spare) == OLD
    else:
        assert not spare.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["output", *([".output.spare"] if keep_spare else [])])


def test_publish_without_an_atomic_exchange_still_publishes_and_keeps_the_spare(tmp_path, monkeypatch):
    """The fallback for a system without renameat2: two renames (a moment without
    output, which the next build's prepare() mends from .previous if killed then)."""
    monkeypatch.setattr(output_swap, "exchange", lambda a, b: False)
    final = write_tree(tmp_path / "output", OLD)
    staging = write_tree(tmp_path / ".output.staging", NEW)
    old_inode = final.stat().st_ino
    output_swap.publish(str(staging), str(final), keep_spare=True)
    assert read_tree(final) == NEW
    assert (tmp_path / ".output.spare").stat().st_ino == old_inode
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.spare", "output"]


def test_publish_keeps_an_existing_spare_and_removes_the_old_output(tmp_path):
    final = write_tree(tmp_path / "output", OLD)
    spare = write_tree(tmp_path / ".output.spare", {"index.html": "older"})
    staging = write_tree(tmp_path / ".output.staging", NEW)
    assert output_swap.publish(str(staging), str(final), keep_spare=True) is None
    assert read_tree(final) == NEW and read_tree(spare) == {"index.html": "older"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.spare", "output"]


def test_publish_in_the_background_returns_the_removal_of_the_old_output(tmp_path):
    final = write_tree(tmp_path / "output", OLD)
    staging = write_tree(tmp_path / ".output.staging", NEW)
    removal = output_swap.publish(str(staging), str(final), background=True)
    assert read_tree(final) == NEW
    assert removal is not None and removal.paths[0] == str(staging)  # the old output, where staging was
    removal.join()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_keep_retained_carries_entries_over_unless_the_build_made_them(tmp_path):
    final = write_tree(tmp_path / "output", {".git/HEAD": "ref", "CNAME": "old.example.org", "index.html": "old"})
    (final / ".well-known").symlink_to("elsewhere")
    staging = write_tree(tmp_path / ".output.staging", {"CNAME": "new.example.org", "index.html": "new"})
    git_inode = (final / ".git").stat().st_ino
    output_swap.keep_retained(str(final), str(staging), [".git", "CNAME", ".well-known", "absent"])
    assert (staging / ".git").stat().st_ino == git_inode and not (final / ".git").exists()  # moved
    assert (staging / ".well-known").is_symlink() and os.readlink(staging / ".well-known") == "elsewhere"
    assert (staging / "CNAME").read_text("utf-8") == "new.example.org"  # the build's own wins
    assert (final / "CNAME").read_text("utf-8") == "old.example.org"
    assert not (staging / "absent").exists()


def test_copy_to_spare_links_the_published_files_and_keeps_directory_times(tmp_path):
    final = write_tree(tmp_path / "output", NEW)
    os.utime(final / "actions", ns=(1_000_000_000, 1_000_000_000))
    copying = output_swap.copy_to_spare(str(final) + "/")
    assert copying is not None
    spare = tmp_path / ".output.spare"
    assert copying.join() == spare.stat().st_ino
    assert read_tree(spare) == NEW
    for relative in NEW:
        assert (spare / relative).stat().st_ino == (final / relative).stat().st_ino  # hard links
    assert (spare / "actions").stat().st_mtime_ns == 1_000_000_000
    assert not (tmp_path / ".output.spare.copy").exists()
    assert output_swap.copy_to_spare(str(final)) is None  # there is a spare now


def test_copy_to_spare_gives_way_to_a_spare_that_appeared_meanwhile(tmp_path):
    final = write_tree(tmp_path / "output", NEW)
    copying = output_swap.copy_to_spare(str(final))
    spare = write_tree(tmp_path / ".output.spare", OLD)  # e.g. another build published
    assert copying.join() is None
    assert read_tree(spare) == OLD
    assert not (tmp_path / ".output.spare.copy").exists()


def test_copy_to_spare_that_fails_leaves_no_spare(tmp_path):
    copying = output_swap.copy_to_spare(str(tmp_path / "missing"))
    assert copying.join() is None
    assert list(tmp_path.iterdir()) == []
