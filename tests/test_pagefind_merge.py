"""Pagefind indexes merged in Python: the same words, positions, filters and pages as
one Pagefind run over the same pages, in the same chunks (cut as Pagefind does)."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

import cbor2

from urgent_actions.render import pagefind_merge
from urgent_actions.render.pagefind import pagefind_command
from urgent_actions.render.pagefind_merge import Index, merge, read_file

PAGE = """<!doctype html><html lang="fr"><body><main data-pagefind-body>
<h1 data-pagefind-meta="title">{title}</h1>{meta}
<p data-pagefind-filter="pays">{country}</p><p>{text}</p></main></body></html>"""

PAGES = {
    # The older shard's pages have no "issue" meta field: the merge renumbers the fields.
    "old": {
        "a": ("Égypte : Karim Example détenu", "Égypte", "Karim Example est détenu, arrêté en 2025.", ""),
        "b": ("Iran : une journaliste menacée", "Iran", "Une journaliste arrêtée et menacée.", ""),
    },
    "new": {
        "c": ("Égypte : Mona Exemple libérée", "Égypte", "Bonne nouvelle : Mona Exemple est libérée.", "Libérée"),
        "d": ("Tunisie : un blogueur arrêté", "Tunisie", "Un blogueur arrêté pour une publication.", ""),
    },
}


def _write_site(root: Path) -> None:
    for shard in PAGES.values():
        for slug, (title, country, text, issue) in shard.items():
            meta = f'<p data-pagefind-meta="issue">{issue}</p>' if issue else ""
            page = root / "actions" / slug / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text(PAGE.format(title=title, meta=meta, country=country, text=text), "utf-8")


def _index(site: Path, target: Path, slugs) -> None:
    glob = "actions/{" + ",".join(slugs) + "}/index.html"
    subprocess.run([*pagefind_command(str(site), str(target), "fr"), "--glob", glob], check=True, timeout=120)


def _by_url(directory: Path) -> dict:
    """An index as data that does not depend on how its pages are numbered."""
    index = Index(str(directory))
    urls = [
        json.loads(read_file(str(directory / "fragment" / f"{name}.pf_fragment")))["url"] for name, _ in index.pages
    ]

    def pages(postings):
        found, number = {}, 0
        for delta, positions, meta in postings:
            number += delta
            found[urls[number]] = (positions, [index.meta_fields[-1 - n] if n < 0 else n for n in meta])
        return found

    words = {word: (pages(p), {v: pages(vp) for v, _, vp, _ in variants}) for word, _, p, _, variants in index.words()}
    filters = {
        name: {value: sorted(urls[n] for n in ps) for value, ps in values} for name, values in index.filter_values()
    }
    counts = {url: count for url, (_, count) in zip(urls, index.pages, strict=True)}
    return {"words": words, "filters": filters, "counts": counts, "chunks": [c[:2] for c in index.chunks]}


def test_merged_shards_are_the_index_one_pagefind_run_makes(tmp_path, monkeypatch):
    monkeypatch.setattr(pagefind_merge.chunk_words, "__defaults__", (20_000,))  # Pagefind's chunks
    site = tmp_path / "site"
    _write_site(site)
    _index(site, tmp_path / "one", [slug for shard in PAGES.values() for slug in shard])
    for name, shard in PAGES.items():
        _index(site, tmp_path / name, shard)
    assert "issue" not in Index(str(tmp_path / "old")).meta_fields
    # The merge copies the page lists as the shards have them: Pagefind writes what cbor2 writes.
    for word, encoded_word, pages, encoded, variants in Index(str(tmp_path / "one")).words():
        assert (cbor2.dumps(word), cbor2.dumps(pages)) == (encoded_word, encoded)
        assert all((cbor2.dumps(v), cbor2.dumps(p)) == (e, ep) for v, e, p, ep in variants)
    merge([str(tmp_path / "new"), str(tmp_path / "old")], str(tmp_path / "merged"))
    one, merged = _by_url(tmp_path / "one"), _by_url(tmp_path / "merged")
    assert merged == one
    assert "kar" in merged["words"] or "karim" in merged["words"]
    assert len(merged["counts"]) == 4 and merged["filters"]["pays"]["Égypte"] == ["/actions/a/", "/actions/c/"]
    # The merged files are Pagefind's: gzipped, signed; the entry names the new metadata.
    entry = json.loads((tmp_path / "merged" / "pagefind-entry.json").read_text("utf-8"))
    assert entry["languages"]["fr"]["page_count"] == 4
    meta = tmp_path / "merged" / f"pagefind.{entry['languages']['fr']['hash']}.pf_meta"
    assert gzip.decompress(meta.read_bytes()).startswith(b"pagefind_dcd")
    # Smaller chunks (the build's): the same index, in more chunks.
    monkeypatch.setattr(pagefind_merge.chunk_words, "__defaults__", (20,))
    merge([str(tmp_path / "new"), str(tmp_path / "old")], str(tmp_path / "small"))
    small = _by_url(tmp_path / "small")
    assert len(small.pop("chunks")) > 3 and small == {k: v for k, v in one.items() if k != "chunks"}


def test_a_merge_gives_the_same_bytes_twice(tmp_path):
    site = tmp_path / "site"
    _write_site(site)
    for name, shard in PAGES.items():
        _index(site, tmp_path / name, shard)
    for target in ("first", "second"):
        merge([str(tmp_path / "new"), str(tmp_path / "old")], str(tmp_path / target))
    first = {p.relative_to(tmp_path / "first"): p.read_bytes() for p in (tmp_path / "first").rglob("*") if p.is_file()}
    second = {
        p.relative_to(tmp_path / "second"): p.read_bytes() for p in (tmp_path / "second").rglob("*") if p.is_file()
    }
    assert first == second and len(first) > 8


def _files(root: Path) -> dict:
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_merge_after_an_edit_reuses_and_gives_the_bytes_of_a_merge_from_scratch(tmp_path, monkeypatch):
    monkeypatch.setattr(pagefind_merge.chunk_words, "__defaults__", (20,))  # several chunks
    site, cache = tmp_path / "site", tmp_path / "cache"
    _write_site(site)
    for name, shard in PAGES.items():
        _index(site, tmp_path / name, shard)
    merge([str(tmp_path / "new"), str(tmp_path / "old")], str(tmp_path / "first"), str(cache))
    # An edit re-indexes one shard; the other one is read from the cache.
    page = site / "actions" / "d" / "index.html"
    page.write_text(page.read_text("utf-8").replace("une publication", "un texte zorglub"), "utf-8")
    _index(site, tmp_path / "edited", PAGES["new"])
    shards = [str(tmp_path / "edited"), str(tmp_path / "old")]
    merge(shards, str(tmp_path / "full"))
    # A file of the previous index that is no longer the one the merge wrote is not linked
    # (one the edit left as it was).
    kept = {p.name for p in (tmp_path / "full" / "index").iterdir()}
    replaced = min(p for p in (tmp_path / "first" / "index").iterdir() if p.name in kept)
    (tmp_path / "other").write_bytes(b"not the merged chunk")
    (tmp_path / "other").replace(replaced)
    words, decoded = Index.words, []
    monkeypatch.setattr(Index, "words", lambda index: decoded.append(index.directory) or words(index))
    merge(shards, str(tmp_path / "fast"), str(cache), str(tmp_path / "first"))
    assert decoded == [str(tmp_path / "edited")]  # the other shard comes from the cache
    fast, full = _files(tmp_path / "fast"), _files(tmp_path / "full")
    assert fast == full and fast != _files(tmp_path / "first")
    assert "zorglub" in _by_url(tmp_path / "fast")["words"]
    # The chunks the edit left as they were are the previous merge's very files.
    chunks = {p.name: p.stat().st_ino for p in (tmp_path / "first" / "index").iterdir()}
    linked = [p for p in (tmp_path / "fast" / "index").iterdir() if chunks.get(p.name) == p.stat().st_ino]
    assert 0 < len(linked) < len(chunks) and replaced.name not in {p.name for p in linked}
    assert len(list(cache.glob("shard-*"))) == 2  # the edited shard's old entry is gone
