"""The benchmark runs end to end at a small size (its timings are not asserted)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import Counter

from helpers import ROOT

# benchmarks/ is a package at the project's root, beside plugins/ and tests/.
sys.path.insert(0, str(ROOT))
from benchmarks import bench, hugo_row, synthetic


def run_bench(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks.bench", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


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
    assert data["shape"]["open_share"] is None


def test_heavy_shape_is_deterministic_and_has_what_the_issue_describes():
    heavy = synthetic.SHAPES["heavy"]
    items = synthetic.actions(400, shape=heavy)
    assert items == synthetic.actions(400, shape=heavy)
    fronts = [front for front, _ in items.values()]
    assert sum(f["state"] == "open" for f in fronts) == 80
    # Most of the open ones were forgotten: past their deadline, which leaves the post 8 weeks.
    assert sum(f["state"] == "open" and f["deadline"] < synthetic.BUILD_DATE.isoformat() for f in fronts) > 60
    assert all(dt.date.fromisoformat(f["deadline"]) - dt.date.fromisoformat(f["date"]) >= dt.timedelta(weeks=8)
               for f in fronts if f["state"] == "open" and f["date"] < "2026-09-01")  # fmt: skip
    # A case has one open action at a time.
    opened = Counter(f["case"] for f in fronts if f["state"] == "open")
    assert max(opened.values()) == 1
    assert {len(f["targets"]) for f in fronts} == {1, 2, 3}
    assert all(t["address"] and t["email"] for f in fronts for t in f["targets"])
    assert all([c.get("country") for c in f["copies"]] == [None, "FR"] for f in fronts)
    assert min(f["date"] for f in fronts) >= "2001-11"
    # Another share, and the basic shape stays the project's own benchmark.
    fifth = synthetic.actions(400, shape=bench.shape_of("heavy", 0.05))
    assert sum(f["state"] == "open" for f, _ in fifth.values()) == 20
    basic = [f for f, _ in synthetic.actions(400).values()]
    assert 0 < sum(f["state"] == "open" for f in basic) <= 5
    assert not any("copies" in f for f in basic)


def test_heavy_shape_builds_verifies_and_reports_hugo(tmp_path):
    """60 actions of the heavy shape build under --fatal warnings, the incremental
    rebuilds write a build's bytes, the Hugo row builds the same bodies, and
    --scale builds twice as many."""
    report = tmp_path / "bench.json"
    site = tmp_path / "site"
    args = ["--actions", "60", "--shape", "heavy", "--no-stock", "--verify", "--shard-size", "10", "--scale"]
    result = run_bench(*args, "--json", str(report), "--keep", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "open share 0.2" in result.stdout
    data = json.loads(report.read_text())
    assert data["shape"]["targets"] == [1, 3]
    assert data["differences"] == []
    assert hugo_row.binary() is not None
    assert data["hugo"]["pages"] > 60
    assert data["hugo"]["peak_total_mib"] > 10
    assert (site / "hugo-output" / "actions" / f"{data['edited_action']}" / "index.html").is_file()
    assert (site / "hugo-output" / "country" / "index.html").is_file()
    assert data["ratios"]["full_vs_hugo"] == round(data["full"]["seconds"] / data["hugo"]["seconds"], 3)
    ours = ("full", "unchanged", "one_edited", "next_edited")
    assert data["ratios"]["whole_tree_mib"] == max(data[name]["peak_total_mib"] for name in ours)
    assert data["targets"]["largest_process_mib"]["at_most"] == 250
    assert "full_vs_stock" not in data["targets"]
    # --scale: twice the actions, from scratch.
    assert data["scale"]["actions"] == 120
    assert data["targets"]["scale_vs_full"]["value"] == data["ratios"]["scale_vs_full"]
