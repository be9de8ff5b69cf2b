"""A build never hangs and leaves no process behind.

The early indexing (speed/indexing.py) starts Pagefind before the build has read
anything, on a directory where the edited pages are named pipes that the build
fills later. Once, on a loaded 2-core machine, Pagefind waited on a pipe that
nobody would write and the build waited on Pagefind for ever. These tests run
that path many times under CPU load, kill builds, and break the feeding on
purpose: each build ends within a bound, and no child process outlives it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ROOT, action, dump_front, make_content, run_pelican, three_years

BUILD_BOUND = 60  # seconds: a build of three actions takes about 2 s here, unloaded


def _processes_mentioning(text: str) -> list[tuple[int, str]]:
    """Live processes (not zombies) whose command line mentions ``text``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                state = handle.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in command and state != "Z":
            found.append((int(entry), command))
    return found


def _wait_until_gone(text: str, seconds: float = 10) -> list:
    deadline = time.monotonic() + seconds
    while True:
        left = _processes_mentioning(text)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def _spin(until: float) -> None:  # a bounded CPU hog
    while time.monotonic() < until:
        pass


@pytest.mark.timeout(900)
def test_early_indexing_under_cpu_load_always_finishes_and_leaves_no_process(tmp_path, capsys):
    """Ten one-edit rebuilds, the early indexing path each time, while a process
    spins on a core (bounded: it stops by itself) and the suite's other worker
    runs on the other."""
    content, output, overrides = three_years(tmp_path)
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    source = content / "actions" / "y2025.md"
    runs, durations, early = 10, [], 0
    until = time.monotonic() + 600
    hogs = [multiprocessing.get_context("fork").Process(target=_spin, args=(until,), daemon=True)]
    for hog in hogs:
        hog.start()
    try:
        for run in range(runs):
            source.write_text(dump_front(action(case="UA 1/25", date="2025-03-01", state="closed", deadline=None),
                                         f"Texte de la relecture {run}.\n"), "utf-8")  # fmt: skip
            started = time.monotonic()
            result = run_pelican(tmp_path, content, output, overrides=overrides, extra_args=("--verbose",))
            durations.append(time.monotonic() - started)
            log = " ".join((result.stdout + result.stderr).split())
            assert result.returncode == 0, log
            assert durations[-1] < BUILD_BOUND, f"build {run} took {durations[-1]:.1f} s"
            early += "indexed since the build started" in log
            assert _wait_until_gone(str(tmp_path), 5) == []
            assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".pagefind-")]
    finally:
        for hog in hogs:
            hog.terminate()
            hog.join(timeout=10)
    assert early >= runs // 2, f"the early path ran in {early} of {runs} builds"
    with capsys.disabled():
        print(f"\n[lifecycle] {runs} loaded one-edit rebuilds: min {min(durations):.2f} s, "
              f"median {sorted(durations)[runs // 2]:.2f} s, max {max(durations):.2f} s; early path {early}/{runs}")  # fmt: skip


@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGTERM])
def test_a_build_killed_while_pagefind_runs_leaves_no_process(tmp_path, signal_number):
    """The build is killed (its process only, as an IDE's stop button or a script
    does) while Pagefind indexes: Pagefind dies with it, and the next build works."""
    actions = {f"a{n:03d}": action(case=f"UA {n}/26", state="closed", deadline=None, title=f"Action {n}")
               for n in range(1, 120)}  # fmt: skip
    content = make_content(tmp_path, actions)
    output = tmp_path / "output"
    command = [
        sys.executable, "-m", "pelican", "-s", str(ROOT / "pelicanconf.py"), "-o", str(output),
        "-e", f'PATH="{content}"', f'UA_CACHE_PATH="{tmp_path / "cache"}"', "UA_SEARCH_SHARD_SIZE=10",
    ]  # fmt: skip
    build = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not [c for _, c in _processes_mentioning(str(tmp_path)) if "pagefind" in c and "--output-path" in c]:
            assert build.poll() is None, "the build ended before Pagefind started"
            assert time.monotonic() < deadline, "Pagefind never started"
            time.sleep(0.01)
        os.kill(build.pid, signal_number)
        build.wait(timeout=30)
        assert _wait_until_gone(str(tmp_path)) == []
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.wait(timeout=30)
    assert run_pelican(tmp_path, content, output).returncode == 0
    assert (output / "pagefind" / "pagefind-entry.json").is_file()


