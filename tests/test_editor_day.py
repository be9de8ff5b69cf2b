"""An editor's day through the real ``./dev`` in a clone: the traps a new editor met.

Each test runs what an editor types, in a clone of the project (``clone.py``).
"""

from __future__ import annotations

import json
import re
import subprocess
import time

import pytest
from clone import clone_project
from test_cli import git_output, git_status, run


@pytest.fixture
def project(tmp_path):
    return clone_project(tmp_path)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("lnit",), "./dev: no task 'lnit': did you mean 'lint'? (./dev --list shows them all)"),
        (("folow-up", "x"), "./dev: no task 'folow-up': did you mean 'follow-up'? (./dev --list shows them all)"),
        (("xyzzy", "--help"), "./dev: no task 'xyzzy' (./dev --list shows them all)"),
    ],
)
def test_an_unknown_task_answers_in_one_line_before_installing_anything(tmp_path, args, expected):
    bare = clone_project(tmp_path, venv=False)  # nothing installed: ./dev would install first
    start = time.monotonic()
    result = run(bare, *args, timeout=60)
    elapsed = time.monotonic() - start
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [expected]
    assert elapsed < 2, elapsed
    assert not (bare / ".venv").exists() and not (bare / "node_modules").exists()


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_answers_before_installing_anything(tmp_path, flag):
    bare = clone_project(tmp_path, venv=False)
    start = time.monotonic()
    result = run(bare, flag, timeout=60)
    assert time.monotonic() - start < 2
    assert result.returncode == 0, result.stderr
    assert "./dev serve" in result.stdout and "follow-up" in result.stdout and "send-test" in result.stdout
    assert not (bare / ".venv").exists() and not (bare / "node_modules").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("serve", "--help"), ["Usage: ./dev serve [--options]", "--port", "port on 127.0.0.1 (default 8000)"]),
        (("new", "-h"), ["Usage: ./dev new [--options]", "Create a new draft action", "--country"]),
        (("build", "--output", "x", "--help"), ["Usage: ./dev build [--options]", "--settings"]),
    ],
)
def test_a_tasks_help_answers_before_installing_anything(tmp_path, args, expected):
    bare = clone_project(tmp_path, venv=False)  # nothing installed: ./dev would install first
    start = time.monotonic()
    result = run(bare, *args, timeout=60)
    assert time.monotonic() - start < 2
    assert result.returncode == 0, result.stderr
    assert all(text in result.stdout for text in expected), result.stdout
    assert result.stderr == ""
    assert not (bare / ".venv").exists() and not (bare / "node_modules").exists()
    assert not (bare / "x").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("serve", "--port", "abc"), "serve: --port 'abc' is not a whole number from 1 to 65535"),
        (("serve", "--port", "70000"), "serve: --port '70000' is not a whole number from 1 to 65535"),
        (("new", "--title", "T", "--country", "EG", "--weeks", "six"), "invoke new: --weeks 'six' is not"),
    ],
)
def test_a_bad_option_value_is_one_line_without_traceback(project, args, expected):
    result = run(project, *args, timeout=120)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(expected), result.stderr
    assert git_status(project) == ""


def test_new_on_an_existing_case_writes_nothing_and_points_to_follow_up(project):
    result = run(project, "new", "--title", "Égypte : encore", "--country", "EG", "--case", "UA 45/26", timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        (
            "invoke new: case UA 045/26 already exists (content/actions/egypte-chercheur-detenu.md): "
            "./dev follow-up egypte-chercheur-detenu writes its next update; nothing was written"
        )
    ]
    assert "Created" not in result.stdout
    assert git_status(project) == ""


