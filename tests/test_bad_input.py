"""The corpus of bad input (tests/bad_input/): one real build, every mistake named
with its file and field, no traceback, and the previous output left whole."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from test_build import tree_digest

from helpers import make_content, run_pelican

CORPUS = Path(__file__).parent / "bad_input"


def test_every_bad_file_gets_its_exact_message_in_one_run(tmp_path):
    content = make_content(tmp_path)  # one good action
    output = tmp_path / "output"
    assert run_pelican(tmp_path, content, output).returncode == 0
    before = tree_digest(output)

    expected = {}
    for source in sorted(p for p in CORPUS.glob("*.md") if p.name != "README.md"):
        shutil.copyfile(source, content / "actions" / source.name)
        line = source.with_suffix(".expected").read_text("utf-8").strip()
        expected[source.name] = line
    # Made here rather than committed: a 50 MB file, and a symlink leaving content/.
    with open(content / "actions" / "huge-file.md", "wb") as handle:
        handle.write(b"---\ntitle: A\n---\n" + b"x" * 50_000_000)
    expected["huge-file.md"] = (
        "content/actions/huge-file.md: the file is too large (50.0 MB); an action file is at most 1 MB"
    )
    (tmp_path / "secret.jpg").write_bytes(b"\xff\xd8\xff")
    (content / "images").mkdir()
    os.symlink(tmp_path / "secret.jpg", content / "images" / "portrait.jpg")
    good = (content / "actions" / "egypte-chercheur.md").read_text("utf-8")
    (content / "actions" / "symlink-image.md").write_text(
        good.replace("UA 045/26", "UA 99/26").replace(
            "country: EG", "country: EG\nimage: images/portrait.jpg\nimage_alt: Portrait"
        ),
        "utf-8",
    )
    expected["symlink-image.md"] = (
        "content/actions/symlink-image.md: image: 'images/portrait.jpg' leads outside content/ (through a link)"
    )

    result = run_pelican(tmp_path, content, output)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    problems = [line[2:] for line in result.stderr.splitlines() if line.startswith("  content/")]
    for name, line in expected.items():
        mine = [p for p in problems if p.startswith(f"content/actions/{name}:")]
        if not line:
            assert mine == [], (name, mine)  # accepted as it is
        else:
            assert any(p.startswith(line) for p in mine), (name, line, mine)
    # every problem names a file of the corpus, and a field where there is one
    assert all(p.split(":")[0].removeprefix("content/actions/") in expected for p in problems)
    assert tree_digest(output) == before
