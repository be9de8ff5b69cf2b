"""The benchmark runs end to end at a small size (its timings are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

from helpers import ROOT

# benchmarks/ is a package at the project's root, beside plugins/ and tests/.
sys.path.insert(0, str(ROOT))
from benchmarks import synthetic


def test_synthetic_archive_is_deterministic_and_varied():
    items = synthetic.actions(300)
    assert items == synthetic.actions(300)
    assert len(items) == 300
    fronts = [front for front, _ in items.values()]
    assert len({f["country"] for f in fronts}) >= 20
    assert {f["state"] for f in fronts} == {"open", "closed", "good-news"}
    cases = Counter(f["case"] for f in fronts)
    assert any(count > 1 for count in cases.values())
    assert len({(f["case"], f["update"]) for f in fronts}) == 300
    lengths = [len(body) for _, body in items.values()]
    assert 1000 < sum(lengths) / len(lengths) < 6000


def test_benchmark_runs_and_reports(tmp_path):
    report = tmp_path / "bench.json"
    site = tmp_path / "site"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.bench",
            "--actions",
            "60",
            "--json",
            str(report),
            "--verify",
            "--shard-size",
            "10",
            "--keep",
            str(site),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "full_vs_stock" in result.stdout
    data = json.loads(report.read_text())
    assert data["actions"] == 60
    # 60 action pages, print letters of the open ones, home, 404.
    assert data["pages"] >= 62
    # The rebuilds after the edits (the second from the spare output) wrote the
    # same bytes as a build from scratch,
    # search shards included (several: 10 pages per shard at most).
    assert data["differences"] == []
    assert len(list(site.glob("output/pagefind*/pagefind-entry.json"))) >= 3
    for name in ("full", "unchanged", "one_edited", "next_edited", "stock"):
        assert data[name]["seconds"] > 0
        # The whole tree's CPU time: at least the build's own (Python starts, Pelican loads).
        assert data[name]["user_seconds"] + data[name]["system_seconds"] > 0.1
        assert data[name]["peak_mib"] > 10
        assert data[name]["peak_total_mib"] > 10
    assert data["ratios"]["unchanged_vs_full"] == round(data["unchanged"]["seconds"] / data["full"]["seconds"], 3)
