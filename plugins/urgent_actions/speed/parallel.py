"""Read and render on every core: YAML, validation, Markdown, then pages, in worker processes.

Only worth it for large archives (starting processes and sending the results
back costs a fraction of a second), so small sites stay in one process. The
workers are forked, and given what they work on as the arguments of their
function: they share the validation context (themes, authorities) or the
generator (templates, the site) without pickling it, and each reader makes its
own Markdown converter. Only a chunk's number goes to a worker; its results
come back in order, so problems are reported as in one process, and a worker's
exception fails the build as it would in one process.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import traceback
from collections.abc import Callable
from multiprocessing.connection import wait

from ..children import die_with_parent

# Below this many files to read, one process is faster (UA_PARALLEL_MIN_FILES
# is the same threshold for rendering).
MIN_FILES = 600

# A render worker ends after this many chunks and a new one is forked in its
# place: rendering writes to the reference counts of the objects it reads, so
# a worker's copies of the build's memory grow with every page it renders; a
# new worker shares it all again (see render_all). One chunk: at 10,000 heavy
# actions the tree's fullest moment (two workers in the last chunks) was 20 to
# 70 MiB lower than with two, for the same CPU (docs/performance.md).
RENDER_CHUNKS_PER_WORKER = 1

# A worker's word that it ended to be replaced (not that the work is done).
_RENEW = -2


def workers() -> int:
    """How many processes can run at once here (the cores this process may use)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _in_one_process(count: int, jobs: int, min_files: int | None) -> bool:
    return min_files is None or jobs < min_files or count < 2 or "fork" not in multiprocessing.get_all_start_methods()


def read_all(paths: list[str], context: dict, renderer, read_one, min_files=None) -> list:
    """``read_one(path)`` for every path, in order, on every core when it pays off."""
    count = workers()
    if _in_one_process(count, len(paths), MIN_FILES if min_files is None else min_files):
        return [read_one(path) for path in paths]
    factory = type(renderer) if renderer is not None else None
    step = max(1, len(paths) // (count * 8))
    chunks = [paths[start : start + step] for start in range(0, len(paths), step)]
    results = _on_forked_workers(count, chunks, lambda: _chunk_reader(context, factory))
    return [result for chunk in results for result in chunk]


def _chunk_reader(context: dict, renderer_factory) -> Callable[[list[str]], list]:
    """In a read worker: what reads one chunk of paths, with the worker's own renderer."""
    from ..content.loading import read_action

    # The parent pauses collection while it loads the site; a reader makes
    # short-lived objects (Markdown trees) and needs it.
    gc.enable()
    renderer = renderer_factory() if renderer_factory is not None else None
    return lambda chunk: [read_action(path, context, renderer) for path in chunk]


def render_all(generator, outputs: list, min_files: int | None) -> None:
    """``generator.render_output(o)`` for every output, on every core when there are many.

    Forked workers inherit the generator (templates, context, the site) and write
    their files themselves (``render.files.write_file``); an
    exception in a worker is raised here, so the build fails as in one process.
    """
    count = workers()
    if _in_one_process(count, len(outputs), min_files):
        for output in outputs:
            generator.render_output(output)
        return
    step = max(1, len(outputs) // (count * 8))
    chunks = [outputs[start : start + step] for start in range(0, len(outputs), step)]
    generator.load_templates()  # compiled once, here, not in every worker
    # Objects the workers inherit are left out of their garbage collections,
    # which would otherwise write to (and so copy) every page holding one.
    # (They stay frozen until the next run starts: see generator.long_lived_objects.)
    # What a worker still copies (the pages of every object it reads) is given back
    # when it ends: each ends after a few chunks, so the copies never add up to the
    # whole site in every worker at once.
    gc.freeze()
    work = functools.partial(_render_chunk, generator)
    done = sum(_on_forked_workers(count, chunks, lambda: work, RENDER_CHUNKS_PER_WORKER))
    if done != len(outputs):  # pragma: no cover - a worker lost its work
        raise RuntimeError(f"rendered {done} of {len(outputs)} pages")


def _render_chunk(generator, outputs: list) -> int:
    for output in outputs:
        generator.render_output(output, in_worker=True)
    return len(outputs)


def _on_forked_workers(count: int, chunks: list, make_work: Callable[[], Callable], renew_after=None) -> list:
    """``work(chunk)`` for every chunk, on ``count`` forked processes; the results in
    the order of the chunks. Each worker calls ``make_work()`` once to get its
    ``work``, then takes the next chunk's number from a queue until none is left,
    or, after ``renew_after`` chunks, ends and a new worker is forked in its place.

    Nothing is pickled but the chunks' numbers and the results: the workers
    inherit ``chunks`` and ``make_work`` (fork). A worker's exception is raised
    here, once the other workers are stopped; a worker that dies without a word
    (killed) is an error too.
    """
    fork = multiprocessing.get_context("fork")
    numbers = fork.SimpleQueue()
    for number in range(len(chunks)):
        numbers.put(number)
    for _ in range(count):
        numbers.put(None)  # one stop per worker
    running: dict = {}

    def start() -> object:
        receiver, sender = fork.Pipe(duplex=False)
        process = fork.Process(target=_worker, args=(make_work, chunks, numbers, sender, renew_after), daemon=True)
        process.start()
        sender.close()  # the worker's end: the pipe ends (EOFError) when the worker does
        running[receiver] = process
        return receiver

    try:
        for _ in range(count):
            start()
        return _gather(running, len(chunks), start)
    finally:
        for receiver, process in running.items():
            if process.is_alive():
                process.kill()
            process.join()
            receiver.close()
        numbers.close()


def _gather(running: dict, expected: int, start: Callable[[], object]) -> list:
    """The workers' results by chunk number, until every worker has ended; a worker
    that ended to be renewed is replaced (``start()``: its receiving end)."""
    results: dict[int, object] = {}
    listening = list(running)
    renewed: set = set()
    while listening:
        for receiver in wait(listening):
            try:
                number, error, value = receiver.recv()
            except EOFError:  # the worker ended
                listening.remove(receiver)
                running[receiver].join()
                if receiver in renewed:
                    listening.append(start())
                continue
            if number == _RENEW:
                renewed.add(receiver)
                continue
            if error is not None:
                error.add_note(f"In a worker process:\n{value}")
                raise error
            results[number] = value
    if len(results) != expected:
        codes = sorted({process.exitcode for process in running.values()})
        raise RuntimeError(f"a worker process ended before its work was done (exit codes {codes})")
    return [results[number] for number in range(expected)]


def _worker(
    make_work: Callable[[], Callable], chunks: list, numbers, results, renew_after=None
) -> None:  # pragma: no cover - a child
    """A worker's life: take chunk numbers until told to stop, or until ``renew_after``
    chunks are done (then say so: it is replaced); send each result, or the
    exception that stopped it (then stop)."""
    die_with_parent()  # killed when the build dies, however it dies (Linux)
    try:
        work, done = make_work(), 0
        while (number := numbers.get()) is not None:
            results.send((number, None, work(chunks[number])))
            done += 1
            if renew_after is not None and done >= renew_after:
                results.send((_RENEW, None, None))
                return
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        report = traceback.format_exc()
        try:
            results.send((-1, exc, report))
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled: its text
            results.send((-1, RuntimeError(f"{type(exc).__name__}: {exc}"), report))
    finally:
        results.close()
