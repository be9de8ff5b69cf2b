"""spare_tree on its own, without a build: a spare output reduced to the files it
shares with the published one, and tidied of what the build did not claim."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from urgent_actions.speed import spare_tree

OLD_TIME = 1_000_000_000_000_000_000  # 2001: any change made by a test gives another mtime


def stamp(root: Path) -> dict:
    """The stamp of a tree as the build records it: files (inode, size, mtime), directories (mtime), root."""
    files, dirs = {}, {}
    for folder, subfolders, names in os.walk(root):
        relative = os.path.relpath(folder, root)
        relative = "" if relative == "." else relative
        dirs[relative] = os.lstat(folder).st_mtime_ns
        for name in names:
            info = os.lstat(os.path.join(folder, name))
            files[os.path.join(relative, name)] = [info.st_ino, info.st_size, info.st_mtime_ns]
    return {"files": files, "dirs": dirs, "root": os.lstat(root).st_ino}


def files_of(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir())


def dirs_of(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_dir())


PAGES = [
    "index.html",
    "actions/a/index.html",
    "actions/b/index.html",
    "actions/c/index.html",
    "theme/css/site.css",
    "pagefind/entry.json",
    "pagefind/fragment/a.pf",
    "pagefind-2025/entry.json",
    "pagefind-2025/fragment/c.pf",
]


@pytest.fixture
def outputs(tmp_path):
    """A published output and the spare it replaced: hard links of the same files
    but for actions/b (rendered again since), the 2025 shard's entry (indexed
    again) and actions/gone (no longer produced). Directory times are old, as
    if both were published long ago; the stamps are taken then."""
    spare, published = tmp_path / "spare", tmp_path / "published"
    for relative in [*PAGES, "actions/gone/index.html"]:
        (spare / relative).parent.mkdir(parents=True, exist_ok=True)
        (spare / relative).write_text(relative, "utf-8")
    for relative in PAGES:
        (published / relative).parent.mkdir(parents=True, exist_ok=True)
        if relative in ("actions/b/index.html", "pagefind-2025/entry.json"):
            (published / relative).write_text(relative + " again", "utf-8")
        else:
            os.link(spare / relative, published / relative)
    for root in (spare, published):
        for folder, _, _ in os.walk(root):
            os.utime(folder, ns=(OLD_TIME, OLD_TIME))
    return spare, stamp(spare), published, stamp(published)


def everything(relative: str) -> bool:
    return True


def test_renovate_keeps_the_published_files_it_may_reuse_and_deletes_the_others(outputs):
    spare, spare_stamp, published, published_stamp = outputs
    owned = lambda relative: not relative.startswith("theme/")  # the theme's copies are written by others
    renovation = spare_tree.renovate(str(spare), spare_stamp, published_stamp, owned)
    assert renovation is not None and renovation.root == str(spare) and renovation.stamp is spare_stamp
    kept = ["actions/a/index.html", "actions/c/index.html", "index.html",
            "pagefind-2025/fragment/c.pf", "pagefind/entry.json", "pagefind/fragment/a.pf"]  # fmt: skip
    assert sorted(renovation.candidates) == kept
    assert files_of(spare) == kept
    for relative in kept:
        assert renovation.candidates[relative] == published_stamp["files"][relative]
        assert (spare / relative).stat().st_ino == (published / relative).stat().st_ino
    assert renovation.removed == 4  # b, gone, the theme's css, the 2025 shard's entry
    assert renovation.emptied == {"actions/b", "actions/gone", "theme/css", "pagefind-2025"}
    assert "actions/gone" in dirs_of(spare)  # emptied, removed by tidy() only
    assert renovation.claimed == set()


def test_a_directory_changed_since_its_stamp_loses_what_the_stamp_does_not_know(outputs):
    spare, spare_stamp, _, published_stamp = outputs
    (spare / "actions" / "a" / "index.html").unlink()  # replaced by another file since
    (spare / "actions" / "a" / "index.html").write_text("other", "utf-8")
    (spare / "actions" / "a" / "extra.html").write_text("unknown", "utf-8")
    (spare / "actions" / "new" / "deep").mkdir(parents=True)  # a directory the stamp never saw
    (spare / "actions" / "new" / "deep" / "index.html").write_text("unknown", "utf-8")
    (spare / "actions" / "c" / "index.html").unlink()  # gone
    renovation = spare_tree.renovate(str(spare), spare_stamp, published_stamp, everything)
    assert renovation is not None
    assert "actions/a/index.html" not in renovation.candidates
    assert "actions/c/index.html" not in renovation.candidates
    assert not (spare / "actions" / "a" / "index.html").exists()
    assert not (spare / "actions" / "a" / "extra.html").exists()
    assert not (spare / "actions" / "new").exists()
    assert sorted(renovation.candidates) == [
        "index.html", "pagefind-2025/fragment/c.pf", "pagefind/entry.json", "pagefind/fragment/a.pf",
        "theme/css/site.css",
    ]  # fmt: skip


def test_a_file_changed_in_place_in_an_unchanged_directory_goes(outputs):
    """Writing into a file keeps its directory's time, not its own: the stamp's
    identity is compared with the published one's."""
    spare, spare_stamp, published, _ = outputs
    with open(published / "index.html", "a", encoding="utf-8") as page:  # the same inode, in both trees
        page.write("edited")
    renovation = spare_tree.renovate(str(spare), spare_stamp, stamp(published), everything)
    assert "index.html" not in renovation.candidates and not (spare / "index.html").exists()