def _site_with_pages(tmp_path: Path, slugs) -> Path:
    site = tmp_path / "site"
    for slug in slugs:
        page = site / "actions" / slug / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<html lang="fr"><body><main data-pagefind-body><h1>{slug}</h1></main></body></html>', "utf-8")
    return site


def test_a_pagefind_waiting_on_a_page_that_never_comes_is_stopped(tmp_path):
    """The feeder cannot read the page Pagefind waits for (it is gone): it kills
    Pagefind, and the wait ends at once with a message, not in ten minutes."""
    from urgent_actions.render.pagefind import PagefindError
    from urgent_actions.site.search import Shard
    from urgent_actions.speed import output_swap
    from urgent_actions.speed.indexing import Indexing
    from urgent_actions.speed.pagefind_job import Job

    site = _site_with_pages(tmp_path, ("alpha", "beta"))
    shard = Shard("pagefind", ("alpha", "beta"))
    job = Job(shard, str(site), None, "fr", 60, {"actions/beta/index.html"}, str(tmp_path / "out"))
    removals = output_swap.Removals()
    (site / "actions" / "beta" / "index.html").unlink()  # the build never rendered it
    job.feed(str(site))
    started = time.monotonic()
    with pytest.raises(PagefindError, match="could not be given the pages"):
        Indexing(str(site), [], "fr", 1, 60, {}, {}, removals, [job]).wait()
    assert time.monotonic() - started < 10
    assert _wait_until_gone(str(tmp_path)) == []
    removals.join()  # the pipes' directory, removed beside the build


def test_the_pipes_exist_before_pagefind_starts(tmp_path):
    """The race that hung a build: the pipes were made by the child process, and a
    feeder that came first found none and gave up. They are made before it starts."""
    import stat

    from urgent_actions.site.search import Shard
    from urgent_actions.speed import output_swap
    from urgent_actions.speed.pagefind_job import Job

    site = _site_with_pages(tmp_path, ("alpha", "beta"))
    shard = Shard("pagefind", ("alpha", "beta"))
    job = Job(shard, str(site), None, "fr", 60, {"actions/beta/index.html"}, str(tmp_path / "out"))
    removals = output_swap.Removals()
    try:
        assert stat.S_ISFIFO(os.lstat(os.path.join(job.pages_dir, "actions/beta/index.html")).st_mode)
        job.feed(str(site))
        job.process.wait(timeout=60)
        job.finish(str(tmp_path / "index"), removals)
        assert (tmp_path / "index" / "pagefind-entry.json").is_file()
    finally:
        job.stop()
        removals.join()  # the pipes' directory, removed beside the build


def test_a_pagefind_that_takes_too_long_stops_the_build_with_a_message(tmp_path, monkeypatch):
    """UA_SEARCH_TIMEOUT bounds every Pagefind process; the process is killed."""
    from urgent_actions.render import pagefind
    from urgent_actions.render.pagefind import PagefindError
    from urgent_actions.site.search import Shard

    marker = f"sleep-{tmp_path.name}"
    monkeypatch.setattr(
        pagefind, "pagefind_command", lambda *a: [sys.executable, "-c", "import time; time.sleep(300)", marker]
    )
    site = _site_with_pages(tmp_path, ("alpha",))
    started = time.monotonic()
    with pytest.raises(PagefindError, match="did not finish indexing pagefind in 1 s"):
        pagefind.index_shards(str(site), [Shard("pagefind", ("alpha",))], "fr", timeout=1)
    assert time.monotonic() - started < 10
    assert _wait_until_gone(marker) == []


def test_the_scheduled_indexing_is_bounded_too(tmp_path, monkeypatch):
    from urgent_actions.render import pagefind
    from urgent_actions.render.pagefind import PagefindError
    from urgent_actions.site.search import Shard
    from urgent_actions.speed.indexing import SearchIndexer

    marker = f"sleep-{tmp_path.name}"
    monkeypatch.setattr(
        pagefind, "pagefind_command", lambda *a: [sys.executable, "-c", "import time; time.sleep(300)", marker]
    )
    site = _site_with_pages(tmp_path, ("alpha",))
    indexer = SearchIndexer("fr", jobs=1, timeout=1)
    indexer.start(str(site), [Shard("pagefind", ("alpha",))])
    started = time.monotonic()
    with pytest.raises(PagefindError, match="UA_SEARCH_TIMEOUT"):
        indexer.wait()
    assert time.monotonic() - started < 10
    assert _wait_until_gone(marker) == []
