"""Live preview: rebuild on save, serve the output folder only, reload every open tab.

The only module that imports livereload. Its own watcher drops changes that come within
a few seconds of the last reload, so we watch and debounce ourselves, and tell its
websocket clients to reload only after a rebuild has finished and been swapped in.

A saved briefing whose place in the site cannot have moved has its own page rendered at
once and served from memory while the whole site builds on another thread: the browsers
showing that page reload at once, and every other page once the finished build is in.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import gc
import ipaddress
import json
import multiprocessing
import os
import re
import select
import shutil
import signal
import socket
import sys
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

from jinja2 import Environment
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.watcher import get_watcher_class
from tornado import ioloop, web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from . import parallel
from .errors import ContentError, ContentErrors
from .exports import CONTENT_SECURITY_POLICY
from .index import Article
from .output import UnsafePath
from .pipeline import (
    BuildOptions,
    BuildReport,
    briefing_addresses,
    build,
    check_output,
    errors_in_file,
    likely_pages,
    quick_pages,
    warm_quick_pages,
)
from .plan import Output, PlannedPage
from .render import render_page

T = TypeVar("T")

POLL_SECONDS = 0.05
# A burst of saves (an editor writing several files, `git checkout`) gives one rebuild:
# we wait until the files have been still for this long.
QUIET_SECONDS = 0.08
# ...unless they never are (a log written every few milliseconds): then after this long.
BURST_SECONDS = 2.0
# With change notices, how often the files are read anyway, in case one was missed
# (a network drive, a folder beyond the system's limit of watches).
NOTICE_SECONDS = 3.0
# How often an idle preview checks whether a scheduled briefing has come due.
DUE_CHECK_SECONDS = 30.0
# A preview's build workers yield the cores to the server and the browser (see parallel.py).
PREVIEW_WORKER_NICENESS = 10
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}

# mtime, size, change time and inode: a file rewritten with its size and date put back, or
# replaced by another so, still shows in the change time or the inode.
Snapshot = dict[str, tuple[int, int, int, int]]


def snapshot(paths: tuple[Path, ...], folders: set[str] | None = None) -> Snapshot:
    """The stat (Snapshot) of every file under `paths`: cheap enough to poll. The folders read
    are added to `folders`, with, for a path that is a file or missing, the nearest folder
    that holds it: where a change to any of them would show."""
    found: Snapshot = {}
    for root in paths:
        if root.is_file():
            stat = root.stat()
            found[str(root)] = (stat.st_mtime_ns, stat.st_size, stat.st_ctime_ns, stat.st_ino)
            if folders is not None:
                folders.add(str(root.parent))
            continue
        if folders is not None and not root.is_dir():
            folders.add(str(next((p for p in root.parents if p.is_dir()), root.anchor)))
        stack = [root]
        # Linked folders are followed (a desk may share partials that way), each once: a
        # link back up the tree would otherwise be walked forever.
        visited: set[tuple[int, int]] = set()
        while stack:
            folder = stack.pop()
            try:
                info = os.stat(folder)
                if (info.st_dev, info.st_ino) in visited:
                    continue
                visited.add((info.st_dev, info.st_ino))
                entries = list(os.scandir(folder))
            except OSError:  # gone, not a folder, a link loop, no permission: nothing to watch
                continue
            if folders is not None:
                folders.add(str(folder))
            for entry in entries:
                if entry.name.startswith("."):
                    continue  # editor swap files, .git
                try:
                    if entry.is_dir():
                        stack.append(Path(entry.path))
                        continue
                    stat = entry.stat()
                except OSError:
                    continue
                found[entry.path] = (stat.st_mtime_ns, stat.st_size, stat.st_ctime_ns, stat.st_ino)
    return found


def poll(
    watched: tuple[Path, ...],
    wait: Callable[[float], bool],
    changed: Callable[[list[str]], None],
    started: Callable[[], None] = lambda: None,
    notices: Notices | None = None,
    since: Snapshot | None = None,
) -> None:
    """Call `changed` with the paths that changed after each burst of saves, until `wait` says
    stop. `started` is called once the files as they are now have been read: a save made
    while it runs is reported. With `notices`, the files are read again only when the
    system says something changed in their folders (or every few seconds, to be sure).
    `since`: the files as they were before (the first build): a change since is reported."""
    folders: set[str] = set()
    current = snapshot(watched, folders)
    seen = current if since is None else since
    started()
    interval = POLL_SECONDS
    while True:
        if current == seen:
            if notices is not None:
                notices.watch(folders)
                notices.wait(NOTICE_SECONDS)
                if wait(0):
                    return
            elif wait(interval):
                return
            begun = time.perf_counter()
            folders = set()
            current = snapshot(watched, folders)
            # A huge archive takes a while to stat: never spend more than a third of a core on it.
            interval = max(POLL_SECONDS, 2 * (time.perf_counter() - begun))
            if current == seen:
                continue
        # A burst of saves (an editor writing several files, `git checkout`) gives one
        # rebuild: what changed is reported once nothing has changed for a moment.
        settled = _settled(watched, current, folders, wait, notices)
        if settled is None:
            return
        current, folders = settled
        changed(sorted(p for p in current.keys() | seen.keys() if current.get(p) != seen.get(p)))
        seen = current


def _settled(
    watched: tuple[Path, ...],
    current: Snapshot,
    folders: set[str],
    wait: Callable[[float], bool],
    notices: Notices | None,
) -> tuple[Snapshot, set[str]] | None:
    """The files, and their folders, once none has changed for QUIET_SECONDS, or once they
    have changed for BURST_SECONDS on end (a log written inside content/ must not hold every
    save back); None: told to stop meanwhile. The first file of a burst is often seen before
    the others are written: waiting only for the files already seen to be still reported the
    rest as a second burst."""
    began = changed_at = time.monotonic()
    if notices is not None:
        notices.watch(folders)  # a folder made in the burst: its files are heard from too
    while True:
        if notices is not None:
            moved = notices.wait(QUIET_SECONDS)
            if wait(0):
                return None
            if not moved:  # no notice for a while: nothing has changed since the last read
                return current, folders
            # A notice: of the file just written (one write sends several), of another, or of
            # a file nobody watches (an editor's swap file, a log beside site.yaml). The files
            # are read again to tell.
        elif wait(QUIET_SECONDS):
            return None
        folders = set()
        newer = snapshot(watched, folders)
        if notices is not None:
            notices.watch(folders)
        now = time.monotonic()
        if newer != current:
            current, changed_at = newer, now
        elif notices is None or now - changed_at >= QUIET_SECONDS:
            return current, folders  # read the same for QUIET_SECONDS
        if now - began > BURST_SECONDS:
            return current, folders


class Notices:
    """Linux's notices of changes in folders (inotify), only to wake the poller: what changed
    is still found by comparing snapshots, so a notice missed or merged costs nothing but
    time. An idle preview of 10,000 briefings then reads no file, where polling kept a
    third of a core busy, and a save is seen at once rather than at the next poll."""

    # A file written, its mode or date changed, an entry made, deleted or renamed; the
    # folder itself deleted or moved.
    MASK = 0x2 | 0x4 | 0x8 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800

    def __init__(self) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        self._add = libc.inotify_add_watch
        self._add.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify is not available")

    @classmethod
    def available(cls) -> Notices | None:
        if not sys.platform.startswith("linux"):
            return None
        try:
            return cls()
        except (OSError, AttributeError):
            return None

    def watch(self, folders: set[str]) -> None:
        """Watch these folders: each time, since a folder deleted and made again (a branch
        switched) is a new folder to the system. Watching one already watched costs a call."""
        for folder in folders:
            # Refused (the system's limit of watches reached, a folder gone): the poll every
            # few seconds still sees what changes there.
            self._add(self.fd, os.fsencode(folder), self.MASK)

    def wait(self, seconds: float) -> bool:
        """Wait up to `seconds` for a notice; True if one came (all pending are read)."""
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if not ready:
            return False
        with contextlib.suppress(BlockingIOError):
            while os.read(self.fd, 65536):
                pass
        return True


def _poll_in_child(
    watched: tuple[Path, ...], writer: int, since: Snapshot | None
) -> None:  # pragma: no cover - runs forked
    """The watching process: polls until the server stops it or goes away, then exits."""
    # It inherits the server's whole heap, the last build's site included: a collection
    # would walk millions of objects and copy every page of memory they sit on, for a
    # second or more. Polling makes no cycles to collect.
    gc.disable()
    gc.freeze()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    parent = os.getppid()

    def wait(seconds: float) -> bool:
        time.sleep(seconds)
        return os.getppid() != parent

    def send(changed: list[str]) -> None:
        os.write(writer, (json.dumps(changed) + "\n").encode("utf-8"))

    try:
        poll(watched, wait, send, notices=Notices.available(), since=since)
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(0)


@dataclass
class PreviewState:
    """What the browser asks about: which build it sees, and the errors of the last try.

    Each page has a version, the generation it last changed in: a page served with an older
    one reloads. Most pages change with each build; a page shown ahead changes alone."""

    generation: int = 0  # bumps after every build swapped in, and every page shown ahead
    built: int = 0  # the generation of the last successful build
    attempt: int = 0  # bumps after every build, good or bad
    errors: list[str] = field(default_factory=list)
    building: threading.Event = field(default_factory=threading.Event)  # a build is under way
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Pages served from memory ahead of the build that will write them: output file →
    # (burst of saves, source, bytes, the generation they were shown in).
    ahead: dict[str, tuple[int, str, bytes, int]] = field(default_factory=dict)
    # Pages shown ahead of the last build that it wrote with the same bytes (output file →
    # the generation they were shown in): a browser showing one has nothing to reload.
    settled: dict[str, int] = field(default_factory=dict)

    def version(self, page: str | None) -> int:
        """The generation `page` (an output file) last changed in; call with the lock held."""
        if page is None:
            return self.built
        found = self.ahead.get(page)
        return found[3] if found is not None else self.settled.get(page, self.built)

    def as_json(self, page: str | None = None) -> str:
        """The state, as the page at `page` (an output file) sees it. With no page, the
        generation of the last change anywhere: for tools that wait for the preview to be
        still; the overlay always names its page."""
        with self.lock:
            return json.dumps(
                {
                    "generation": self.version(page) if page else self.generation,
                    "attempt": self.attempt,
                    "errors": self.errors,
                    "building": self.building.is_set(),
                }
            )


@dataclass(frozen=True)
class ReloadScope:
    """Which open pages a change reloads (output files): those in `only`, or, where `only`
    is None, every page but those spared."""

    only: frozenset[str] | None = None
    spared: frozenset[str] = frozenset()

    def reaches(self, page: str | None) -> bool:
        return (self.only is None or page in self.only) and page not in self.spared


class Preview:
    """Builds, watches, and rebuilds; `on_change` is called after each build attempt."""

    def __init__(
        self,
        options: BuildOptions,
        watched: tuple[Path, ...],
        report: Callable[[BuildReport | None, tuple[ContentError, ...], float], None],
    ):
        self.options = options
        self.watched = watched
        self.report = report
        self.state = PreviewState()
        self.stop = threading.Event()
        # Called after each build attempt, and when a page is shown ahead, with the pages
        # whose browsers should reload.
        self.on_change: Callable[[ReloadScope], None] = lambda scope: None
        self.thread = threading.Thread(target=self._watch, name="briefings-watch", daemon=True)
        self.builder = threading.Thread(target=self._build_when_wanted, name="briefings-build", daemon=True)
        self.wanted = threading.Event()  # files changed since the last build started
        self.changes = 0  # numbers the bursts of saves seen so far
        # Of those, the last burst the latest build to start read, and the latest to finish.
        self.reading = 0
        self.finished = 0
        self.last: BuildReport | None = None
        self.poller: int | None = None  # the process that watches the files, where there is one
        # The files as they were before the first build: a save made while it ran is built next.
        self.since: Snapshot | None = None
        # Briefings saved alone whose page cannot be shown ahead from the last build (they
        # moved: new topics, a new date, a new file): absolute path → burst. Their page is
        # shown from the next build once it is planned, before it is rendered and written.
        self.moved: dict[str, int] = {}
        self.latest: dict[str, int] = {}  # every file saved: absolute path → its last burst
        # Errors found in a file saved alone, shown before the build that reports them:
        # the burst that saved it, and the messages.
        self.early: tuple[int, list[str]] | None = None
        # Where each briefing was published by the last build (briefing_addresses), and the
        # addresses briefings left while previewing (output file → where it is now): a page
        # open at one follows its briefing when it reloads, rather than showing "not found".
        self.addresses: dict[str, str] = {}
        self.moved_from: dict[str, str] = {}

    @property
    def ahead(self) -> dict[str, tuple[int, str, bytes, int]]:
        """Pages shown ahead of the build that will write them (PreviewState.ahead)."""
        return self.state.ahead

    @ahead.setter
    def ahead(self, pages: dict[str, tuple[int, str, bytes, int]]) -> None:
        self.state.ahead = pages

    def page_ahead(self, relative: str) -> tuple[bytes | None, int]:
        """A saved briefing's page, rendered before the build that writes it has finished
        (None for a page served from the output folder), and the page's version, read
        together: a page served from the folder is read after its version, so a page the
        build changes meanwhile is served as older than it is, and reloads."""
        with self.state.lock:
            found = self.ahead.get(relative)
            version = self.state.version(relative)
        return (found[2] if found else None), version

    def moved_to(self, relative: str) -> str | None:
        """The address a briefing once published at `relative` (an output file) moved to,
        if nothing is published there now and the briefing still is, there."""
        with self.state.lock:
            found = self.moved_from.get(relative)
        if found is None or (self.options.output / relative).is_file():
            return None
        return found if (self.options.output / output_file(found)).is_file() else None

    def _follow_moves(self, addresses: dict[str, str]) -> None:
        """Note the briefings the last build published at a new address (a new slug, or a
        new date in a dated address), given where it published each; call with the lock held."""
        before, self.addresses = self.addresses, addresses
        moves = {
            output_file(old): new
            for source, old in before.items()
            if (new := self.addresses.get(source)) is not None and new != old
        }
        # An address left earlier leads where its briefing is now, however often it moved.
        moved_from = {old: moves.get(output_file(new), new) for old, new in self.moved_from.items()}
        moved_from.update(moves)
        self.moved_from = {old: new for old, new in moved_from.items() if output_file(new) != old}

    def saved(self, changed: list[str]) -> None:
        """Files changed: show a saved briefing's own page at once, then have the whole site
        built again. Where the page cannot be wrong (pipeline.quick_pages decides), the
        build only confirms it; where the briefing moved (pipeline.likely_pages), the
        build's own page replaces it if it differs, as soon as that build has planned it."""
        with self.state.lock:
            self.changes += 1
            burst = self.changes
            broken = bool(self.state.errors)
        # One file saved: its page is shown ahead of the build. A burst (several files, a
        # branch switched) reloads the browsers once, after the build that reads it all;
        # while the site has errors, the last good site is shown until they are fixed.
        alone = len(changed) == 1 and not broken
        quick = self._found_ahead(quick_pages, changed, {}) if alone else {}
        pages = quick or (self._found_ahead(likely_pages, changed, {}) if alone else {})
        # A mistake in the file saved is shown at once, not once the whole site is built.
        early: tuple[ContentError, ...] = ()
        if len(changed) == 1 and not pages:
            early = self._found_ahead(lambda options, paths: errors_in_file(options, paths[0]), changed, ())
        touched = {os.path.abspath(p) for p in changed}
        with self.state.lock:
            self.latest.update(dict.fromkeys(touched, burst))
            self.ahead = {k: v for k, v in self.ahead.items() if v[1] not in touched}
            if burst <= self.finished:
                # A build that started while these were found has read the save and is in:
                # what they show, it showed.
                pages, early = {}, ()
            if early:
                self.early = (burst, [problem.format(Path.cwd()) for problem in early])
                self.state.errors = [
                    *self.state.errors,
                    *(m for m in self.early[1] if m not in self.state.errors),
                ]
            if pages:
                self.state.generation += 1
            for source, (file, data) in pages.items():
                self.ahead[str(file)] = (burst, source, data, self.state.generation)
            # Its page is shown from the next build's plan, unless a build under way read it.
            if alone and not quick and burst > self.reading:
                self.moved.update(dict.fromkeys(touched, burst))
        if pages:
            self.on_change(ReloadScope(only=frozenset(str(file) for file, _ in pages.values())))
        self.wanted.set()

    def _found_ahead(
        self, find: Callable[[BuildOptions, list[Path]], T], changed: list[str], nothing: T
    ) -> T:
        """What to show ahead of the build (pages, errors), or `nothing` where it cannot be
        found. The build follows anyway: a bug here is printed, and must not stop the
        preview from watching."""
        try:
            return find(self.options, [Path(p) for p in changed])
        except (OSError, ContentErrors):
            return nothing
        except Exception:
            traceback.print_exc()
            return nothing

    def _build_when_wanted(self) -> None:
        if self.last is not None:
            try:
                self.last.site  # a first build that found nothing changed indexes the site now  # noqa: B018
            except Exception:  # the next build reports it
                traceback.print_exc()
            addresses = briefing_addresses(self.options)  # the first build's, for the next to compare
            with self.state.lock:
                self.addresses = self.addresses or addresses
        idle_since = time.monotonic()
        while not self.stop.is_set():
            if self.wanted.wait(0.05):
                self.wanted.clear()
                self.rebuild()
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > DUE_CHECK_SECONDS:
                # A scheduled briefing may have come due with no file saved: a build with
                # nothing changed returns at once, and the browsers reload only if it wrote.
                self.rebuild(quiet=True)
                idle_since = time.monotonic()

    def rebuild(self, quiet: bool = False) -> None:
        with self.state.lock:
            covered = self.reading = self.changes  # saves seen before this build reads the files
            moved, self.moved = self.moved, {}
        started = time.perf_counter()
        result: BuildReport | None = None
        problems: tuple[ContentError, ...] = ()
        self.state.building.set()
        try:
            result = build(self.options, planned=partial(self._show_planned, moved) if moved else None)
            problems = result.warnings
        except ContentErrors as exc:
            problems = (*exc.errors, *exc.warnings)
        except UnsafePath as exc:
            problems = (ContentError(self.options.output, None, str(exc)),)
        except OSError as exc:  # the disk refused (permissions, space): said, not a crash
            where = Path(exc.filename) if exc.filename else self.options.output
            problems = (ContentError(where, None, f"cannot write or read here ({exc.strerror or exc})"),)
        except Exception as exc:  # a bug must not stop the preview: show it, keep watching
            traceback.print_exc()
            problems = (
                ContentError(self.options.content, None, f"the build crashed: {type(exc).__name__}: {exc}"),
            )
        finally:
            self.state.building.clear()
        seconds = time.perf_counter() - started
        # Read before the lock is taken: a few milliseconds on a large archive. Only a build
        # that went the whole way can have moved a briefing.
        moved = result is not None and (result.route in ("in place", "swapped") or not self.addresses)
        addresses = briefing_addresses(self.options) if moved else None
        if quiet and (result is None or result.files_rewritten == 0):
            with self.state.lock:
                self.finished = covered
            return  # nothing came due (or it fails as before): no reload, no repeated errors
        self.last = result or self.last
        with self.state.lock:
            self.finished = covered
            self.state.attempt += 1
            # A page shown ahead that the build wrote as it was shown: reloading it would
            # only show the writer the same page twice.
            settled = {
                file: shown
                for file, (burst, _, data, shown) in self.ahead.items()
                if result is not None and burst <= covered and _bytes(self.options.output / file) == data
            }
            # What this build read replaces the pages shown ahead of it; after a failed
            # build the last good site is what the preview shows, every page of it.
            self.ahead = {k: v for k, v in self.ahead.items() if v[0] > covered and result is not None}
            self.state.settled = settled
            # Errors shown early for a file saved after this build read the files still stand.
            later = self.early[1] if self.early is not None and self.early[0] > covered else []
            if not later:
                self.early = None
            if result is not None:
                self.state.generation += 1
                self.state.built = self.state.generation
                self.state.errors = list(later)
                if addresses is not None:
                    self._follow_moves(addresses)
            else:
                found = [p.format(Path.cwd()) for p in problems if p.severity == "error"]
                self.state.errors = [*found, *(m for m in later if m not in found)]
            # Pages shown ahead of a later build show what is newer than this one.
            spared = frozenset(settled) | frozenset(self.ahead)
        self.report(result, problems, seconds)
        self.on_change(ReloadScope(spared=spared))

    def _show_planned(self, moved: dict[str, int], outputs: Sequence[Output], env: Environment) -> None:
        """Show the pages of moved briefings from the build under way, once it has planned
        them: the very pages it will write, seconds before it has written the whole site."""
        planned = []
        for page in outputs:
            article = page.context.get("article") if isinstance(page, PlannedPage) else None
            if not isinstance(article, Article) or page.source != article.briefing.path:
                continue
            source = os.path.abspath(article.briefing.path)
            if source in moved:
                try:
                    planned.append((str(page.file), source, render_page(env, page), moved[source]))
                except ContentErrors:
                    continue  # a template fails on it: the build reports it
        with self.state.lock:
            # Not saved again since this build read it (as far as the watcher has said: a
            # save it reports later removes the page, as for pages shown from the last build),
            # nor shown already as it is (likely_pages guessed it right).
            fresh = []
            for file, source, data, burst in planned:
                if self.latest.get(source) == burst and (
                    (shown := self.ahead.get(file)) is None or shown[2] != data
                ):
                    fresh.append(file)
                    self.ahead[file] = (burst, source, data, self.state.generation + 1)
            if fresh:
                self.state.generation += 1
        if fresh:
            self.on_change(ReloadScope(only=frozenset(fresh)))

    def start(self) -> None:
        if hasattr(os, "fork"):
            # Polling stats every file, and each stat gives up the interpreter lock; with a
            # build running on the other thread, getting it back costs milliseconds each
            # time, so a huge archive would be polled for seconds. A forked process of its
            # own polls instead and sends what changed down a pipe.
            reader, writer = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child process
                os.close(reader)
                _poll_in_child(self.watched, writer, self.since)
            os.close(writer)
            self.poller = pid
            self.thread = threading.Thread(
                target=self._receive, args=(reader,), name="briefings-watch", daemon=True
            )
        self.thread.start()
        self.builder.start()

    def _warm(self) -> None:
        try:
            warm_quick_pages(self.options)
        except Exception:  # only time is lost: the first save renders it then
            traceback.print_exc()

    def _receive(self, reader: int) -> None:
        self._warm()
        with os.fdopen(reader, "r", encoding="utf-8") as pipe:
            for line in pipe:
                if self.stop.is_set():
                    return
                self.saved(json.loads(line))
        if not self.stop.is_set():  # the watching process ended: say so, not serve stale pages
            print(
                "serve: watching for saves stopped (see above); restart serve to pick them up again",
                file=sys.stderr,
                flush=True,
            )

    def _watch(self) -> None:
        poll(self.watched, self.stop.wait, self.saved, started=self._warm, since=self.since)

    def close(self) -> None:
        """Stop watching; wait for a build in progress so no temp folder is left behind."""
        self.stop.set()
        if self.state.building.is_set():
            # On a large site that is seconds: say why nothing seems to happen.
            print("Stopping once the build under way is done…", file=sys.stderr, flush=True)
        if self.poller is not None:
            os.kill(self.poller, signal.SIGTERM)
            os.waitpid(self.poller, 0)
            self.poller = None
        for thread in (self.thread, self.builder):
            if thread.is_alive():
                thread.join(timeout=60)
        output = self.options.output.absolute()
        for leftover in output.parent.glob(f".{output.name}.new-*"):
            shutil.rmtree(leftover, ignore_errors=True)


