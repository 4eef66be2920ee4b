"""The preview's watcher: every save is reported, and where the system sends change notices
(Linux), an idle preview does not keep reading the files."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

import briefings.serve as serve
from briefings.serve import Notices, poll

needs_notices = pytest.mark.skipif(Notices.available() is None, reason="needs Linux's change notices")


class Watcher:
    """`poll` on its own thread, counting how often it reads the files."""

    def __init__(
        self,
        paths: tuple[Path, ...],
        notices: Notices | None,
        monkeypatch: pytest.MonkeyPatch,
        since: serve.Snapshot | None = None,
    ):
        self.reports: list[list[str]] = []
        self.reads = 0
        self.stop = threading.Event()
        real_snapshot = serve.snapshot

        def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.reads += 1
            return real_snapshot(*args, **kwargs)

        monkeypatch.setattr(serve, "snapshot", counting)
        monkeypatch.setattr(serve, "NOTICE_SECONDS", 2.0)  # the safety poll, shortened
        ready = threading.Event()
        self.thread = threading.Thread(
            target=poll,
            args=(paths, self.stop.wait, self.reports.append, ready.set, notices),
            kwargs={"since": since},
        )
        self.thread.start()
        assert ready.wait(5)

    def reported(self, path: Path, within: float = 5.0) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if any(str(path) in report for report in self.reports):
                return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content/briefings"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text("one", encoding="utf-8")
    return tmp_path / "content"


def test_a_save_made_during_the_first_build_is_reported_once_watching_starts(content, monkeypatch, notices):
    # serve reads the files before its first build, which takes seconds on a large archive,
    # and starts watching after it: a save made meanwhile is built next, not lost.
    since = serve.snapshot((content,))
    saved = content / "briefings/a.md"
    saved.write_text("one, corrected", encoding="utf-8")
    watcher = Watcher((content,), notices, monkeypatch, since=since)
    try:
        assert watcher.reported(saved)
    finally:
        watcher.close()


@needs_notices
def test_an_idle_preview_reads_the_files_only_when_told_of_a_change(content, monkeypatch):
    with_notices = Watcher((content,), Notices.available(), monkeypatch)
    time.sleep(1.2)
    with_notices.close()
    # the first read, then the safety poll every two seconds (shortened for the test)
    assert with_notices.reads <= 2
    polling = Watcher((content,), None, monkeypatch)
    time.sleep(1.2)
    polling.close()
    assert polling.reads >= 10  # every 50 ms


@needs_notices
def test_saves_are_reported_also_in_folders_made_while_watching(content, monkeypatch):
    templates = content.parent / "templates"  # watched before it exists, as serve does
    watcher = Watcher((content, templates), Notices.available(), monkeypatch)
    try:
        saved = content / "briefings/a.md"
        saved.write_text("two", encoding="utf-8")
        assert watcher.reported(saved)
        folder = content / "briefings/2027"
        folder.mkdir()
        first = folder / "b.md"
        first.write_text("new", encoding="utf-8")
        assert watcher.reported(first)
        time.sleep(0.2)  # the new folder is watched from the poll that found it
        first.write_text("new, edited", encoding="utf-8")
        count = len(watcher.reports)
        deadline = time.monotonic() + 5
        while len(watcher.reports) == count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert watcher.reports[count:] and str(first) in watcher.reports[-1]
        templates.mkdir()
        base = templates / "base.html"
        base.write_text("<!DOCTYPE html>", encoding="utf-8")
        assert watcher.reported(base)
        # a folder deleted and made again (a branch switched) is watched anew
        shutil.rmtree(folder)
        time.sleep(0.2)
        folder.mkdir()
        again = folder / "c.md"
        again.write_text("back", encoding="utf-8")
        assert watcher.reported(again)
        time.sleep(0.2)
        watcher.reports.clear()
        again.write_text("back, edited", encoding="utf-8")
        assert watcher.reported(again, within=1.0)  # told at once, not at the safety poll
    finally:
        watcher.close()


@pytest.fixture(params=["notices", "polling"])
def notices(request: pytest.FixtureRequest) -> Notices | None:
    """The watcher's two ways of learning of a save: change notices (Linux), or polling."""
    if request.param == "polling":
        return None
    found = Notices.available()
    if found is None:
        pytest.skip("needs Linux's change notices")
    return found


