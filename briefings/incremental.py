"""Incremental builds: read only changed files, render only pages whose data changed.

A `Builder` remembers, in memory and under .cache/, what content files gave and what each
output page was rendered from. A page whose fingerprint (its template set, its settings
and every value it shows) matches the last build's, and whose file in the output is still
the one written then, is kept instead of rendered: left where it is when the changed files
are replaced in place, linked into a new output otherwise (output.py says which). The result
is byte for byte what a clean build writes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from jinja2 import Environment

from .cache import (
    Fingerprinter,
    NoFingerprint,
    Pack,
    Spill,
    digest,
    engine_fingerprint,
    folder_fingerprint,
    opened,
    read_at,
    read_sealed,
    seal,
    write_atomically,
    write_sealed,
)
from .config import SiteConfig
from .errors import ContentError, ContentErrors
from .load import LOAD_SETTINGS, FileResult, read_content_file
from .model import Briefing
from .output import InPlace, Kept, Staging, Written
from .parallel import map_ordered, map_unordered
from .plan import ComputedFile, CopiedFile, GeneratedFile, Output, PlannedPage
from .render import make_environment, render_tracked, start_build
from .snapshot import freeze_page, freeze_plan
from .urls import Urls


def _manifest_key() -> bytes:
    # Bound to the engine: its classes change between versions, and a manifest pickled by
    # another one could unpickle with a field missing.
    return digest(b"output manifest", engine_fingerprint())


# Pages to render again that were this large, all told, are worth forking workers for:
# a few tenths of a second of rendering, against a few hundredths for the fork.
COSTLY_BYTES = 4 << 20
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the last build wrote at one path: from what, which bytes, and how the file looked."""

    key: bytes
    content: bytes
    size: int
    mtime_ns: int
    inode: int
    ctime_ns: int  # any change to the file or its mode, even with its date put back
    mode: int
    bodies: frozenset[str] = frozenset()  # briefings (paths) whose bodies the file prints


def load_settings(config: SiteConfig) -> bytes:
    """What, besides a file, decides what loading it gives: the engine and some settings."""
    return digest(engine_fingerprint(), repr(tuple(getattr(config, name) for name in LOAD_SETTINGS)).encode())


def load_key(settings: bytes, path: Path, section: str, raw: bytes) -> bytes:
    return digest(settings, section.encode(), os.fsencode(path), raw)


@dataclass(frozen=True, slots=True)
class WriteReport:
    files: int  # in the output
    rewritten: int  # of which written anew; the rest kept as they were
    manifest: bytes  # the token of the manifest written (inputs.Remembered keeps it)
    in_place: bool  # changed files replaced within the output, not a new output swapped in
    # In place, with no file added or removed: the files given new bytes. The output's
    # state is then the old one with these (and their folders) stated again.
    replaced: frozenset[PurePosixPath] | None = None
    # Files kept in place, as the build found them (mode, size, mtime, ctime, inode): a scan
    # taken after the build that shows any of them otherwise saw a hand edit made meanwhile.
    kept: Mapping[str, tuple[int, int, int, int, int]] = field(default_factory=dict)
    # Pages the last build wrote into this output and this one does not (a slug changed, a
    # briefing deleted or made a draft), by their address within the site ("briefings/x/").
    gone: tuple[str, ...] = ()