# -- HTTP ------------------------------------------------------------------


def every_interface(host: str) -> bool:
    """Listening on `host` listens on every network interface: 0.0.0.0 or ::, however
    written (0, 0.0.0.00, ::0, or nothing at all)."""
    try:
        found = socket.getaddrinfo(host or None, 0, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError):
        return False
    return any(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_unspecified for info in found)


def preview_url(host: str, sockets: list[socket.socket]) -> str:
    """Where a browser on this machine finds the preview."""
    port = sockets[0].getsockname()[1]  # port 0 → the one the system gave
    if every_interface(host):
        # A loopback address the server listens on: IPv4's if it has one (:: is IPv6 only).
        host = "127.0.0.1" if any(s.family == socket.AF_INET for s in sockets) else "::1"
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    return f"http://{host}:{port}/"


def network_urls(host: str, sockets: list[socket.socket]) -> tuple[str, ...]:
    """Where a phone or another computer on the network finds the preview, when it listens
    on every interface: this machine's address on its route out, for each address family it
    listens on, if it has one."""
    if not every_interface(host):
        return ()
    port = sockets[0].getsockname()[1]
    found = []
    # Connecting a UDP socket only picks the route (no packet is sent); the addresses are
    # the documentation ranges', which no network answers.
    for family, far in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        if not any(s.family == family for s in sockets):
            continue
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as probe:
                probe.connect((far, 9))
                address = ipaddress.ip_address(probe.getsockname()[0].split("%")[0])
        except (OSError, ValueError):
            continue  # no route in this family
        if address.is_loopback or address.is_unspecified or address.is_link_local:
            continue
        found.append(f"http://{address}:{port}/" if address.version == 4 else f"http://[{address}]:{port}/")
    return tuple(found)


