"""The real build command: messages without traceback, nothing written on failure."""

from __future__ import annotations

import hashlib
import os

from helpers import action, make_content, run_pelican


def tree_digest(root) -> dict[str, str]:
    digest = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                digest[os.path.relpath(path, root)] = hashlib.sha256(handle.read()).hexdigest()
    return digest


def test_a_bad_file_among_good_ones_leaves_the_previous_output_unchanged(tmp_path):
    content = make_content(tmp_path)
    output = tmp_path / "output"
    first = run_pelican(tmp_path, content, output)
    assert first.returncode == 0, first.stderr
    before = tree_digest(output)
    assert "actions/egypte-chercheur/index.html" in before

    (content / "actions" / "autre-action.md").write_text(
        "---\n"
        + (content / "actions" / "egypte-chercheur.md")
        .read_text("utf-8")
        .split("---\n")[1]
        .replace("UA 045/26", "UA 046/26")
        .replace("country: EG", "country: XX")
        + "---\nTexte.\n",
        encoding="utf-8",
    )
    second = run_pelican(tmp_path, content, output)
    assert second.returncode != 0
    assert (
        "content/actions/autre-action.md: country: unknown country 'XX': use the ISO 3166-1 "
        "alpha-2 code in capitals" in second.stderr.splitlines()[1]
    )
    assert "Traceback" not in second.stderr + second.stdout
    assert tree_digest(output) == before
    # The failed build's staging directory is cleaned by the next good build.
    (content / "actions" / "autre-action.md").unlink()
    third = run_pelican(tmp_path, content, output)
    assert third.returncode == 0, third.stderr
    assert not (tmp_path / ".output.staging").exists()


def test_a_successful_build_replaces_the_output_and_drops_stale_files(tmp_path):
    content = make_content(tmp_path)
    output = tmp_path / "output"
    output.mkdir()
    (output / "stale.html").write_text("old")
    result = run_pelican(tmp_path, content, output)
    assert result.returncode == 0, result.stderr
    assert not (output / "stale.html").exists()
    assert (output / "index.html").is_file()


def test_every_problem_is_printed_on_its_own_line(tmp_path):
    content = make_content(
        tmp_path,
        {"a": action(country="eg", themes=["tortures"]), "b": action(case="UA 2/26", sms="x" * 200)},
    )
    result = run_pelican(tmp_path, content, tmp_path / "output")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "3 problems in 2 content files; nothing was published:"
    assert lines[1:4] == [
        (
            "  content/actions/a.md: country: unknown country 'eg', did you mean 'EG' (Égypte)?: "
            "use the ISO 3166-1 alpha-2 code in capitals"
        ),
        "  content/actions/a.md: themes[0]: unknown theme 'tortures', did you mean 'torture'?",
        "  content/actions/b.md: sms: 200 characters, one SMS holds 160",
    ]
    assert not (tmp_path / "output").exists()