class Builder:
    """Holds what one build learned for the next. One per process is enough (see pipeline)."""

    def __init__(self, cache_dir: Path | None, workers: int | None = None):
        self.cache_dir = cache_dir
        self.workers = workers
        self.pack = Pack(cache_dir / "files.pack") if cache_dir else None
        self.loaded: dict[bytes, FileResult] = {}  # by load key, from the last build
        self.known: dict[tuple[str, str], bytes] = {}  # (type, path) → load key
        self.unsaved = Spill(cache_dir)  # sealed; saved to .cache/ once a build succeeds
        self.load_keys: dict[Path, bytes] = {}  # of the files the last build read
        self.load_settings = b""  # what they were read with (load_settings)
        # Jinja environments by use ("build", "preview"), each with what made it.
        self.envs: dict[str, tuple[bytes, Environment]] = {}
        self.last: object | None = None  # what the last successful build made (see pipeline)
        # Told (stage, done, total) as files are read and pages rendered: long builds show it.
        self.progress: Progress = quiet

    def environment(
        self, templates: Path, config: SiteConfig, urls: Urls, noindex: bool, use: str = "build"
    ) -> Environment:
        """The Jinja environment, made again only when the templates or settings change: a
        preview that rebuilds on every save keeps its compiled templates. Each thread that
        renders has its own `use`, so no environment is shared between threads."""
        key = digest(
            folder_fingerprint(templates),
            repr((config, sorted(urls.assets.items()), noindex)).encode(),
        )
        found = self.envs.get(use)
        if found is None or found[0] != key:
            found = self.envs[use] = (key, make_environment(templates, config, urls, noindex=noindex))
        return found[1]

    def first_date_after(self, now: datetime) -> datetime | None:
        """The first briefing date after `now`: when a scheduled briefing is due, pages change."""
        dates = [
            result[1].date
            for result in self.loaded.values()
            if isinstance(result[1], Briefing) and result[1].date > now
        ]
        return min(dates, default=None)

    # -- load ---------------------------------------------------------------------

    def read_files(
        self,
        jobs: list[tuple[Path, str]],
        config: SiteConfig,
        unchanged: tuple[bytes, Mapping[str, bytes]] | None = None,
    ) -> list[FileResult]:
        """Load results for `jobs`, from memory or the cache when the bytes are the same.

        `unchanged`: the load settings of the last build, and the load keys it found for
        files (by path) whose stat says they are untouched since
        (pipeline._unchanged_load_keys); those are not read again."""
        settings = load_settings(config)
        trusted = unchanged[1] if unchanged and unchanged[0] == settings else {}
        results: list[FileResult | None] = [None] * len(jobs)
        keys: list[bytes] = []
        todo: list[int] = []
        data: dict[int, bytes] = {}
        for n, (path, section) in enumerate(jobs):
            key = trusted.get(str(path))
            if key is not None:
                # Untouched since the last build by its stat: its bytes, and so its key, are
                # the ones that build read. Reading 10,000 files to hash them cost more than
                # everything else a rebuild after a title edit does before indexing.
                hit = self.loaded.get(key)
                if hit is None and self.pack is not None:
                    hit = self.pack.get(key, many=len(jobs) > 64)
                if hit is not None:
                    keys.append(key)
                    results[n] = hit
                    continue
            try:
                raw = path.read_bytes()
            except OSError:
                raw = b""  # read again below, to report it as a clean build would
                todo.append(n)
                keys.append(b"")
                continue
            key = load_key(settings, path, section, raw)
            keys.append(key)
            hit = self.loaded.get(key)
            if hit is None and self.pack is not None:
                hit = self.pack.get(key, many=len(jobs) > 64)
            if hit is None:
                todo.append(n)
                data[n] = raw
            else:
                results[n] = hit

        def read(n: int) -> FileResult | bytes:
            path, section = jobs[n]
            result = read_content_file(path, section, config, data.get(n))
            # Sealed where it is made: the result crosses from the worker pickled anyway, and
            # the pack keeps those very bytes, instead of this process pickling all again.
            return seal(result, keys[n]) if keys[n] and self.pack is not None else result

        if self.pack is not None:
            self.pack.forget_data()
        with contextlib.closing(map_ordered(read, todo, self.workers)) as made_in_order:
            for done, (n, made) in enumerate(zip(todo, made_in_order, strict=True), 1):
                self.progress("Reading", done, len(todo))
                if isinstance(made, bytes):
                    self.unsaved.put(keys[n], made)
                    made = opened(made, keys[n])
                results[n] = made
        self.loaded = {}
        self.known = {}
        self.load_keys = {path: key for (path, _), key in zip(jobs, keys, strict=True) if key}
        self.load_settings = settings
        for key, result in zip(keys, results, strict=True):
            assert result is not None
            if key:
                self.loaded[key] = result
                item = result[1]
                if item is not None:
                    self.known[(type(item).__name__, str(item.path))] = key
        return results  # type: ignore[return-value]

    # -- render and write -----------------------------------------------------------

    def manifest_file(self, output: Path) -> Path | None:
        return (
            self.cache_dir / "outputs" / digest(os.fsencode(output.resolve())).hex()
            if self.cache_dir
            else None
        )

    def read_manifest(self, output: Path) -> Manifest:
        path = self.manifest_file(output)
        found = read_sealed(path, _manifest_key()) if path else None
        return found if isinstance(found, Manifest) else Manifest({}, {})

    def write_manifest(self, output: Path, manifest: Manifest) -> bytes:
        """Write the manifest with a new token, and return the token."""
        path = self.manifest_file(output)
        token = os.urandom(16)
        if path is not None:
            write_sealed(path, _manifest_key(), replace(manifest, token=token))
        return token

    def journal_file(self, output: Path) -> Path | None:
        """Where the renames of a build that writes into its output in place are listed."""
        path = self.manifest_file(output)
        return path.with_name(path.name + ".journal") if path else None

    def snapshot_file(self, output: Path) -> Path | None:
        path = self.manifest_file(output)
        return path.with_name(path.name + ".pages") if path else None

    def plan_file(self, output: Path) -> Path | None:
        path = self.manifest_file(output)
        return path.with_name(path.name + ".plan") if path else None

    def read_plan(self, output: Path, manifest: Manifest) -> bytes | None:
        """The whole plan the build of `manifest` stored (snapshot.freeze_plan), if it is intact."""
        path = self.plan_file(output)
        if path is None or not manifest.plan:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return data if digest(data) == manifest.plan else None

    def read_snapshots(
        self, output: Path, manifest: Manifest, names: Iterable[str]
    ) -> dict[str, bytes] | None:
        """The stored plans of these pages; None if any is missing or damaged."""
        path = self.snapshot_file(output)
        found: dict[str, bytes] = {}
        try:
            with open(path, "rb") as file:  # type: ignore[arg-type]
                for name in names:
                    data = _stored_snapshot(file, manifest.snapshots.get(name))
                    if data is None:
                        return None
                    found[name] = data
        except (OSError, TypeError):
            return None
        return found

    def write(
        self,
        output: Path,
        outputs: Sequence[Output],
        env: Environment,
        templates: Path,
        in_place: bytes | None = None,
        plans_anew: bool = False,
    ) -> WriteReport:
        """Render what changed, keep what did not, and bring the output up to date whole.

        `plans_anew`: store the plan of every kept page that prints bodies anew, rather than
        keep the one stored before: content files were removed or renamed since, and an old
        plan may name one (among an article's related briefings, which a page's key leaves
        out), which would send every later body edit on that page the full way.

        `in_place`: the token of the manifest of the build that left the output as it is
        now, when it is; only the changed files are then written, and replaced in place
        (output.InPlace). Otherwise a whole new output is swapped in (output.Staging)."""
        output = output.absolute()
        manifest_file = self.manifest_file(output)
        old = self.read_manifest(output)
        existing = frozenset(PurePosixPath(name) for name in old.entries)
        journal = self.journal_file(output)
        writes_in_place = (
            in_place is not None
            and journal is not None
            and old.token == in_place
            and InPlace.fits(existing, (item.file for item in outputs))
        )
        fingerprint = Fingerprinter(self.known)
        try:
            base = digest(engine_fingerprint(), folder_fingerprint(templates), fingerprint(env.globals))
        except NoFingerprint:
            base = None
        keys: list[bytes | None] = []
        contents: list[bytes | None] = []
        bodies: list[frozenset[str]] = []
        verified: list[_Entry | None] = []  # the last build's entry of a file kept in place
        snapshots: list[bytes | str | None] = []  # a page's plan, or the name of its stored one
        plan: list[bytes | Path | Kept | None] = []
        to_render: list[PlannedPage | ComputedFile] = []
        render_at: list[int] = []  # the position in `outputs` of each page to render
        for item in outputs:
            name = str(item.file)
            key: bytes | None = None
            content: bytes | Path | Kept | None = None
            read: frozenset[str] = frozenset()
            if isinstance(item, PlannedPage):
                if base is not None:
                    try:
                        key = digest(base, name.encode(), item.template.encode(), fingerprint(item.context))
                    except NoFingerprint:
                        key = None
            elif isinstance(item, GeneratedFile):
                key = digest(b"generated", item.data)
                content = item.data
                read = item.bodies
            elif isinstance(item, CopiedFile):
                key = _source_key(item.source)
                content = item.source
            entry = old.entries.get(name)
            # In place, the whole output was just found as the last build recorded it: every
            # file is the one its entry describes, with no need to state each again.
            if (
                key is not None
                and entry is not None
                and entry.key == key
                and (writes_in_place or _unchanged(output / name, entry))
            ):
                content = Kept(output / name)
                if isinstance(item, PlannedPage):
                    read = entry.bodies
            elif content is None:
                to_render.append(item)  # type: ignore[arg-type]  # a page, or a computed file
                render_at.append(len(plan))
            keys.append(key)
            contents.append(entry.content if isinstance(content, Kept) else None)  # type: ignore[union-attr]
            # A file kept in place is recorded as it was found, not stated again once the build
            # is over: a hand edit made meanwhile then still shows as one to the next build.
            kept_in_place = writes_in_place and isinstance(content, Kept) and entry is not None
            verified.append(replace(entry, bodies=read) if kept_in_place else None)
            bodies.append(read)
            # A kept page or file that prints bodies keeps the plan stored for it last time.
            stored: bytes | str | None = None
            if read and isinstance(item, (PlannedPage, ComputedFile)):
                stored = freeze_page(item) if plans_anew and isinstance(content, Kept) else name
            snapshots.append(stored)
            plan.append(content)
        fingerprint.memo.clear()  # before the render workers fork: they would copy it
        start_build(env)

        # A rebuild that renders the largest pages again (a new title shows on the timeline,
        # the archive and the exports) renders them on every core, the largest first; their
        # last sizes tell. A first build has no sizes, and enough pages to share by count.
        sizes = [_last_size(old, page) for page in to_render]
        costly = sum(sizes) >= COSTLY_BYTES
        if costly:
            by_size = sorted(range(len(to_render)), key=lambda i: -sizes[i])
            to_render = [to_render[i] for i in by_size]
            render_at = [render_at[i] for i in by_size]

        sink = _SnapshotSink(self.snapshot_file(output), old) if manifest_file is not None else None
        places: list[tuple[int, int, bytes] | None] = [None] * len(outputs)
        rewritten = 0
        # The whole plan, for a rebuild after edits that move no briefing (body_edits.py).
        whole_plan: list[bytes] = []

        def keep_plan() -> None:
            if manifest_file is None or whole_plan:
                return
            try:
                whole_plan.append(
                    freeze_plan([o for o in outputs if isinstance(o, (PlannedPage, ComputedFile))])
                )
            except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
                # A value pickle cannot store (a function made in place, say): such rebuilds go the full way.
                whole_plan.append(b"")

        def record(n: int) -> None:
            if sink is not None and snapshots[n] is not None:
                places[n] = sink.add(snapshots[n])  # type: ignore[arg-type]

        try:
            staging: InPlace | Staging = (
                InPlace(output, existing, journal) if writes_in_place and journal else Staging(output)
            )
            with staging:
                for n, content in enumerate(plan):
                    if content is None:
                        continue
                    item = outputs[n]
                    if isinstance(content, bytes):
                        contents[n] = digest(content)
                        entry = old.entries.get(str(item.file))
                        if _same_file(output / item.file, entry, contents[n]):
                            content = Kept(output / item.file)
                    rewritten += not isinstance(content, Kept)
                    staging.add(item.file, content)
                    record(n)
                # Workers write the pages they render straight into the staging folder: no
                # page travels back to this process, which would hold on to the memory.
                renderer = _Renderer(
                    env,
                    to_render,
                    # A new tree's folders (ten thousand at that size, each a costly system
                    # call) are made by the workers as they go, on every core; an in-place
                    # build's hidden names are handed out here, where they are tracked.
                    place=staging.place if isinstance(staging, Staging) else None,
                    targets=[staging.place(page.file) for page in to_render]
                    if isinstance(staging, InPlace)
                    else [],
                    old=[old.entries.get(str(page.file)) for page in to_render],
                    output=output,
                    snapshots=sink is not None,
                )
                # On template mistakes, those of the first page in the plan, whatever order
                # the workers finished in.
                failed: dict[int, tuple[ContentError, ...]] = {}
                # Closed (its workers stopped) before `staging` cleans up after a failure
                # here: workers left running would go on writing into the output.
                with contextlib.closing(
                    map_unordered(renderer, range(len(to_render)), self.workers, costly=costly)
                ) as results:
                    for done, (position, result) in enumerate(results, 1):
                        if done == 1:
                            keep_plan()  # while the workers render
                        self.progress("Rendering", done, len(to_render))
                        n = render_at[position]
                        if isinstance(result, tuple):
                            failed[n] = result
                        elif not failed:
                            contents[n], bodies[n], snapshots[n] = (
                                result.content,
                                result.bodies,
                                result.snapshot,
                            )
                            if result.others_related:
                                keys[n] = b""  # never equal to a page key: rendered every time
                            rewritten += not result.kept
                            file = outputs[n].file
                            staging.add(file, Kept(output / file) if result.kept else Written())
                            record(n)
                if failed:
                    raise ContentErrors(list(failed[min(failed)]))
                keep_plan()
                staging.commit()
                count = staging.count
        except BaseException:
            if sink is not None:
                sink.discard()
            raise
        self.save_loaded()
        token = b""
        if manifest_file is not None and sink is not None:
            token = self._remember(
                manifest_file, output, outputs, keys, contents, bodies, verified, places, sink, whole_plan[0]
            )
        replaced = staging.replaced() if isinstance(staging, InPlace) else None
        kept = {
            str(item.file): (found.mode, found.size, found.mtime_ns, found.ctime_ns, found.inode)
            for item, found in zip(outputs, verified, strict=True)
            if found is not None
        }
        planned = {str(item.file) for item in outputs}
        gone = tuple(
            sorted(
                name.removesuffix("index.html")
                for name in old.entries
                if name not in planned and name.endswith(".html")  # a page, or an old address's (old.html)
            )
        )
        return WriteReport(count, rewritten, token, writes_in_place, replaced, kept, gone)

    def save_loaded(self, whole_site: bool = True) -> None:
        """Keep what this build parsed under .cache/: the build succeeded, so it is worth keeping.

        `whole_site`: this build read every content file (`loaded` is all of them), so a pack
        that is mostly entries no build reads any more can be written again with these alone."""
        pack, unsaved = self.pack, self.unsaved
        self.unsaved = Spill(self.cache_dir)
        try:
            if pack is None or not unsaved:
                return
            index = pack.index()
            if index and not (whole_site and len(index) > 2 * len(self.loaded) + 64):
                pack.append(unsaved)
                return
            pack.read_all()

            def entries() -> Iterator[tuple[bytes, bytes]]:
                for key, result in self.loaded.items():
                    sealed = unsaved.get(key) or pack.get_sealed(key)
                    yield key, sealed if sealed is not None else seal(result, key)
                for key, sealed in unsaved.items():
                    if key not in self.loaded:
                        yield key, sealed

            pack.write(entries())
        finally:
            unsaved.close()

    def cached(self, key: bytes, many: bool = False) -> FileResult | None:
        """A load result by its key, from memory or the pack; `many`: most of the pack will be
        wanted (see Pack.get)."""
        found = self.loaded.get(key)
        if found is None and self.pack is not None:
            found = self.pack.get(key, many=many)
        return found

    def _remember(
        self,
        manifest_file: Path,
        output: Path,
        outputs: Sequence[Output],
        keys: list[bytes | None],
        contents: list[bytes | None],
        bodies: list[frozenset[str]],
        verified: list[_Entry | None],
        places: list[tuple[int, int, bytes] | None],
        sink: _SnapshotSink,
        whole_plan: bytes,
    ) -> bytes:
        manifest = Manifest({}, {})
        rows = zip(outputs, keys, contents, bodies, verified, places, strict=True)
        for item, key, content, read, found, place in rows:
            # Every file, even one that cannot be kept by its key (b"" matches none): what it
            # prints is still known.
            entry = found or entry_for(output / item.file, key or b"", content or b"", read)
            if entry is None:
                continue
            manifest.entries[str(item.file)] = entry
            if place is not None:
                manifest.snapshots[str(item.file)] = place
        write_sealed(manifest_file, _manifest_key(), Manifest({}, {}))  # never an index to other bytes
        sink.keep()
        plan_file = self.plan_file(output)
        if whole_plan and plan_file is not None:
            try:
                write_atomically(plan_file, whole_plan, must=True)
                manifest = replace(manifest, plan=digest(whole_plan))
            except OSError:
                pass  # rebuilds after such edits go the full way
        return self.write_manifest(output, manifest)


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the last build wrote into one output folder."""

    entries: dict[str, _Entry]  # by file name in the output
    # The plans of pages that print briefing bodies (see body_edits.py), by file name:
    # where each lies in the snapshot file beside the manifest, with its checksum.
    snapshots: dict[str, tuple[int, int, bytes]]
    # Made anew with every manifest and remembered with the build (inputs.Remembered): a
    # manifest that is missing, damaged or left from another build cannot pass for this one.
    token: bytes = b""
    # The digest of the build's whole plan, stored beside it (Builder.read_plan); b"": none.
    plan: bytes = b""


def entry_for(path: Path, key: bytes, content: bytes, bodies: frozenset[str]) -> _Entry | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _Entry(
        key, content, stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns, stat.st_mode, bodies
    )


def quiet(stage: str, done: int, total: int) -> None:
    """Progress that is not shown."""


class _SnapshotSink:
    """The plans of pages that print briefing bodies, written to a new snapshot file as
    they come (not held in memory), each new or carried over from the last build's file."""

    def __init__(self, path: Path | None, old: Manifest):
        assert path is not None
        self.path = path
        self.old = old
        self.previous: BinaryIO | None = None
        with contextlib.suppress(OSError):  # no stored plans yet
            self.previous = open(path, "rb")  # noqa: SIM115 (closed in _close)
        # No folder is made before the build has succeeded: a first build that fails leaves
        # no .cache behind. Until then the plans wait in the system's temp folder.
        handle, temp = tempfile.mkstemp(dir=path.parent if path.parent.is_dir() else None, prefix=".tmp-")
        self.temp = Path(temp)
        self.file = os.fdopen(handle, "wb")
        self.at = 0

    def add(self, snapshot: bytes | str) -> tuple[int, int, bytes] | None:
        """Store a page's plan (bytes), or the one the last build stored for it (its name)."""
        if isinstance(snapshot, str):
            if self.previous is None:
                return None
            data = _stored_snapshot(self.previous, self.old.snapshots.get(snapshot))
            if data is None:
                return None
        else:
            data = snapshot
        self.file.write(data)
        place = (self.at, len(data), digest(data))
        self.at += len(data)
        return place

    def keep(self) -> None:
        self._close()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(self.temp, self.path)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            # The system's temp folder is on another disk: copied beside the target first,
            # so the stored plans are replaced whole.
            handle, near = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            os.close(handle)
            shutil.copyfile(self.temp, near)
            os.replace(near, self.path)
            self.temp.unlink()

    def discard(self) -> None:
        self._close()
        self.temp.unlink(missing_ok=True)

    def _close(self) -> None:
        self.file.close()
        if self.previous is not None:
            self.previous.close()
            self.previous = None


