"""The page-key rule (plugins/urgent_actions/site/keys.py): two builds that give a
page the same key give it the same bytes.

A template that starts to show something its page's key does not cover (another
action, a count, a date) breaks this: an incremental build would keep the page
as published, stale. Each case below builds the sample site twice from scratch,
the second time with one thing changed, and compares every page's key (from the
build's manifest) with its bytes.
"""

from __future__ import annotations

import pickle
import re
import shutil
from pathlib import Path

import pytest

from helpers import BUILD_EPOCH, ROOT, run_pelican
from urgent_actions.speed.stamps import cache_file

DAY = 86400


def _build(tmp_path: Path, name: str, content: Path, epoch: str, overrides=None) -> dict[str, tuple[str, bytes]]:
    """Build from scratch; every page the manifest lists: its key and its bytes."""
    # One cache path for all (it is a setting, in every key); one manifest per output.
    output, cache = tmp_path / f"out-{name}", tmp_path / "cache"
    result = run_pelican(
        tmp_path, content, output, extra_env={"SOURCE_DATE_EPOCH": epoch},
        overrides={"UA_SEARCH": False, "UA_CACHE_PATH": str(cache), **(overrides or {})},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with open(cache_file(str(cache), str(output), "manifest"), "rb") as handle:
        files = pickle.load(handle)["files"]
    return {save_as: (entry[0], (output / save_as).read_bytes()) for save_as, entry in files.items()}


def _stale_pages(before: dict, after: dict) -> list[str]:
    """Pages whose key stayed the same while their bytes changed."""
    return sorted(
        page
        for page in before.keys() & after.keys()
        if before[page][0] == after[page][0] and before[page][1] != after[page][1]
    )


def _first_action(content: Path, state: str) -> Path:
    for path in sorted((content / "actions").glob("*.md")):
        text = path.read_text("utf-8")
        if re.search(rf"^state: {state}\s*$", text, re.MULTILINE) and not re.search(
            r"^status: draft", text, re.MULTILINE
        ):
            return path
    raise AssertionError(f"the sample site has no {state} action")


def _compare(before: dict, after: dict) -> list[str]:
    """The stale pages; checked to be a real comparison: the 404 page, whose key is
    the site-wide inputs alone, keeps it (same settings, theme, code)."""
    assert before["404.html"][0] == after["404.html"][0], "the builds share their site-wide inputs"
    return _stale_pages(before, after)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample site's content at one path (a setting, in every key) and its build."""
    root = tmp_path_factory.mktemp("keys")
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    return root, content, _build(root, "base", content, BUILD_EPOCH)


def test_a_later_build_date_changes_the_key_of_every_page_it_changes(sample):
    root, content, before = sample
    for days in (1, 40):
        after = _build(root, f"later-{days}", content, str(int(BUILD_EPOCH) + days * DAY))
        changed = [page for page in before.keys() & after.keys() if before[page][1] != after[page][1]]
        assert changed, "the build date changes some page (days left, states)"
        assert _compare(before, after) == []


@pytest.mark.parametrize(
    ("state", "field", "value"),
    [("open", "title", "Titre changé pour le test des clés"), ("closed", "summary", "Résumé changé pour le test.")],
)
def test_an_edited_action_changes_the_key_of_every_page_that_shows_it(sample, state, field, value):
    root, content, before = sample
    path = _first_action(content, state)
    text = path.read_text("utf-8")
    new_text = re.sub(rf"^{field}: .*$", f"{field}: {value}", text, count=1, flags=re.MULTILINE)
    assert new_text != text
    path.write_text(new_text, "utf-8")
    try:
        after = _build(root, f"edited-{state}", content, BUILD_EPOCH)
    finally:
        path.write_text(text, "utf-8")
    shown = [page for page in after if value.encode() in after[page][1]]
    assert len(shown) > 1, "the edit shows on its page and in lists"
    assert _compare(before, after) == []


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    return folder


def test_a_page_showing_what_its_key_misses_is_caught(content, tmp_path):
    """The check itself: the home page (whose key covers the open actions only)
    made to show the number of all actions; a closed action is added."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    index = theme / "templates" / "index.html"
    template = index.read_text("utf-8")
    index.write_text(
        template.replace("{% block content %}", "{% block content %}<p>{{ site.actions|length }}</p>", 1), "utf-8"
    )
    overrides = {"THEME": str(theme)}
    before = _build(tmp_path, "base", content, BUILD_EPOCH, overrides)
    closed = _first_action(content, "closed")
    text = re.sub(r"^case: .*$", 'case: "UA 999/26"', closed.read_text("utf-8"), count=1, flags=re.MULTILINE)
    closed.with_name("copie-pour-le-test.md").write_text(
        re.sub(r"^aliases:(\n  - .*)+", "", text, flags=re.MULTILINE), "utf-8"
    )
    after = _build(tmp_path, "added", content, BUILD_EPOCH, overrides)
    assert "index.html" in _compare(before, after)
