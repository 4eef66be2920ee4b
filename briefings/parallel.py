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
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more than it saves.
MIN_ITEMS = 64

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


def _worker_signals() -> None:
    """A worker must die when the pool is closed (SIGTERM), whatever handler the parent
    set: `serve` turns SIGTERM into a clean stop, and a worker inheriting that would never exit."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def map_ordered(
    task: Callable[[T], R], items: Sequence[T], workers: int | None = None, chunk: int = 16
) -> Iterator[R]:
    """task(item) for every item, in order; in forked workers when that pays.

    `task` and `items` may be large values: workers inherit them at fork, and only
    positions go out and results come back. An exception in a worker is raised here.
    """
    global _task, _items
    workers = cores() if workers is None else workers
    if workers <= 1 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        yield from (task(item) for item in items)
        return
    spans = [(i, min(i + chunk, len(items))) for i in range(0, len(items), chunk)]
    _task, _items = task, items
    gc.freeze()  # the workers' collectors leave the inherited objects (and their pages) alone
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_signals) as pool:
            for results in pool.imap(_run, spans):
                yield from results
    finally:
        gc.unfreeze()
        _task, _items = None, ()
