"""Work spread over forked workers: the same results as in one process, and a preview's
workers yield the cores to the server and the browser."""

from __future__ import annotations

import os

import pytest

from briefings import parallel


def _own_niceness(_: int) -> int:
    return os.nice(0)


@pytest.mark.skipif(parallel.cores() < 2, reason="needs two cores to fork workers")
def test_workers_take_the_niceness_a_preview_asks_for(monkeypatch):
    base = os.nice(0)
    items = list(range(parallel.MIN_ITEMS * 2))
    assert set(parallel.map_ordered(_own_niceness, items, workers=2)) == {base}
    monkeypatch.setattr(parallel, "worker_niceness", 5)
    assert set(parallel.map_ordered(_own_niceness, items, workers=2)) == {min(base + 5, 19)}
    assert os.nice(0) == base  # the preview's own process keeps its place


def test_results_come_in_order_from_workers():
    items = list(range(500))
    assert list(parallel.map_ordered(lambda n: n * n, items, workers=2)) == [n * n for n in items]
    done = dict(parallel.map_unordered(lambda n: -n, items, workers=2))
    assert done == {i: -n for i, n in enumerate(items)}
