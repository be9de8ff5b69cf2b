"""Every problem in one list, in ``check`` and in the build: field errors, rules across
fields and files, and the warnings that ``--fatal warnings`` makes errors (postal
deadline, long letters), each as ``file: field: message``, without a traceback."""

from __future__ import annotations

import shutil

from clone import clone_project
from test_cli import run

from helpers import ROOT, action, dump_front, make_content, run_pelican

LONG_BODY = "\n\n".join(["Je vous demande de libérer Karim Example immédiatement et sans condition. " * 6] * 16)
EXPECTED = [
    "content/actions/champ.md: country: unknown country 'XX'",
    "content/actions/courrier.md: post: the deadline 2026-12-24 is 42 days after the date 2026-11-12",
    "content/actions/longue.md: letters[0]: the letter in 'fr' to 'Ministre de la Justice' needs about 3 printed pages",
    "content/actions/longue.md: letters[0]: the letter in 'fr' to 'Procureur général",
    "content/actions/double-a.md: update: case 'UA 9/26' already has update 0 in double-b.md",
    "content/actions/double-b.md: update: case 'UA 9/26' already has update 0 in double-a.md",
]


def files() -> dict:
    return {
        "champ": action(case="UA 1/26", country="XX"),
        "courrier": action(case="UA 2/26", post=True),  # 2026-11-12 -> 2026-12-24: 6 weeks
        "longue": action(
            case="UA 3/26", letters=[{"language": "fr", "subject": "Une lettre trop longue", "body": LONG_BODY}]
        ),
        "double-a": action(case="UA 9/26"),
        "double-b": action(case="UA 9/26", deadline=None, state="closed"),
    }


def problem_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.startswith("  content/")]


def test_the_build_says_every_problem_at_once_without_a_traceback(tmp_path):
    content = make_content(tmp_path, files())
    result = run_pelican(tmp_path, content, tmp_path / "output", overrides={"UA_SEARCH": False})
    said = result.stdout + result.stderr
    assert result.returncode != 0
    lines = problem_lines(result.stderr)
    for expected in EXPECTED:
        assert any(line.startswith(expected) for line in lines), (expected, said)
    assert len(lines) == len(EXPECTED), lines
    assert "Traceback" not in said and "RuntimeError" not in said
    assert not (tmp_path / "output").exists()


def test_check_says_the_same_list(tmp_path):
    project = clone_project(tmp_path)
    shutil.rmtree(project / "content" / "actions")
    (project / "content" / "actions").mkdir()
    for name, front in files().items():
        (project / "content" / "actions" / f"{name}.md").write_text(dump_front(front), "utf-8")
    shutil.copy(ROOT / "content" / "themes.yml", project / "content" / "themes.yml")
    result = run(project, "check", timeout=120)
    assert result.returncode == 1
    lines = problem_lines(result.stderr)
    for expected in EXPECTED:
        assert any(line.startswith(expected) for line in lines), (expected, result.stderr)
    assert len(lines) == len(EXPECTED), lines
    assert "Traceback" not in result.stdout + result.stderr


def test_a_warning_alone_stops_the_build_in_the_same_format(tmp_path):
    content = make_content(tmp_path, {"courrier": action(post=True)})
    result = run_pelican(tmp_path, content, tmp_path / "output", overrides={"UA_SEARCH": False})
    assert result.returncode != 0
    assert problem_lines(result.stderr) == [
        (
            "content/actions/courrier.md: post: the deadline 2026-12-24 is 42 days after the date 2026-11-12: "
            "a postal mailing needs at least 8 weeks (choose another action, or remove 'post: true')"
        )
    ]
    assert "Traceback" not in result.stdout + result.stderr