@pytest.mark.parametrize("change", ["moved-away", "replaced", "missing"])
def test_renovate_refuses_a_spare_whose_root_is_not_the_one_its_stamp_describes(outputs, tmp_path, change):
    spare, spare_stamp, published, published_stamp = outputs
    spare.rename(tmp_path / "elsewhere")
    if change == "moved-away":
        spare.mkdir()
    elif change == "replaced":
        published.rename(spare)  # a whole tree, with the files of the stamp
    before = files_of(spare)
    assert spare_tree.renovate(str(spare), spare_stamp, published_stamp, everything) is None
    assert files_of(spare) == before  # nothing deleted from a tree that is not the spare


@pytest.mark.parametrize("parent", ["changed", "time-put-back"])
def test_a_directory_that_became_a_file(outputs, parent):
    """Its parent's time says so: the file is unknown there and deleted. If the
    parent's time was put back, the spare cannot be trusted."""
    spare, spare_stamp, _, published_stamp = outputs
    (spare / "theme" / "css" / "site.css").unlink()
    (spare / "theme" / "css").rmdir()
    (spare / "theme" / "css").write_text("a file", "utf-8")
    if parent == "time-put-back":
        os.utime(spare / "theme", ns=(OLD_TIME, OLD_TIME))
        assert spare_tree.renovate(str(spare), spare_stamp, published_stamp, everything) is None
    else:
        renovation = spare_tree.renovate(str(spare), spare_stamp, published_stamp, everything)
        assert not (spare / "theme" / "css").exists()
        assert "theme/css/site.css" not in renovation.candidates and "index.html" in renovation.candidates


def test_a_shard_with_a_file_to_delete_is_discarded_as_a_whole(outputs):
    spare, spare_stamp, _, published_stamp = outputs
    discarded = []
    renovation = spare_tree.renovate(
        str(spare), spare_stamp, published_stamp, everything,
        wholes=("pagefind",), discard=discarded.append,
    )  # fmt: skip
    assert discarded == [str(spare / "pagefind-2025")]  # not pagefind/, whose files are all published
    assert not any(r.startswith("pagefind-2025/") for r in renovation.candidates)
    assert (spare / "pagefind-2025" / "fragment" / "c.pf").exists()  # left to discard(), not unlinked
    assert "pagefind/fragment/a.pf" in renovation.candidates
    assert renovation.removed == 4  # b, gone, the shard's two files


def test_without_discard_a_shard_loses_only_its_files_that_must_go(outputs):
    spare, spare_stamp, _, published_stamp = outputs
    renovation = spare_tree.renovate(str(spare), spare_stamp, published_stamp, everything, wholes=("pagefind",))
    assert "pagefind-2025/fragment/c.pf" in renovation.candidates
    assert not (spare / "pagefind-2025" / "entry.json").exists()
    assert renovation.removed == 3  # b, gone, the shard's entry


def test_tidy_deletes_what_the_build_did_not_claim_and_the_directories_it_empties(outputs):
    spare, spare_stamp, _, published_stamp = outputs
    renovation = spare_tree.renovate(str(spare), spare_stamp, published_stamp, everything)
    renovation.claimed |= {"index.html", "actions/a/index.html"}
    assert renovation.tidy(keep_prefixes=("pagefind",)) == 2  # actions/c, the css (shards are search's to judge)
    assert files_of(spare) == [
        "actions/a/index.html", "index.html", "pagefind-2025/fragment/c.pf",
        "pagefind/entry.json", "pagefind/fragment/a.pf",
    ]  # fmt: skip
    # every directory emptied goes (by renovate() or tidy()), and its parents if empty then
    assert dirs_of(spare) == [
        "actions", "actions/a", "pagefind", "pagefind-2025", "pagefind-2025/fragment", "pagefind/fragment",
    ]  # fmt: skip
    assert renovation.tidy(keep_prefixes=("pagefind",)) == 0  # what is gone already is not counted


def test_tidy_without_claims_leaves_an_empty_tree(outputs):
    spare, spare_stamp, _, published_stamp = outputs
    renovation = spare_tree.renovate(str(spare), spare_stamp, published_stamp, everything)
    assert renovation.tidy() == len(renovation.candidates) == 7
    assert os.listdir(spare) == []