def test_follow_up_writes_the_update_and_closes_the_open_action(project):
    result = run(project, "follow-up", "egypte-chercheur-detenu", timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Created content/actions/egypte-chercheur-detenu-suivi-1.md: say what changed, then remove 'status: draft'.",
        "Closed content/actions/egypte-chercheur-detenu.md (state: closed): the case has one open action, the new one.",
    ]
    diff = git_output(project, "diff", "--unified=0", "--", "content/actions/egypte-chercheur-detenu.md")
    assert [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        "-state: open",
        "+state: closed",
    ]
    assert run(project, "check", timeout=120).returncode == 0
    # Published without closing the earlier one by hand: check names both files.
    (project / "content/actions/egypte-chercheur-detenu.md").write_text(
        (project / "content/actions/egypte-chercheur-detenu.md")
        .read_text("utf-8")
        .replace("state: closed", "state: open"),
        "utf-8",
    )
    draft = project / "content/actions/egypte-chercheur-detenu-suivi-1.md"
    text = draft.read_text("utf-8").replace("status: draft\n", "")
    draft.write_text(text.replace("À COMPLÉTER : ce qui a changé", "Ce qui a changé"), "utf-8")
    checked = run(project, "check", timeout=120)
    assert checked.returncode == 1
    assert (
        "content/actions/egypte-chercheur-detenu.md: state: case 'UA 045/26' has 2 open actions "
        "(egypte-chercheur-detenu.md, egypte-chercheur-detenu-suivi-1.md)"
    ) in checked.stderr


def test_publish_dry_run_leaves_output_as_it_was(tmp_path):
    # With the Node packages linked in, as test_cli's publish tests do: without
    # them ./dev publish would first run `npm ci` in the clone (minutes).
    project = clone_project(tmp_path, node=True)
    (project / "output").mkdir()
    (project / "output" / "index.html").write_text("the preview being looked at", "utf-8")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True, timeout=60)
    env = {
        "SITEURL": "https://actions.reseau-urgences.be",
        "UA_DEPLOY": json.dumps({"method": "gh-pages", "remote": str(remote)}),
    }
    result = run(project, "publish", "--dry-run", env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (project / "output").iterdir()] == ["index.html"]
    assert (project / "output" / "index.html").read_text("utf-8") == "the preview being looked at"
    assert not [p.name for p in project.iterdir() if p.name.startswith(".output")]
    branches = subprocess.run(
        ["git", "--git-dir", str(remote), "branch"], capture_output=True, text=True, timeout=60, check=False
    )
    assert branches.stdout == ""


def test_the_readme_lists_only_folders_that_exist_and_every_debian_package():
    from helpers import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    folders = set(re.findall(r"`((?:content|plugins|theme|tests|docs|deploy|benchmarks)/[\w./-]*/)`", readme))
    assert folders, "the README's layout names folders"
    assert [f for f in sorted(folders) if not (ROOT / f).is_dir()] == []
    script = (ROOT / "dev").read_text("utf-8")
    packages = set(re.findall(r"missing\+=\(([^)]*)\)", script))
    names = {name for group in packages for name in group.split()}
    assert len(names) >= 8, names
    assert [name for name in sorted(names) if f"`{name}`" not in readme] == []
    # ... and no package that the set-up does not install.
    debian = readme.split("From Debian", 1)[1].split("\n## ", 1)[0]
    listed = {
        name for row in re.findall(r"^\| (`[^|]*) \|", debian, re.MULTILINE) for name in re.findall(r"`([^`]+)`", row)
    }
    assert listed == names


def test_the_readme_layout_names_only_paths_that_exist():
    from helpers import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (`[^|]*) \| (.*) \|$", layout, re.MULTILINE)
    assert len(rows) >= 8, rows
    missing = []
    for paths, what in rows:
        for path in re.findall(r"`([^`]+)`", paths):
            # `content/actions/<slug>.md`: its folder exists; an optional file may not.
            path = path.split("<", 1)[0]
            if not (ROOT / path).exists() and not what.startswith("optional"):
                missing.append(path)
            # Folders named in the description are inside the row's folder.
            for folder in re.findall(r"`([\w/-]+/)`", what) if path.endswith("/") else ():
                missing += [] if (ROOT / path / folder).is_dir() else [path + folder]
    assert missing == []
