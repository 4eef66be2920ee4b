"""`serve` on a site large enough to be parsed and rendered on every core."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import urllib.request

from .conftest import ROOT


def test_serve_starts_and_stops_on_a_site_parsed_by_several_processes(site):
    for n in range(80):  # more than parallel.MIN_ITEMS files: the work goes to a pool
        site.briefing(
            f"2026-03-{n % 28 + 1:02d}-note-{n}",
            f"title: Note {n}\ndate: 2026-03-{n % 28 + 1:02d}\ntopics: [Trade]",
        )
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0"],
        cwd=site.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    try:
        url = None
        while url is None:
            line = lines.get(timeout=120)  # a pool that cannot be closed hangs here
            if " at http://" in line:
                url = line.split(" at ", 1)[1].split()[0]
        with urllib.request.urlopen(url + "briefings/note-7/", timeout=30) as response:
            assert "Note 7" in response.read().decode()
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0


def _default_terminate(_: int) -> bool:
    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_pool_workers_can_be_stopped_whatever_the_parent_does_with_sigterm():
    # serve turns SIGTERM into a clean stop; closing a pool sends its workers SIGTERM, and a
    # worker that inherited serve's handler would never exit, hanging the build for good.
    from briefings.parallel import map_ordered

    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        assert all(map_ordered(_default_terminate, list(range(200)), workers=2))
    finally:
        signal.signal(signal.SIGTERM, previous)
