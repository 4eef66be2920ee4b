"""Every core for the two costly stages: parsing content files and rendering pages.

Workers are forked, so they start with the parent's modules, templates and planned pages
already in memory; only small jobs go to them and only results come back. Where fork is
missing (Windows, macOS's default) or the job is small, the work runs in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more than it saves.
MIN_ITEMS = 64
# Of costly items (slowest first), this many are sent out one by one: in chunks, the
# slowest would all go to one worker while the others wait.
ALONE = 32

_task: Callable[[Any], Any] | None = None
_items: Sequence[Any] = ()


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _run(span: tuple[int, int]) -> list[Any]:
    assert _task is not None
    return [_task(_items[i]) for i in range(*span)]


# Added to the workers' niceness: `serve` sets it, so that the server and the browser showing
# a page come before a build running on every core.
worker_niceness = 0


def _worker_signals() -> None:
    """A worker must die when the pool is terminated (SIGTERM), whatever handler the parent
    set: `serve` turns SIGTERM into a clean stop, and a worker inheriting that would never
    exit. It starts with SIGTERM held back (_pool): one sent meanwhile kills it now."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    if worker_niceness and hasattr(os, "nice"):
        os.nice(worker_niceness)


@contextmanager
def _pool(
    task: Callable[[Any], Any], items: Sequence[Any], workers: int | None, costly: bool = False
) -> Iterator[Any]:
    """A pool of forked workers that inherit `task` and `items`; None when one process is better."""
    global _task, _items
    workers = min(cores() if workers is None else workers, len(items))
    few = len(items) < (2 if costly else MIN_ITEMS)
    if workers <= 1 or few or "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    _task, _items = task, items
    gc.freeze()  # the workers' collectors leave the inherited objects (and their pages) alone
    try:
        # Forked with SIGTERM held back: a worker terminated before it has put back the
        # default handler would run the parent's (a clean stop, in `serve`) and wait
        # forever for work, and the build for it.
        held = hasattr(signal, "pthread_sigmask")
        before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM}) if held else None
        try:
            pool = multiprocessing.get_context("fork").Pool(workers, initializer=_worker_signals)
        finally:
            if before is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, before)
        try:
            yield pool
            # All done: the workers read the end of the queue and leave on their own.
            pool.close()
            pool.join()
        except BaseException:
            pool.terminate()
            raise
    finally:
        gc.unfreeze()
        _task, _items = None, ()


def _spans(count: int, chunk: int) -> list[tuple[int, int]]:
    return [(i, min(i + chunk, count)) for i in range(0, count, chunk)]


def map_ordered(
    task: Callable[[T], R], items: Sequence[T], workers: int | None = None, chunk: int = 16
) -> Iterator[R]:
    """task(item) for every item, in order; in forked workers when that pays.

    `task` and `items` may be large values: workers inherit them at fork, and only
    positions go out and results come back. An exception in a worker is raised here.
    """
    with _pool(task, items, workers) as pool:
        if pool is None:
            yield from (task(item) for item in items)
            return
        for results in pool.imap(_run, _spans(len(items), chunk)):
            yield from results


def _run_from(span: tuple[int, int]) -> tuple[int, list[Any]]:
    return span[0], _run(span)


def map_unordered(
    task: Callable[[T], R],
    items: Sequence[T],
    workers: int | None = None,
    chunk: int = 16,
    costly: bool = False,
) -> Iterator[tuple[int, R]]:
    """(position, task(item)) for every item, as each finishes: a slow item holds no finished
    ones back in memory. Otherwise as `map_ordered`.

    `costly`: the items come slowest first, and the first are slow to make (a rebuild's
    timeline, archive and exports): a pool pays even for two, and the first `ALONE` go out
    one at a time, so that the workers share them; the rest go in chunks as usual."""
    spans = _spans(len(items), chunk)
    if costly:
        alone = min(ALONE, len(items))
        spans = [(i, i + 1) for i in range(alone)] + [
            (i + alone, j + alone) for i, j in _spans(len(items) - alone, chunk)
        ]
    with _pool(task, items, workers, costly) as pool:
        if pool is None:
            yield from enumerate(task(item) for item in items)
            return
        for start, results in pool.imap_unordered(_run_from, spans):
            for offset, result in enumerate(results):
                yield start + offset, result
