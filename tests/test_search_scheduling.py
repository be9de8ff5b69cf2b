"""speed/indexing.py on its own: which shards are reused, indexed, started early,
adopted or stopped, with real Pagefind on small sites (no Pelican build)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from urgent_actions.site.keys import fingerprint
from urgent_actions.site.search import Shard
from urgent_actions.speed.indexing import SearchIndexer, pages_digest

PAGE = '<html lang="fr"><body><main data-pagefind-body><h1>{0}</h1><p>{1}</p></main></body></html>'


def _site(root: Path, pages: dict[str, str]) -> Path:
    for slug, text in pages.items():
        page = root / "actions" / slug / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(PAGE.format(slug, text), "utf-8")
    return root


def _count(index: Path) -> int:
    return json.loads((index / "pagefind-entry.json").read_text("utf-8"))["languages"]["fr"]["page_count"]


def _fragments(index: Path) -> bytes:
    import gzip

    return b"".join(gzip.decompress(p.read_bytes()) for p in sorted((index / "fragment").glob("*.pf_fragment")))


class Cache:
    """The part of a BuildCache the indexer reads: page keys and the digests the
    previous output's shards were made from."""

    def __init__(self, keys: dict, recorded: dict, published=lambda page, key: True):
        self.keys, self.old_search, self.renovation = keys, recorded, None
        self.search_merge_dir = None  # the merge reads every shard
        self.published_as_recorded = published

    def content_keys(self):
        return dict(self.keys)


OLD = ("actions/a/index.html", "actions/b/index.html")
NEW = ("actions/c/index.html",)
OLD_SLUGS, NEW_SLUGS = ("a", "b"), ("c",)


def test_without_a_previous_output_every_shard_is_indexed(tmp_path):
    site = _site(tmp_path / "site", {"a": "un", "b": "deux", "c": "trois"})
    indexer = SearchIndexer("fr", jobs=2, timeout=120)
    indexer.start(str(site), [Shard("pagefind-2025", OLD_SLUGS), Shard("pagefind-2026", NEW_SLUGS)])
    counts, digests = indexer.wait()
    assert counts.pop("merge") >= 0
    assert counts == {"indexed": 2, "reused": 0} and digests == {}
    assert _count(site / "pagefind-2025") == 2 and _count(site / "pagefind-2026") == 1
    assert _count(site / "pagefind") == 3  # the shards merged: the index the search page loads
    assert not [name for name in os.listdir(site / "pagefind-2026") if name.startswith("pagefind-ui.")]


def test_no_more_pages_indexed_at_once_than_the_bound(tmp_path, monkeypatch):
    # Pagefind's memory grows with the pages it holds: two jobs are allowed, but two
    # shards of two pages would be four pages at once, over the bound of three.
    from urgent_actions.speed import indexing

    running, most = [], []

    class CountedJob(indexing.Job):
        def __init__(self, shard, *args, **kwargs):
            super().__init__(shard, *args, **kwargs)
            running.append(shard.directory)
            most.append(len(running))

        def finish(self, *args):
            running.remove(self.shard.directory)
            super().finish(*args)

    monkeypatch.setattr(indexing, "Job", CountedJob)
    site = _site(tmp_path / "site", {"a": "un", "b": "deux", "c": "trois", "d": "quatre", "e": "cinq"})
    shards = [Shard("pagefind-2024", ("a", "b")), Shard("pagefind-2025", ("c", "d")), Shard("pagefind-2026", ("e",))]
    indexer = SearchIndexer("fr", jobs=2, timeout=120, pages_at_once=3)
    indexer.start(str(site), shards)
    counts, _ = indexer.wait()
    assert counts["indexed"] == 3 and _count(site / "pagefind") == 5
    assert max(most) == 2  # a shard of one page beside one of two
    assert most[:2] == [1, 1]  # the first two shards, one after the other


def test_a_shard_whose_pages_kept_their_keys_is_linked_from_the_previous_output(tmp_path):
    keys = {page: fingerprint(page) for page in OLD + NEW}
    previous = _site(tmp_path / "previous", {"a": "un", "b": "deux", "c": "trois"})
    first = SearchIndexer("fr", jobs=2, timeout=120)
    first.start(
        str(previous), [Shard("pagefind-2025", OLD_SLUGS), Shard("pagefind-2026", NEW_SLUGS)], cache=Cache(keys, {})
    )
    _, digests = first.wait()
    assert digests["pagefind-2025"] == pages_digest(OLD, keys)

    site = _site(tmp_path / "site", {"a": "un", "b": "deux", "c": "trois modifié"})
    edited = {**keys, NEW[0]: fingerprint("edited")}
    again = SearchIndexer("fr", jobs=2, timeout=120)
    again.start(str(site), [Shard("pagefind-2025", OLD_SLUGS), Shard("pagefind-2026", NEW_SLUGS)], previous=str(previous),
                cache=Cache(edited, digests))  # fmt: skip
    counts, _ = again.wait()
    assert counts.pop("merge") >= 0
    assert counts == {"indexed": 1, "reused": 1}
    entry = "pagefind-entry.json"
    assert (site / "pagefind-2025" / entry).stat().st_ino == (previous / "pagefind-2025" / entry).stat().st_ino
    assert "modifié".encode() in _fragments(site / "pagefind-2026")


