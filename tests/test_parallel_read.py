"""Reading on every core gives the same actions and the same problems, in the same order."""

from __future__ import annotations

import pytest

from helpers import action, make_content
from urgent_actions.content.errors import ContentError
from urgent_actions.content.loading import load_site
from urgent_actions.render.markdown_renderer import MarkdownRenderer
from urgent_actions.speed import parallel as parallel_read


def _content(tmp_path, broken: bool):
    actions = {f"action-{n:02d}": action(case=f"UA {n}/26", title=f"Action {n}") for n in range(12)}
    if broken:
        actions["action-03"] = action(case="UA 3/26", country="XX")
        actions["action-07"] = action(case="UA 7/26", themes=["inconnu"])
    return make_content(tmp_path, actions)


def _read(content, monkeypatch, parallel: bool):
    monkeypatch.setattr(parallel_read, "MIN_FILES", 1 if parallel else 10**9)
    try:
        site = load_site(str(content), MarkdownRenderer())
    except ContentError as exc:
        return [str(p) for p in exc.problems]
    return [(a.slug, a.front, a.body_html, a.source_digest) for a in site.actions]


@pytest.mark.skipif(parallel_read.workers() < 2, reason="needs two cores to use a pool")
@pytest.mark.parametrize("broken", [False, True])
def test_parallel_read_matches_one_process(tmp_path, monkeypatch, broken):
    content = _content(tmp_path, broken)
    in_one = _read(content, monkeypatch, parallel=False)
    on_all = _read(content, monkeypatch, parallel=True)
    assert on_all == in_one
    assert len(on_all) == (2 if broken else 12)
