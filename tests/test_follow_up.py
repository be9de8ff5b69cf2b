"""``follow-up`` keeps the editor's file as written, and a case has one open action."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from helpers import ROOT, action, make_content
from urgent_actions.content.errors import ContentError
from urgent_actions.content.loading import load_site
from urgent_actions.tools.scaffold import follow_up

TODAY = dt.date(2026, 12, 7)
SAMPLES = sorted(p.stem for p in (ROOT / "content" / "actions").glob("*.md"))
# What a follow-up changes: these top-level fields, its header comment, the body's first line.
CHANGED = {"status", "title", "update", "date", "deadline", "state", "outcome", "aliases"}
TAKEN_FROM_EARLIER = {"targets", "copies", "letters", "sms", "tweet"}


@pytest.fixture
def content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


def blocks(text: str) -> tuple[list[str], list[tuple[str, str]], str]:
    """A file as (leading comment lines, [(top-level key, its lines as written)], body)."""
    front, body = text.removeprefix("---\n").split("\n---\n", 1)
    header, found = [], []
    for line in front.split("\n"):
        match = re.match(r"([a-z_]+):", line)
        if match:
            found.append((match.group(1), line + "\n"))
        elif found:
            key, lines = found[-1]
            found[-1] = (key, lines + line + "\n")
        else:
            header.append(line)
    return header, found, body


@pytest.mark.parametrize("slug", SAMPLES)
def test_follow_up_changes_only_the_follow_up_fields(content, slug):
    made = follow_up(str(content), slug, today=TODAY)
    site = load_site(str(content))  # the draft and the closed previous action are valid
    new = next(a for a in site.drafts if a.source_path == made.path)
    case = sorted((a for a in site.actions if a.front.case == new.front.case), key=lambda a: a.front.update)
    source = (ROOT / "content" / "actions" / f"{case[-1].slug}.md").read_text("utf-8")
    written = (content / "actions" / made.path.rsplit("/", 1)[1]).read_text("utf-8")
    _, old_blocks, old_body = blocks(source)
    new_header, new_blocks, new_body = blocks(written)
    assert new_header[0].startswith(f"# Mise à jour du dossier {new.front.case}.")
    kept_old = [(k, v) for k, v in old_blocks if k not in CHANGED]
    kept_new = [(k, v) for k, v in new_blocks if k not in CHANGED]
    added = [k for k, _ in kept_new if k not in dict(kept_old)]
    assert set(added) <= TAKEN_FROM_EARLIER, added
    # Every other field byte for byte as written, in the same order: comments,
    # block scalars, quotes and plain dates included.
    assert [(k, v) for k, v in kept_new if k not in added] == kept_old
    assert new_body.endswith(old_body)
    assert new_body.startswith("À COMPLÉTER : ce qui a changé depuis l'action du ")
    assert f"date: {TODAY.isoformat()}\n" in written
    assert f"update: {case[-1].front.update + 1}\n" in written


def test_the_previous_open_action_is_closed_in_place(content):
    before = (content / "actions" / "egypte-chercheur-detenu.md").read_text("utf-8")
    made = follow_up(str(content), "egypte-chercheur-detenu", today=TODAY)
    assert made.closed == ["content/actions/egypte-chercheur-detenu.md"]
    after = (content / "actions" / "egypte-chercheur-detenu.md").read_text("utf-8")
    assert after == before.replace("\nstate: open\n", "\nstate: closed\n", 1)
    published = content / "actions" / "egypte-chercheur-detenu-suivi-1.md"
    published.write_text(published.read_text("utf-8").replace("status: draft\n", ""), "utf-8")
    with pytest.raises(ContentError) as caught:
        load_site(str(content))
    assert all(p.field != "state" for p in caught.value.problems)  # only the placeholder left to write


def test_a_case_with_two_open_actions_is_refused_naming_both(tmp_path, monkeypatch):
    make_content(
        tmp_path,
        {
            "first": action(case="UA 7/26", update=0),
            "second": action(case="UA 7/26", update=1),
            "other": action(case="UA 8/26"),
        },
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ContentError) as caught:
        load_site("content")
    lines = [line.strip() for line in caught.value.report().splitlines()]
    assert [line for line in lines if ": state: " in line] == [
        (
            "content/actions/first.md: state: case 'UA 7/26' has 2 open actions (first.md, second.md): "
            "set 'state: closed' here, second.md is the open one"
        )
    ], lines


def test_a_draft_follow_up_does_not_count_as_open(tmp_path):
    make_content(
        tmp_path,
        {"first": action(case="UA 7/26", update=0), "second": action(case="UA 7/26", update=1, status="draft")},
    )
    assert len(load_site(str(tmp_path / "content")).actions) == 1