def test_a_burst_of_saves_is_reported_once_whole(content, monkeypatch, notices):
    # An editor writing several files, or a branch switched: the first file is seen before
    # the others are written, and the whole burst must still be one report (one rebuild).
    watcher = Watcher((content,), notices, monkeypatch)
    try:
        files = [content / f"briefings/burst-{n}.md" for n in range(10)]
        for path in files:
            path.write_text("saved", encoding="utf-8")
            time.sleep(0.006)
        assert watcher.reported(files[-1])
        time.sleep(0.5)  # anything reported late would be a second rebuild
        assert len(watcher.reports) == 1
        assert set(watcher.reports[0]) == {str(path) for path in files}
    finally:
        watcher.close()


def _keep_writing(path: Path, stop: threading.Event) -> threading.Thread:
    def write() -> None:
        n = 0
        while not stop.is_set():
            path.write_text(f"line {n}\n", encoding="utf-8")
            n += 1
            time.sleep(0.02)

    thread = threading.Thread(target=write)
    thread.start()
    return thread


@needs_notices
def test_files_nobody_watches_written_nonstop_hold_no_save_back(content, monkeypatch):
    # An editor's swap file in content/, a log beside site.yaml: their folders are watched,
    # so they send notices, but they are not content.
    swap, log = content / "briefings/.a.md.swp", content.parent / "serve.log"
    watcher = Watcher((content, content.parent / "site.yaml"), Notices.available(), monkeypatch)
    stop = threading.Event()
    writers = [_keep_writing(swap, stop), _keep_writing(log, stop)]
    try:
        time.sleep(0.3)
        saved = content / "briefings/a.md"
        saved.write_text("saved while the others write", encoding="utf-8")
        assert watcher.reported(saved, within=1.5)
        assert all(str(swap) not in report and str(log) not in report for report in watcher.reports)
    finally:
        stop.set()
        for thread in writers:
            thread.join()
        watcher.close()


def test_a_file_written_nonstop_holds_a_save_back_two_seconds_at_most(content, monkeypatch, notices):
    watcher = Watcher((content,), notices, monkeypatch)
    stop = threading.Event()
    writer = _keep_writing(content / "briefings/debug.log", stop)
    try:
        saved = content / "briefings/a.md"
        saved.write_text("saved", encoding="utf-8")
        assert watcher.reported(saved, within=serve.BURST_SECONDS + 1.5)
    finally:
        stop.set()
        writer.join()
        watcher.close()


@needs_notices
def test_a_folder_made_during_a_burst_is_heard_from_at_once(content, monkeypatch):
    watcher = Watcher((content,), Notices.available(), monkeypatch)
    try:
        folder = content / "briefings/2027"
        folder.mkdir()
        made = folder / "b.md"
        made.write_text("first words", encoding="utf-8")
        time.sleep(0.03)
        made.write_text("first words, then the rest of the briefing", encoding="utf-8")
        assert watcher.reported(made)
        time.sleep(2.5)  # past the safety poll, which would find the rest had it been missed
        assert len(watcher.reports) == 1  # not reported again once the rest was written
    finally:
        watcher.close()


def test_a_link_back_up_the_tree_does_not_stop_the_watching(content, monkeypatch, notices):
    # `ln -s .. content/loop`: followed, it never ends; the build reports it, and the
    # preview must go on hearing saves while it is there and once it is gone.
    loop = content / "loop"
    loop.symlink_to("..")
    dead = content / "dead"
    dead.symlink_to("dead")  # a link to itself: every stat of it fails
    watcher = Watcher((content,), notices, monkeypatch)
    try:
        saved = content / "briefings/a.md"
        saved.write_text("two", encoding="utf-8")
        assert watcher.reported(saved)
        loop.unlink()
        saved.write_text("three", encoding="utf-8")
        assert watcher.reported(saved, within=5.0)
        assert watcher.thread.is_alive()
    finally:
        watcher.close()


def test_a_file_rewritten_with_its_size_and_date_put_back_is_reported(content, monkeypatch, notices):
    import os

    watcher = Watcher((content,), notices, monkeypatch)
    try:
        saved = content / "briefings/a.md"
        before = saved.stat()
        saved.write_text("six", encoding="utf-8")  # "one" → "six": the same size
        os.utime(saved, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert watcher.reported(saved)
    finally:
        watcher.close()
