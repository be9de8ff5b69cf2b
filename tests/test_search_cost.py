"""The search cost benchmark's trimmed pages (benchmarks/search_cost.py): what it
removes from an action page is only what Pagefind reads without indexing."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT

sys.path.insert(0, str(ROOT))
from benchmarks.search_cost import VARIANTS, indexed, write_variants  # the project root: the benchmark


def test_the_indexed_variant_keeps_only_what_pagefind_indexes(built_site):
    pages = [path.read_text("utf-8") for path in (built_site / "actions").glob("*/index.html")]
    page = next(page for page in pages if "data-pagefind-body" in page)
    assert "data-pagefind-ignore" in page and "<footer" in page
    trimmed = indexed(page)
    assert "data-pagefind-ignore" not in trimmed
    assert "<footer" not in trimmed and "<meta " not in trimmed
    assert "data-pagefind-body" in trimmed and trimmed.count("<section") == trimmed.count("</section>")
    assert len(trimmed) < len(page) / 2


def test_pagefind_makes_the_same_fragments_of_the_pages_as_built_and_trimmed(built_site, tmp_path):
    from pagefind_bin import get_executable

    pages, shards = write_variants(str(built_site), str(tmp_path), shard=1000)
    actions = [
        page
        for page in (built_site / "actions").glob("*/index.html")
        if "data-pagefind-body" in page.read_text("utf-8")
    ]
    assert pages == len(actions) > 10 and set(shards) == set(VARIANTS)
    fragments = {}
    for name in ("as built", "indexed", "title"):
        (folder,) = shards[name]
        target = tmp_path / f"index-{len(fragments)}"
        command = [str(get_executable()), "--site", folder, "--output-path", str(target), "--silent"]
        subprocess.run([*command, "--force-language", "fr"], check=True, timeout=120)
        fragments[name] = {path.name: path.read_bytes() for path in (target / "fragment").iterdir()}
    assert len(fragments["as built"]) == pages
    assert fragments["indexed"] == fragments["as built"]
    assert fragments["title"].keys().isdisjoint(fragments["as built"])  # the comparison can fail