def host_allowed(host_header: str, bound: str, everywhere: bool | None = None) -> bool:
    """Only the bound host and loopback names: a DNS-rebinding page cannot read drafts.
    `everywhere`: whether `bound` is every interface, if already known."""
    host = host_header.strip().lower()
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    if host in LOOPBACK_NAMES or host == bound.lower():
        return True
    if every_interface(bound) if everywhere is None else everywhere:
        # Bound to every interface: any address literal is fine, names are not.
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return False
        return True
    return False


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def output_file(site_path: str) -> str:
    """The output file a site path ('/briefings/x/') is served from ('briefings/x/index.html')."""
    path = urllib.parse.unquote(site_path).lstrip("/")
    return path + "index.html" if not path or path.endswith("/") else path


class _Guarded:
    bound_host = "127.0.0.1"
    everywhere = False  # bound_host is every interface: worked out once, not per request

    def prepare(self) -> None:  # type: ignore[misc]
        asked = self.request.host or ""  # type: ignore[attr-defined]
        if not host_allowed(asked, self.bound_host, self.everywhere):
            self.refused = True
            # Logged once, with this line (not again as a bare 403): why, and what answers.
            where = "localhost or an IP address" if self.everywhere else _open_at(self.bound_host)
            raise web.HTTPError(
                403, "host %r refused (no other site's page may read drafts): open %s", asked, where
            )