@dataclass(frozen=True, slots=True)
class _Rendered:
    content: bytes  # the digest of the page's bytes
    kept: bool  # the same bytes as the last build's file, which was linked instead
    bodies: frozenset[str]  # briefings whose bodies the page prints
    snapshot: bytes | None  # its plan, when it prints any
    others_related: bool  # render.Rendered.others_related: its key cannot tell it is unchanged


class _Renderer:
    """Renders page number n into its place in the staging folder, in whichever process it
    runs in; template mistakes come back as values."""

    def __init__(
        self,
        env: Environment,
        pages: Sequence[PlannedPage | ComputedFile],
        place: Callable[[PurePosixPath], Path] | None,
        targets: list[Path],
        old: list[_Entry | None],
        output: Path,
        snapshots: bool,
    ):
        self.env = env
        self.snapshots = snapshots
        self.place = place  # where a page goes, its folder made, in the process that renders it
        self.targets = targets  # else: where each page goes, made ready beforehand
        self.output = output
        self.old = old
        self.pages = pages

    def __call__(self, n: int) -> _Rendered | tuple[ContentError, ...]:
        page = self.pages[n]
        if isinstance(page, ComputedFile):
            data, bodies, others_related = page.make(), page.bodies, False
        else:
            try:
                data, bodies, others_related = render_tracked(self.env, page)
            except ContentErrors as exc:
                return exc.errors
        content = digest(data)
        entry = self.old[n]
        kept = _same_file(self.output / page.file, entry, content)  # rendered again, to the same bytes
        if not kept:
            target = self.place(page.file) if self.place is not None else self.targets[n]
            target.write_bytes(data)
        snapshot = freeze_page(page) if bodies and self.snapshots else None
        return _Rendered(content, kept, bodies, snapshot, others_related)


