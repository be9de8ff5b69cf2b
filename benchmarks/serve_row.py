"""The benchmark's ``serve`` row: from saving a file to the page answering with the change.

``python -m benchmarks.bench --serve ...`` (or ``python -m benchmarks.serve_row SITE``
on an archive the benchmark kept with ``--keep``) starts the real server of
``./dev serve`` (``tools/serve.py`` and its warm builder, ``speed/warm.py``) on
the synthetic archive, on a free port of 127.0.0.1, and waits for its first
build. Then, three times, it saves an edit to one action's body and measures
the seconds until that action's page, asked over HTTP every 20 ms, answers
with the new text (``first_save`` is the first save after start), and the CPU
time the builder spent on that rebuild (its own and its children's: Pagefind,
workers), which the machine's load moves less than the seconds; and the
builder's own report of its preview (the edited page put in place before the
build: its milliseconds, wall and CPU). Each save is
made once the previous rebuild has ended. The server is then stopped
(SIGTERM, bounded waits), and every process it started must be gone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_EPOCH = "1795518000"
DONE = "Done: "  # Pelican's closing line of a build, as the plugin words it
# The warm builder's line when it put the edited pages in place before the build.
PREVIEW = re.compile(r"-> Preview: \d+ pages? of the edited actions in (\d+) ms \((\d+) ms CPU\)")
SAVES = ("first_save", "second_save", "third_save")
SERVER = """
import sys
sys.path.insert(0, {plugins!r})
from urgent_actions.speed import warm
from urgent_actions.tools.serve import serve
builder, env = warm.command(sys.executable, {settings!r}, {output!r}, ("-e", {path!r}))
sys.exit(serve(builder, {output!r}, {port}, env=env))
"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return None


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children") as handle:
                children = [int(child) for child in handle.read().split()]
        except OSError:
            children = []
        found += children
        queue += children
    return found


def _cpu_seconds(pid: int) -> float:
    """User and system time of ``pid`` and of the children it has waited for."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _wait(condition, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"serve: no {what} within {seconds:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.02)


def _save(site: Path, slug: str, marker: str) -> None:
    path = site / "content" / "actions" / f"{slug}.md"
    path.write_text(path.read_text("utf-8") + f"\n{marker}\n", "utf-8")


def measure_serve(site: Path, slugs: list[str], timeout: float = 1800) -> dict:
    """Start serve on ``site`` (a kept synthetic archive), save an edit to each of
    ``slugs`` (three), one after the other; the row's figures."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    script = SERVER.format(
        plugins=str(ROOT / "plugins"), settings=str(ROOT / "pelicanconf.py"), output=str(site / "output"),
        path=f'PATH="{site / "content"}"', port=port,
    )  # fmt: skip
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "PYTHONHASHSEED": "0", "COLUMNS": "300"}
    row: dict = {}
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log_file:
        log = Path(log_file.name)
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-c", script], cwd=site, env=env, stdout=log_file, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            _wait(lambda: log.read_text(errors="replace").count(DONE) >= 1, timeout, "first build", log)
            row["first_build_seconds"] = round(time.perf_counter() - started, 2)
            builder = _descendants(server.pid)[0]
            for n, (name, slug) in enumerate(zip(SAVES, slugs, strict=True)):
                row[name] = _one_save(site, base, slug, n, builder, log, timeout)
        finally:
            row["stopped"] = _stop(server)
    return row


def _one_save(site: Path, base: str, slug: str, n: int, builder: int, log: Path, timeout: float) -> dict:
    marker = f"Marqueserve{n}x{time.monotonic_ns()}"
    before = log.read_text(errors="replace")
    builds = before.count(DONE)
    cpu = _cpu_seconds(builder)
    start = time.perf_counter()
    _save(site, slug, marker)
    _wait(lambda: marker in (_get(f"{base}/actions/{slug}/") or ""), timeout, "page with the edit", log)
    shown = time.perf_counter() - start
    _wait(lambda: log.read_text(errors="replace").count(DONE) > builds, timeout, "end of the rebuild", log)
    done = time.perf_counter() - start
    preview = PREVIEW.search(log.read_text(errors="replace")[len(before) :])
    return {
        "slug": slug,
        "seconds_to_page": round(shown, 3),
        "seconds_to_build_end": round(done, 3),
        "builder_cpu_seconds": round(_cpu_seconds(builder) - cpu, 2),
        "preview_ms": int(preview[1]) if preview else None,
        "preview_cpu_ms": int(preview[2]) if preview else None,
    }


def _stop(server: subprocess.Popen) -> bool:
    """Stop the server as Ctrl-C would (SIGTERM to it); True if every process it
    started has ended within the bounded waits (else they are killed)."""
    tree = _descendants(server.pid)
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{pid}") for pid in tree) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in tree if os.path.exists(f"/proc/{pid}")]
    if left:
        os.killpg(server.pid, signal.SIGKILL)
    return not left


def pick_actions(site: Path, count: int = 3) -> list[str]:
    """``count`` published actions of the archive, spread across it."""
    names = sorted(p.stem for p in (site / "content" / "actions").glob("*.md"))
    return [names[int(len(names) * (i + 1) / (count + 1))] for i in range(count)]


def table(row: dict) -> str:
    lines = [f"serve: first build {row['first_build_seconds']:.1f} s; from a save to the page answering with it:"]
    for name in SAVES:
        save = row[name]
        preview = (
            f"preview {save['preview_ms']} ms ({save['preview_cpu_ms']} ms CPU)"
            if save.get("preview_ms") is not None
            else "no preview"
        )
        lines.append(
            f"  {name.replace('_', ' ')}: {save['seconds_to_page']:.2f} s to the page ({preview}), rebuild ended "
            f"at {save['seconds_to_build_end']:.2f} s, builder CPU {save['builder_cpu_seconds']:.2f} s"
        )
    lines.append(f"  every process ended when stopped: {'yes' if row['stopped'] else 'NO'}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", help="an archive kept by python -m benchmarks.bench --keep DIR")
    parser.add_argument("--json", help="write the row to this file")
    args = parser.parse_args(argv)
    site = Path(args.site).resolve()
    row = measure_serve(site, pick_actions(site))
    print(table(row))
    if args.json:
        Path(args.json).write_text(json.dumps(row, indent=2) + "\n", "utf-8")
    return 0 if row["stopped"] else 1


if __name__ == "__main__":
    sys.exit(main())
