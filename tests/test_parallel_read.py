"""Reading and rendering on every core: the same actions and problems, in the same
order, as in one process; a worker's exception fails the build as in one process."""

from __future__ import annotations

import os
import pickle

import pytest

from helpers import action, make_content
from urgent_actions.content.errors import ContentError
from urgent_actions.content.loading import load_site, read_action
from urgent_actions.render.markdown_renderer import MarkdownRenderer
from urgent_actions.speed import parallel as parallel_read

needs_two_cores = pytest.mark.skipif(parallel_read.workers() < 2, reason="needs two cores to fork workers")


def _content(tmp_path, broken: bool):
    actions = {f"action-{n:02d}": action(case=f"UA {n}/26", title=f"Action {n}") for n in range(12)}
    if broken:
        actions["action-03"] = action(case="UA 3/26", country="XX")
        actions["action-07"] = action(case="UA 7/26", themes=["inconnu"])
    return make_content(tmp_path, actions)


def _read(content, parallel: bool):
    def read_actions(paths, context, renderer):
        def read_one(path):
            return read_action(path, context, renderer)

        return parallel_read.read_all(paths, context, renderer, read_one, min_files=1 if parallel else 10**9)

    try:
        site = load_site(str(content), MarkdownRenderer(), read_actions=read_actions)
    except ContentError as exc:
        return [str(p) for p in exc.problems]
    return [(a.slug, a.front, a.body_html, a.source_digest) for a in site.actions]


@needs_two_cores
@pytest.mark.parametrize("broken", [False, True])
def test_parallel_read_matches_one_process(tmp_path, broken):
    content = _content(tmp_path, broken)
    in_one = _read(content, parallel=False)
    on_all = _read(content, parallel=True)
    assert on_all == in_one
    assert len(on_all) == (2 if broken else 12)


class _Generator:
    """What render_all asks of the generator: render_output, here writing one file per output."""

    def __init__(self, root, fail_on=None, die_on=None):
        self.root, self.fail_on, self.die_on = root, fail_on, die_on
        self.loaded = 0

    def load_templates(self):
        self.loaded += 1

    def render_output(self, output, in_worker=False):
        if output == self.fail_on:
            raise ValueError(f"the template of {output} is broken")
        if output == self.die_on:
            os._exit(3)  # a worker killed (out of memory…)
        (self.root / output).write_text(str(in_worker), "utf-8")


@needs_two_cores
def test_parallel_render_writes_every_output_in_workers(tmp_path):
    outputs = [f"page-{n}" for n in range(40)]
    generator = _Generator(tmp_path)
    parallel_read.render_all(generator, outputs, min_files=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(outputs)
    assert {p.read_text("utf-8") for p in tmp_path.iterdir()} == {"True"}
    assert generator.loaded == 1  # the templates, by the parent before it forked


@needs_two_cores
def test_render_workers_are_renewed_after_a_few_chunks(tmp_path):
    # A worker's copies of the build's memory grow with every page it renders:
    # each ends after RENDER_CHUNKS_PER_WORKER chunks and a new one takes over.
    outputs = [f"page-{n}" for n in range(64)]
    parallel_read.render_all(_PidGenerator(tmp_path), outputs, min_files=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(outputs)
    pids = {p.read_text("utf-8") for p in tmp_path.iterdir()}
    chunks = parallel_read.workers() * 8
    assert len(pids) >= chunks // parallel_read.RENDER_CHUNKS_PER_WORKER
    assert str(os.getpid()) not in pids


class _PidGenerator(_Generator):
    def render_output(self, output, in_worker=False):
        (self.root / output).write_text(str(os.getpid()), "utf-8")


@needs_two_cores
def test_an_exception_in_a_render_worker_fails_the_build(tmp_path):
    with pytest.raises(ValueError, match="the template of page-17 is broken") as raised:
        parallel_read.render_all(_Generator(tmp_path, fail_on="page-17"), [f"page-{n}" for n in range(40)], 1)
    assert "In a worker process" in "".join(raised.value.__notes__)


@needs_two_cores
def test_a_worker_that_dies_fails_the_build(tmp_path):
    with pytest.raises(RuntimeError, match="ended before its work was done"):
        parallel_read.render_all(_Generator(tmp_path, die_on="page-5"), [f"page-{n}" for n in range(40)], 1)


def test_validated_models_share_their_field_names_and_short_texts(tmp_path):
    # Each Pydantic model would hold its own set of the names of its set fields
    # and its own copy of texts that recur (30 MB and more at 10,000 actions):
    # validated models share them, and pickled together they stay shared (the
    # read workers' chunks, the read cache).
    read = _read(_content(tmp_path, broken=False), parallel=False)
    for fronts in ([front for _, front, _, _ in read], pickle.loads(pickle.dumps([f for _, f, _, _ in read]))):
        targets = [target for front in fronts for target in front.targets]
        kinds = {frozenset(target.model_fields_set) for target in targets}
        assert len({id(front.model_fields_set) for front in fronts}) == 1
        assert len(targets) == 24 and len({id(target.model_fields_set) for target in targets}) == len(kinds) == 2
        assert len({id(front.country) for front in fronts}) == 1
        assert len({id(target.salutation) for target in targets if target.salutation == targets[0].salutation}) == 1
    # Pydantic copies the set before changing it: the others' stay as they were.
    plain = next(target for target in targets if "ref" not in target.model_fields_set)
    renamed = plain.model_copy(update={"ref": "ministre"})
    assert renamed.ref == "ministre" and "ref" in renamed.model_fields_set
    assert "ref" not in plain.model_fields_set
    assert all(frozenset(target.model_fields_set) in kinds for target in targets)