def _last_size(manifest: Manifest, item: PlannedPage | ComputedFile) -> int:
    entry = manifest.entries.get(str(item.file))
    return entry.size if entry is not None else 0


def _source_key(source: Path) -> bytes | None:
    try:
        stat = os.stat(source)
    except OSError:
        return None
    # ctime too: a file replaced by one of the same size and date often reuses the inode.
    facts = (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns, stat.st_mode)
    return digest(b"copied", os.fsencode(source), str(facts).encode())


def _stored_snapshot(file: BinaryIO, place: tuple[int, int, bytes] | None) -> bytes | None:
    """A stored plan at its place in the snapshot file, if it is there and passes its checksum."""
    if place is None:
        return None
    offset, size, check = place
    data = read_at(file, offset, size)
    return data if digest(data) == check else None


def _same_file(path: Path, entry: _Entry | None, content: bytes) -> bool:
    """The last build left this file with these bytes (by digest), untouched since: link it."""
    return entry is not None and entry.content == content and _unchanged(path, entry)


def _unchanged(path: Path, entry: _Entry) -> bool:
    """The file is the one the last build left, untouched since (same inode, size, dates, mode)."""
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns, stat.st_mode) == (
        entry.size,
        entry.mtime_ns,
        entry.inode,
        entry.ctime_ns,
        entry.mode,
    )
