"""A temporary clone of the project, to run the real ``./dev`` and ``invoke`` in.

``git clone`` of this checkout, plus the working tree's uncommitted and new
files (so that a test sees the code under test), plus a ``.venv/`` that reuses
the project's virtual environment through symbolic links but has its own
"installed from" stamp: ``./dev`` finds its packages up to date and installs
nothing, and never touches the shared environment.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

from helpers import BUILD_EPOCH, ROOT


def clone_project(tmp_path: Path, *, venv: bool = True, node: bool = False) -> Path:
    """A clone of the project under ``tmp_path``, with the working tree's changes
    committed; ``node``: with the project's Node packages (through a link)."""
    project = tmp_path / "project"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(project)], check=True, timeout=120)
    listed = (
        subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=60,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            target = project / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif not source.exists():
            (project / name).unlink(missing_ok=True)
    git = ["git", "-c", "user.name=Tests", "-c", "user.email=tests@example.org"]
    subprocess.run([*git, "add", "--all"], cwd=project, check=True, timeout=60)
    subprocess.run(
        [*git, "commit", "--quiet", "--allow-empty", "-m", "Working tree"], cwd=project, check=True, timeout=60
    )
    if venv:
        link_venv(project)
    if node:
        link_node_modules(project)
    return project


def link_node_modules(project: Path) -> None:
    """``project/node_modules``: the project's Node packages through links, with its
    own "installed from" stamp: ``./dev`` finds them up to date and never runs
    ``npm ci`` there (which would empty the shared directory first)."""
    shared = (ROOT / "node_modules").resolve()
    modules = project / "node_modules"
    modules.mkdir()
    for entry in shared.iterdir():
        if entry.name != ".installed-from":
            (modules / entry.name).symlink_to(entry)
    shutil.copy(project / "package-lock.json", modules / ".installed-from")


def link_venv(project: Path) -> None:
    """``project/.venv``: the project's environment through links, with its own stamp."""
    shared = (ROOT / ".venv").resolve()
    venv = project / ".venv"
    venv.mkdir()
    for name in ("bin", "lib", "lib64", "include", "pyvenv.cfg"):
        if (shared / name).exists():
            (venv / name).symlink_to(shared / name)
    shutil.copy(project / "pyproject.toml", venv / ".installed-from")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Whether a server could listen on ``port`` (connections in TIME_WAIT do not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen()
        except OSError:
            return False
        return True


def processes_in(project: Path) -> list[str]:
    """Command lines of the processes that run in ``project`` or name it."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cwd = os.readlink(f"/proc/{entry}/cwd")
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cwd.startswith(str(project)) or str(project) in command:
            found.append(f"{entry}: {command}")
    return found


def start_serve(project: Path, port: int, log) -> subprocess.Popen:
    """``./dev serve`` in ``project`` on ``port``, its output into the open file ``log``
    (the caller stops it and waits for it)."""
    return subprocess.Popen(
        ["./dev", "serve", "--port", str(port)],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "COLUMNS": "300"},
    )