def _open_at(host: str) -> str:
    """What to open instead of a refused host, for a server bound to `host` alone."""
    if host.lower() == "localhost":
        return "localhost"
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    return f"localhost or {host}"


def make_app(preview: Preview, host: str) -> web.Application:
    output = str(preview.options.output.absolute())
    overlay_js = (Path(__file__).parent / "preview_overlay.js").read_bytes()

    class Guard(_Guarded):
        bound_host = host
        everywhere = every_interface(host)

    class SiteFiles(Guard, web.StaticFileHandler):
        def set_default_headers(self) -> None:
            # What the published site sends (exports.headers_file), so a page that breaks
            # the policy there breaks here too, and a script someone left among content's
            # static files cannot read drafts. Only the preview's own two scripts (by
            # their addresses: a .js among content's files is as refused as on the
            # published site), and their requests to this server, are let through.
            self.set_header("Content-Security-Policy", preview_policy(self.request.host or "", host))
            self.set_header("X-Content-Type-Options", "nosniff")

        async def get(self, path: str, include_body: bool = True) -> None:
            if "\x00" in path:  # no file has such a name; the file system would raise
                raise web.HTTPError(404)
            # The page's version goes with the request to Inject, which writes it in the page:
            # read with what is served, so a page changed meanwhile is found newer.
            ahead, self.request.page_version = preview.page_ahead(output_file(path))  # type: ignore[attr-defined]
            moved_to = preview.moved_to(output_file(path)) if ahead is None else None
            if moved_to is not None:
                # The page open there follows its briefing, asked as it was.
                query = self.request.query
                self.redirect(moved_to + (f"?{query}" if query else ""))
                return
            if ahead is None:
                await super().get(path, include_body)
                return
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(ahead if include_body else None)

        def compute_etag(self) -> str | None:
            # A page shown ahead has no file yet, and is never cached (no-store) anyway.
            return super().compute_etag() if getattr(self, "absolute_path", None) else None

        def set_extra_headers(self, path: str) -> None:
            self.set_header("Cache-Control", "no-store")

        def write_error(self, status_code: int, **kwargs: object) -> None:
            page = Path(output) / "404.html"
            if status_code == 404 and page.is_file():
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(page.read_bytes())
            elif status_code == 404 and not (Path(output) / "index.html").is_file():
                # No build has succeeded yet: a page to carry the errors and the reload.
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(NO_SITE_YET)
            else:
                super().write_error(status_code, **kwargs)

    class Reload(Guard, LiveReloadHandler):
        def check_origin(self, origin: str) -> bool:
            # livereload lets any page connect: another site open in the browser (another
            # local server's, too) would learn of every save. Only this preview's pages may.
            netloc = urllib.parse.urlsplit(origin).netloc
            return netloc.lower() == (self.request.host or "").lower() and host_allowed(netloc, host)

        def on_message(self, message: str | bytes) -> None:
            # The client says which page it shows ('info'): a page the last build left as it
            # was shown ahead is not reloaded again (Preview.rebuild).
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                said = json.loads(message)
                if said.get("command") == "info" and isinstance(said.get("url"), str):
                    self.page = output_file(urllib.parse.urlsplit(said["url"]).path)
            super().on_message(message)

    class ReloadScript(Guard, LiveReloadJSHandler):
        pass

    class Status(Guard, web.RequestHandler):
        def get(self) -> None:
            self.set_header("Content-Type", "application/json")
            self.set_header("Cache-Control", "no-store")
            page = self.get_argument("page", None)
            self.write(preview.state.as_json(output_file(page) if page is not None else None))

    class Overlay(Guard, web.RequestHandler):
        def get(self) -> None:
            self.set_header("Content-Type", "application/javascript")
            self.set_header("Cache-Control", "no-store")
            self.write(overlay_js)

    class Inject(web.OutputTransform):
        """Adds the reload client and the error overlay to every HTML page, in the preview only."""

        def __init__(self, request) -> None:  # type: ignore[no-untyped-def]
            super().__init__(request)
            self.request = request
            self.head = request.method == "HEAD"

        def transform_first_chunk(self, status_code, headers, chunk, finishing):  # type: ignore[no-untyped-def]
            if self.head and "html" in headers.get("Content-Type", ""):
                # No body to add the scripts to, so no telling how long GET's will be.
                headers.pop("Content-Length", None)
            if "html" in headers.get("Content-Type", "") and b"</head>" in chunk:
                # The page's version as it was before its bytes were read (SiteFiles.get).
                version = getattr(self.request, "page_version", None)
                if version is None:
                    with preview.state.lock:
                        version = preview.state.version(None)
                script = (
                    f'<script src="/livereload.js?port={app.settings["preview_port"]}"></script>'
                    f'<script src="/_briefings/overlay.js" data-generation="{version}"></script>'
                ).encode()
                chunk = chunk.replace(b"</head>", script + b"</head>", 1)
                if "Content-Length" in headers:
                    headers["Content-Length"] = str(len(chunk))
            return status_code, headers, chunk

    # reload_waiters() logs the watcher's last path; we do the watching, so give it an idle one.
    LiveReloadHandler.watcher = get_watcher_class()()
    app = _Application(
        [
            (r"/livereload", Reload),
            (r"/livereload.js", ReloadScript),
            (r"/_briefings/status.json", Status),
            (r"/_briefings/overlay.js", Overlay),
            (r"/(.*)", SiteFiles, {"path": output, "default_filename": "index.html"}),
        ],
        transforms=[Inject],
    )
    return app


