"""Two builds of the same sources with the same SOURCE_DATE_EPOCH are byte-identical,
even from two different project paths."""

import hashlib
import os

from helpers import make_content, run_pelican


def _digest(root):
    digest = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                digest[os.path.relpath(path, root)] = hashlib.sha256(handle.read()).hexdigest()
    return digest


def test_builds_from_two_paths_are_byte_identical(tmp_path):
    digests = []
    for place in ("first/checkout", "second"):
        project = tmp_path / place
        content = make_content(project)
        result = run_pelican(project, content, project / "output")
        assert result.returncode == 0, result.stderr
        digests.append(_digest(project / "output"))
    assert digests[0], "the build wrote nothing"
    assert digests[0] == digests[1]