def _started_early(tmp_path):
    """A published output of pages a and b, then page b's action edited: Pagefind
    starts early on the shard, waiting for b."""
    published = _site(tmp_path / "output", {"a": "un", "b": "deux"})
    actions = str(tmp_path / "content" / "actions")
    before = {f"{actions}/a.md": (1, 1, 1, 1), f"{actions}/b.md": (1, 1, 1, 1)}
    now = {**before, f"{actions}/b.md": (2, 2, 2, 2)}
    indexer = SearchIndexer("fr", jobs=1, timeout=120)
    indexer.speculate(str(published), {"pagefind-2026": OLD_SLUGS}, before, now, actions)
    return published, indexer


def test_an_early_start_is_adopted_when_its_shard_is_the_same_and_fed_the_new_page(tmp_path):
    published, indexer = _started_early(tmp_path)
    assert list(indexer._speculative) == ["pagefind-2026"]
    site = _site(tmp_path / "staging", {"a": "un", "b": "deux, relu"})
    indexer.start(
        str(site), [Shard("pagefind-2026", OLD_SLUGS)], previous=str(published), cache=Cache({p: "k" for p in OLD}, {})
    )
    counts, _ = indexer.wait()
    assert counts.pop("merge") >= 0
    assert counts == {"indexed": 1, "reused": 0}
    assert _count(site / "pagefind-2026") == 2
    assert b"relu" in _fragments(site / "pagefind-2026")
    indexer.removals.join()  # the pipes' directory goes beside the build, joined at its end
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".pagefind-")]


def test_an_early_start_on_pages_that_changed_is_stopped_and_the_shard_indexed_anew(tmp_path):
    published, indexer = _started_early(tmp_path)
    job = indexer._speculative["pagefind-2026"]
    site = _site(tmp_path / "staging", {"a": "un, changé aussi", "b": "deux, relu"})
    # Page a was read from the published output, but is no longer that file.
    cache = Cache({p: "k" for p in OLD}, {}, published=lambda page, key: page != "actions/a/index.html")
    indexer.start(str(site), [Shard("pagefind-2026", OLD_SLUGS)], previous=str(published), cache=cache)
    assert job.process.poll() is not None  # stopped
    indexer.wait()
    assert "changé".encode() in _fragments(site / "pagefind-2026")


def test_no_early_start_when_an_action_was_added(tmp_path):
    published = _site(tmp_path / "output", {"a": "un"})
    actions = str(tmp_path / "content" / "actions")
    before = {f"{actions}/a.md": (1, 1, 1, 1)}
    now = {**before, f"{actions}/b.md": (2, 2, 2, 2)}
    indexer = SearchIndexer("fr", jobs=1, timeout=120)
    indexer.speculate(str(published), {"pagefind-2026": ("a",)}, before, now, actions)
    assert indexer._speculative == {}


def test_stop_ends_an_early_start_nobody_adopted(tmp_path):
    published = _site(tmp_path / "output", {"a": "un", "b": "deux"})
    actions = str(tmp_path / "content" / "actions")
    before = {f"{actions}/b.md": (1, 1, 1, 1)}
    indexer = SearchIndexer("fr", jobs=1, timeout=120)
    indexer.speculate(str(published), {"pagefind-2026": OLD_SLUGS}, before, {f"{actions}/b.md": (2, 2, 2, 2)}, actions)
    job = indexer._speculative["pagefind-2026"]
    assert job.process.poll() is None  # waiting on the pipe of page b
    indexer.stop()
    assert job.process.poll() is not None
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".pagefind-")]


def test_the_merge_starts_as_soon_as_the_shards_are_indexed_and_runs_beside_the_build(tmp_path):
    site = _site(tmp_path / "site", {"a": "un", "b": "deux", "c": "trois"})
    indexer = SearchIndexer("fr", jobs=2, timeout=120)
    indexer.advance()  # nothing started: nothing to merge
    indexer.start(str(site), [Shard("pagefind-2025", OLD_SLUGS), Shard("pagefind-2026", NEW_SLUGS)])
    deadline = time.monotonic() + 60
    while indexer._merging is None and time.monotonic() < deadline:
        indexer.advance()  # what the build does between its steps
        time.sleep(0.02)
    merging = indexer._merging
    assert merging is not None and merging.process is not None  # started before wait()
    counts, _ = indexer.wait()
    assert merging.process.returncode == 0 and indexer._merging is None
    assert counts["indexed"] == 2 and _count(site / "pagefind") == 3


def test_stop_ends_a_merge_started_early(tmp_path):
    site = _site(tmp_path / "site", {"a": "un", "b": "deux", "c": "trois"})
    indexer = SearchIndexer("fr", jobs=2, timeout=120)
    indexer.start(str(site), [Shard("pagefind-2025", OLD_SLUGS), Shard("pagefind-2026", NEW_SLUGS)])
    deadline = time.monotonic() + 60
    while indexer._merging is None and time.monotonic() < deadline:
        indexer.advance()
        time.sleep(0.02)
    merging = indexer._merging
    indexer.stop()
    assert merging.process.poll() is not None and merging.log.closed
