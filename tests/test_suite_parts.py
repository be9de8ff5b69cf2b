"""``./dev test`` runs the suite in two parts (tasks.py ``test``): every test but the
timed Lighthouse audits on both cores, then the audits alone, collecting
tests/test_lighthouse.py only. A test marked ``lighthouse`` in another file would run
in neither part."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import ROOT

TESTS = Path(__file__).parent
MARK = re.compile(r"\bmark\.lighthouse\b")


def test_only_the_lighthouse_file_marks_tests_lighthouse():
    assert MARK.search("pytestmark = pytest.mark.lighthouse")
    marked = [
        str(path.relative_to(TESTS))
        for path in sorted(TESTS.rglob("*.py"))
        if path.name not in {"test_lighthouse.py", Path(__file__).name} and MARK.search(path.read_text("utf-8"))
    ]
    assert marked == []
    assert MARK.search((TESTS / "test_lighthouse.py").read_text("utf-8"))
    assert "-m lighthouse tests/test_lighthouse.py" in (ROOT / "tasks.py").read_text("utf-8")
