"""The real ``./dev`` and ``invoke`` in a temporary clone: help, new, serve, build, publish.

Each test runs the commands an editor or an operator types, in a clone of the
project (``clone.py``); every wait is bounded, servers bind 127.0.0.1 on a
free port and are stopped by the test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from clone import clone_project, free_port, port_is_free, processes_in, start_serve

from helpers import BUILD_EPOCH


@pytest.fixture
def project(tmp_path) -> Path:
    return clone_project(tmp_path)


def run(project: Path, *args: str, env=None, timeout=300, **kwargs) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "COLUMNS": "200", **(env or {})}
    for name in ("SITEURL", "UA_DEPLOY"):
        if name not in (env or {}):
            environment.pop(name, None)
    return subprocess.run(
        ["./dev", *args],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
        **kwargs,
    )


def git_output(project: Path, *args: str) -> str:
    """What ``git ARGS`` prints in ``project`` (it must succeed within a minute)."""
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True, timeout=60).stdout


def git_status(project: Path) -> str:
    return git_output(project, "status", "--porcelain", "--untracked-files=all", "--", ".", ":!.venv", ":!node_modules")


@pytest.mark.parametrize(
    "args",
    [
        ("new", "--help"),
        ("new", "-h"),
        ("follow-up", "--help"),
        ("follow-up", "-h"),
        ("check", "--help"),
        ("serve", "-h"),
        ("publish", "--help"),
    ],
)
def test_help_on_a_task_prints_its_help_and_writes_nothing(project, args):
    result = run(project, *args, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Usage: inv[oke] [--core-opts] " + args[0] in result.stdout
    assert git_status(project) == ""


def test_invoke_itself_shows_the_help_of_a_task_with_a_positional_argument(project):
    invoke = str(project / ".venv" / "bin" / "invoke")
    for flag in ("--help", "-h"):
        result = subprocess.run(
            [invoke, "follow-up", flag], cwd=project, capture_output=True, text=True, timeout=120, check=False
        )
        assert result.returncode == 0 and "Usage:" in result.stdout, result.stderr
    assert git_status(project) == ""


def test_new_without_a_country_fails_in_one_line_and_writes_nothing(project):
    result = run(project, "new", "--title", "Pérou : une militante menacée", timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["invoke new: --country EG is required; nothing was written"]
    assert git_status(project) == ""


def test_new_with_an_unknown_country_fails_and_writes_nothing(project):
    result = run(project, "new", "--title", "Pérou : une militante", "--country", "XX", timeout=120)
    assert result.returncode == 1
    assert "unknown country 'XX'" in result.stderr and "nothing was written" in result.stderr
    assert git_status(project) == ""


def test_a_new_draft_passes_the_check_and_fails_it_once_published(project):
    created = run(project, "new", "--title", "Pérou : une militante menacée", "--country", "PE", timeout=120)
    assert created.returncode == 0, created.stderr
    assert run(project, "check", timeout=120).returncode == 0
    path = project / "content" / "actions" / "perou-une-militante-menacee.md"
    path.write_text(path.read_text("utf-8").replace("status: draft\n", ""), "utf-8")
    checked = run(project, "check", timeout=120)
    assert checked.returncode == 1
    name = "content/actions/perou-une-militante-menacee.md"
    assert f"{name}: targets[0].email: 'a-completer@a-completer.example' is the example address" in checked.stderr
    assert f"{name}: summary: still says 'À COMPLÉTER'" in checked.stderr
    assert f"{name}: body: still says 'À COMPLÉTER'" in checked.stderr


def test_dev_with_a_too_old_python_says_so_in_one_line(tmp_path):
    project = clone_project(tmp_path, venv=False)
    fake = tmp_path / "fakebin"
    fake.mkdir()
    for name in ("python3", "python3.11", "python3.12", "python3.13"):
        script = fake / name
        script.write_text('#!/bin/sh\n[ "$1" = "--version" ] && echo "Python 3.9.18"\nexit 1\n')
        script.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:/usr/bin:/bin"}
    result = subprocess.run(
        ["./dev", "check"], cwd=project, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "./dev: Python 3.11 or newer is needed (python3 is Python 3.9.18): install it, then run ./dev again"
    ]
    assert not (project / ".venv").exists()


def wait_for_page(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped by itself"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_serve_stopped_by_sigterm_stops_every_process_and_frees_the_port(project, tmp_path):
    port = free_port()
    with open(tmp_path / "serve.log", "w") as log:
        server = start_serve(project, port, log)
        try:
            wait_for_page(f"http://127.0.0.1:{port}/", server, 240)
            assert len(processes_in(project)) >= 2  # the server and its builder
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait(timeout=30)
    output = (tmp_path / "serve.log").read_text()
    assert server.returncode == 128 + signal.SIGTERM, output
    assert wait_until(lambda: port_is_free(port), 10), output
    assert wait_until(lambda: not processes_in(project), 10), processes_in(project)
    assert not (project / ".output.staging").exists()
    assert "the site is built without the web editor (/admin/)" in output  # npm is optional


def test_serve_on_a_busy_port_exits_non_zero_in_one_line_and_leaves_nothing(project):
    port = free_port()
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", port))
        busy.listen()
        result = run(project, "serve", "--port", str(port), timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        (
            f"serve: port {port} is already in use (another ./dev serve?): stop it, or choose "
            f"another port with --port {port + 1}"
        )
    ]
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".output")) == []
    assert not (project / "output").exists()


def test_the_build_ends_with_what_it_built(project):
    def build() -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(project / ".venv" / "bin" / "invoke"), "build"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "COLUMNS": "300"},
            check=False,
        )

    result = build()
    assert result.returncode == 0, result.stderr
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert "Processed 0 articles" not in result.stdout + result.stderr
    last = lines[-1]
    assert last.startswith("Done: built 21 actions, "), last
    assert " feeds and " in last and "all " in last or "new or changed" in last, last
    again = build()
    last = (again.stdout + again.stderr).strip().splitlines()[-1]
    assert "nothing changed since the last build" in last, last


def test_publish_refuses_the_example_configuration_before_building(tmp_path):
    project = clone_project(tmp_path, node=True)
    result = run(project, "publish", timeout=300)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("publish: nothing built or deployed: SITEURL is 'https://actions.example.org'")
    assert any(line.startswith("publish: UA_DEPLOY is not set") for line in lines), lines
    assert not (project / "output").exists()


def test_a_first_deployment_states_its_target_and_asks_for_yes(tmp_path):
    project = clone_project(tmp_path, node=True)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True, timeout=60)
    env = {
        "SITEURL": "https://actions.reseau-urgences.be",
        "UA_DEPLOY": json.dumps({"method": "gh-pages", "remote": str(remote)}),
    }
    asked = run(project, "publish", env=env, timeout=300)
    assert asked.returncode == 1
    assert asked.stderr.strip().splitlines() == [
        (
            f"publish: the first deployment from this checkout goes to branch gh-pages of {remote}, "
            "replacing what is published there: run again with --yes to confirm (nothing was built)"
        )
    ]
    assert not (project / "output").exists()
    branches = subprocess.run(
        ["git", "--git-dir", str(remote), "branch"], capture_output=True, text=True, timeout=60, check=False
    )
    assert branches.stdout == ""
