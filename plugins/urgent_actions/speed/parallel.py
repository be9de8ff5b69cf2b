"""Read and render on every core: YAML, validation, Markdown, then pages, in worker processes.

Only worth it for large archives (starting processes and sending the results
back costs a fraction of a second), so small sites stay in one process. The
workers are forked: they share the validation context (themes, authorities)
without pickling it, and each makes its own Markdown converter. Results come
back in the order of the paths, so problems are reported as in one process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os

# Below this many files to read, one process is faster (UA_PARALLEL_MIN_FILES
# is the same threshold for rendering).
MIN_FILES = 600

_worker_context: dict | None = None
_worker_renderer = None


def _die_with_build() -> None:
    """A worker is killed when the build dies, however it dies (Linux)."""
    from ..children import die_with_parent

    die_with_parent()


def _init(context, renderer_factory):
    global _worker_context, _worker_renderer
    _die_with_build()
    # The parent pauses collection while it loads the site; a reader makes
    # short-lived objects (Markdown trees) and needs it.
    gc.enable()
    _worker_context = context
    _worker_renderer = renderer_factory() if renderer_factory is not None else None


def _read(path):
    from ..content.loading import read_action

    return read_action(path, _worker_context, _worker_renderer)


def workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def read_all(paths: list[str], context: dict, renderer, read_one, min_files=None) -> list:
    """``read_one(path)`` for every path, in order, on every core when it pays off."""
    count = workers()
    if (
        len(paths) < (MIN_FILES if min_files is None else min_files)
        or count < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return [read_one(path) for path in paths]
    factory = type(renderer) if renderer is not None else None
    pool_context = multiprocessing.get_context("fork")
    chunk = max(1, len(paths) // (count * 8))
    with pool_context.Pool(count, initializer=_init, initargs=(context, factory)) as pool:
        return pool.map(_read, paths, chunksize=chunk)


_render_job = None


def _render_chunk(bounds):
    generator, outputs = _render_job
    for output in outputs[bounds[0] : bounds[1]]:
        generator.render_output(output, in_worker=True)
    return bounds[1] - bounds[0]


def render_all(generator, outputs: list, min_files: int | None) -> None:
    """``generator.render_output(o)`` for every output, on every core when there are many.

    Forked workers inherit the generator (templates, context, the site) and write
    their files themselves (``render.files.write_file``); an
    exception in a worker is raised here, so the build fails as in one process.
    """
    global _render_job
    count = workers()
    if (
        min_files is None
        or len(outputs) < min_files
        or count < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        for output in outputs:
            generator.render_output(output)
        return
    step = max(1, len(outputs) // (count * 8))
    chunks = [(start, min(start + step, len(outputs))) for start in range(0, len(outputs), step)]
    _render_job = (generator, outputs)
    # Objects the workers inherit are left out of their garbage collections,
    # which would otherwise write to (and so copy) every page holding one.
    # (They stay frozen until the next run starts: see generator.long_lived_objects.)
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(count, initializer=_die_with_build) as pool:
            done = sum(pool.map(_render_chunk, chunks, chunksize=1))
    finally:
        _render_job = None
    if done != len(outputs):  # pragma: no cover - a worker lost its work
        raise RuntimeError(f"rendered {done} of {len(outputs)} pages")