class _Application(web.Application):
    def log_request(self, handler: web.RequestHandler) -> None:
        # A refused host was said already, with why: not again as a bare 403.
        if not getattr(handler, "refused", False):
            super().log_request(handler)


NO_SITE_YET = (
    b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>No site yet</title></head>'
    b"<body><h1>No site yet</h1><p>The first build failed: its errors are below and in the terminal. "
    b"Save a fix and this page reloads.</p></body></html>"
)


def preview_policy(host_header: str, bound: str) -> str:
    """The published site's Content-Security-Policy, with the preview's own scripts allowed."""
    if not host_allowed(host_header, bound) or not re.fullmatch(r"[\w.:\[\]-]+", host_header):
        return CONTENT_SECURITY_POLICY  # refused with a 403 anyway; nothing of it is echoed
    scripts = " ".join(f"http://{host_header}{path}" for path in ("/livereload.js", "/_briefings/overlay.js"))
    return f"{CONTENT_SECURITY_POLICY}; script-src {scripts}; connect-src 'self'"


class CannotListen(Exception):
    pass


def serve(
    options: BuildOptions,
    host: str,
    port: int,
    watched: tuple[Path, ...],
    report: Callable[[BuildReport | None, tuple[ContentError, ...], float], None],
    ready: Callable[[str, tuple[str, ...]], None] = lambda url, elsewhere: None,
) -> None:
    """Build once, then serve and rebuild on every change until Ctrl-C."""
    loop = ioloop.IOLoop.current()

    # Ctrl-C (or a TERM from a process manager) stops the loop between two events, so a
    # build in progress finishes and swaps or cleans up its temp folder; never mid-write.
    # A second one stops at once: what the build leaves half done, the next build undoes
    # (output.recover_output, the in-place journal).
    preview: Preview | None = None
    stop_requested = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stop_requested
        if stop_requested:
            print("\nStopped without waiting for the build.", file=sys.stderr, flush=True)
            if preview is not None and preview.poller is not None:
                with contextlib.suppress(OSError):
                    os.kill(preview.poller, signal.SIGTERM)
            # The build's workers too: left running, each would find its results' pipe
            # closed and print a traceback over the writer's terminal.
            for worker in multiprocessing.active_children():
                worker.terminate()
            os._exit(128 + signum)
        stop_requested = True
        loop.add_callback_from_signal(loop.stop)

    # The preview serves its output folder as it is: one the build refuses (`--output /`,
    # `.`) would hand out every file in it, sources and drafts included.
    check_output(options)
    # Listen first: the preview is built for the address it is served at, so a site whose
    # base_url has a sub-path (/desk/) still links to pages this server has.
    try:
        sockets = bind_sockets(port, address=host)
    except OSError as exc:  # the port is taken, or the address is not this machine's
        fix = (
            "try another --port"
            if exc.errno in (errno.EADDRINUSE, errno.EACCES)
            else "check --host: 127.0.0.1 is this machine alone, 0.0.0.0 every network interface"
        )
        raise CannotListen(f"cannot listen on {host}:{port}: {exc.strerror or exc}; {fix}") from None
    actual_port = sockets[0].getsockname()[1]  # port 0 → the one the system gave
    url = preview_url(host, sockets)
    options = replace(options, base_url=url)
    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    # The build thread computes for seconds on a large site; every step of serving a page
    # or a reload waits for it to let go of the interpreter lock, 5 ms by default each time.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    niceness, parallel.worker_niceness = parallel.worker_niceness, PREVIEW_WORKER_NICENESS
    preview = Preview(options, watched, report)
    server = None
    try:
        # Read before the first build (seconds on a large archive), not once watching starts.
        preview.since = snapshot(watched)
        preview.rebuild()

        def reload_browsers(scope: ReloadScope) -> None:
            # Those the change does not reach are left out of this one reload.
            waiters = LiveReloadHandler.waiters
            resting = {waiter for waiter in waiters if not scope.reaches(getattr(waiter, "page", None))}
            waiters -= resting
            try:
                LiveReloadHandler.reload_waiters("index.html")
            finally:
                waiters |= resting

        preview.on_change = lambda scope: loop.add_callback(reload_browsers, scope)
        app = make_app(preview, host)
        app.settings["preview_port"] = actual_port
        server = HTTPServer(app)
        server.add_sockets(sockets)
        preview.start()
        ready(url, network_urls(host, sockets))
        loop.start()
    finally:
        if server is not None:
            server.stop()
        else:
            for sock in sockets:
                sock.close()
        preview.close()
        sys.setswitchinterval(switch_interval)
        parallel.worker_niceness = niceness
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def preview_options(options: BuildOptions, drafts: bool) -> BuildOptions:
    return replace(options, drafts=drafts, future=drafts)
