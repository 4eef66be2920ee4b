"""Input manifest: a rebuild whose inputs and output are as the last build left them does nothing.

After a successful build we remember, under .cache/inputs/, a digest of everything the
build read (the options, the engine, and the name, size, dates and inode of every file
and folder under content/, the templates and site.yaml), a digest of how the output folder
looked once swapped in, and what the build reported. The next build compares both
digests first; only if both match, and no briefing has become due since, does it return
the remembered report without reading, rendering or writing anything.

The templates and site.yaml are also remembered by their bytes (`InputState.fixed`), for the
rebuilds that render only what edited briefings touch (body_edits.py): saved again unchanged,
as an editor's "save all" does, they do not send the build the whole way.

A file changed within the clock's resolution of a build's start could look unchanged, so
a build that saw such a recent file is never skipped over by the next one, and such a file
is remembered without its stat (a rebuild reads it again to tell). Content with symbolic
links is never skipped: links can change what a path means without touching the path.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from .cache import digest, engine_fingerprint, read_sealed, write_sealed
from .errors import ContentError

# Files modified this close to a build's start are too recent to be trusted by their dates.
RECENT_NS = 2_000_000_000


@dataclass(frozen=True, slots=True)
class SiteSummary:
    """What a build says about the site it built, beside its files."""

    articles: int
    left_out_drafts: int
    left_out_future: int
    raw_html: bool


@dataclass(frozen=True, slots=True)
class InputState:
    key: bytes  # every input, by name and stat
    recent: bool  # some input changed too recently to be trusted by its stat
    # The same for everything but content/: options, engine, and the templates and site.yaml
    # by their names and bytes (an editor saving them unchanged changes nothing).
    fixed: bytes
    # Every file under content/ (by its name there, like b"/briefings/x.md") with its stat,
    # or None where it changed too recently for its stat to tell a later change.
    files: dict[bytes, bytes | None]
    # Every file of the templates and site.yaml: its stat line and the digest of its bytes,
    # for the next build to take the digest from while the stat is the same.
    theme: dict[bytes, tuple[bytes, bytes]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Remembered:
    inputs: bytes
    output: bytes
    built_at: datetime  # the build's "now": with the clock set back, drafts-by-date differ
    due: datetime | None  # the first briefing date after the build's "now": a page changes then
    files: int
    pages: int
    summary: SiteSummary
    warnings: tuple[ContentError, ...]
    trusted: bool = True  # no input was too recent to be told unchanged by its stat
    # For rebuilds after edits to briefing bodies alone (body_edits.py):
    fixed: bytes = b""  # InputState.fixed
    content: Mapping[bytes, bytes | None] = field(default_factory=dict)  # InputState.files
    load_keys: Mapping[str, bytes] = field(default_factory=dict)  # content file (its path) → load key
    load_settings: bytes = b""  # what the load keys were made with (incremental.load_settings)
    manifest: bytes = b""  # the token of the output manifest this build wrote
    theme: Mapping[bytes, tuple[bytes, bytes]] = field(default_factory=dict)  # InputState.theme


def _record_key() -> bytes:
    # Bound to the engine: a record pickled by another version (after an upgrade, with the
    # cache kept) could unpickle with a field missing, and is not read at all.
    return digest(b"input manifest", engine_fingerprint())


def _record_file(cache_dir: Path, output: Path) -> Path:
    return cache_dir / "inputs" / digest(os.fsencode(output.resolve())).hex()


def input_state(
    options_key: bytes,
    content: Path,
    templates: Path,
    config_file: Path,
    known: Mapping[bytes, tuple[bytes, bytes]] | None = None,
) -> InputState | None:
    """The digest of every input; None where inputs cannot be told apart by stat (links).
    `known`: the last build's InputState.theme, whose digests stand for files of the same stat."""
    started = time.time_ns()
    parts: list[bytes] = [options_key, engine_fingerprint()]
    fixed_parts = list(parts)
    newest = 0
    files: dict[bytes, bytes | None] = {}
    theme: dict[bytes, tuple[bytes, bytes]] = {}
    for tag, root in ((b"templates", templates), (b"settings", config_file), (b"content", content)):
        found = _tree(root, files if root is content else None, started - RECENT_NS)
        if found is None:
            return None
        entries, latest = found
        parts += [os.fsencode(root.absolute()), b"\n".join(entries)]
        newest = max(newest, latest)
        if root is not content:
            by_bytes = _by_bytes(root, tag, entries, known or {}, theme, started - RECENT_NS)
            if by_bytes is None:
                return None
            fixed_parts += [os.fsencode(root.absolute()), b"\n".join(by_bytes)]
    return InputState(digest(*parts), newest >= started - RECENT_NS, digest(*fixed_parts), files, theme)


def _by_bytes(
    root: Path,
    tag: bytes,
    entries: list[bytes],
    known: Mapping[bytes, tuple[bytes, bytes]],
    theme: dict[bytes, tuple[bytes, bytes]],
    recent: int,
) -> list[bytes] | None:
    """The entries of `_tree`, each by its name and kind, and a file also by the digest of its
    bytes: the digest `known` gives for its stat line, else read. `theme` gets each file's stat
    line and digest, unless its dates are `recent` or later (a change could keep its stat)."""
    lines = []
    for line in entries:
        if line == b"missing":
            lines.append(line)
            continue
        name, mode, _size, mtime, ctime, _inode = line.split(b"\0")
        if not stat.S_ISREG(int(mode, 8)):
            lines.append(name + b"\0" + mode)
            continue
        remembered = known.get(tag + name)
        if remembered is not None and remembered[0] == line:
            content_digest = remembered[1]
        else:
            try:
                content_digest = digest((root if name == b"." else root / os.fsdecode(name[1:])).read_bytes())
            except OSError:
                return None
        if max(int(mtime), int(ctime)) < recent:
            theme[tag + name] = (line, content_digest)
        lines.append(name + b"\0" + mode + b"\0" + content_digest)
    return lines


def _tree(
    root: Path, files: dict[bytes, bytes | None] | None = None, recent: int = 0
) -> tuple[list[bytes], int] | None:
    """Every entry under root (or root itself, a file) with its stat, and the newest date.

    `files`, if given, gets every file's stat line by its name under root; None for a file
    whose dates are `recent` or later."""
    lines: list[bytes] = []
    newest = 0
    try:
        top = os.lstat(root)
    except FileNotFoundError:
        return [b"missing"], 0
    if stat.S_ISLNK(top.st_mode):
        return None
    stack = [(os.fsencode(root), b"")]
    lines.append(_stat_line(b".", top))
    newest = max(top.st_mtime_ns, top.st_ctime_ns)
    if not stat.S_ISDIR(top.st_mode):
        return lines, newest
    while stack:
        folder, relative = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return None
        for entry in entries:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISLNK(info.st_mode):
                return None
            name = relative + b"/" + os.fsencode(entry.name)
            line = _stat_line(name, info)
            lines.append(line)
            changed = max(info.st_mtime_ns, info.st_ctime_ns)
            newest = max(newest, changed)
            if stat.S_ISDIR(info.st_mode):
                stack.append((os.fsencode(entry.path), name))
            elif files is not None:
                files[name] = line if changed < recent else None
    return lines, newest


def _stat_line(name: bytes, info: os.stat_result) -> bytes:
    return _line(name, (info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))


def _line(name: bytes, facts: tuple[int, int, int, int, int]) -> bytes:
    """An entry's stat line from (mode, size, mtime, ctime, inode)."""
    return b"%s\0%o\0%d\0%d\0%d\0%d" % (name, *facts)


def output_state(output: Path) -> bytes | None:
    """How the output folder looks: every file's name, size, date and inode."""
    # ctime too: an edit with its date put back still changes it. Linking a page into the
    # next build's output changes it as well, but only after this state has been compared.
    scan = scan_output(output)
    return None if scan is None else scan.state


@dataclass(slots=True)
class OutputScan:
    """The output folder's entries as stat lines, to be updated after a few files change."""

    root: Path
    lines: list[bytes]

    @property
    def state(self) -> bytes:
        return digest(b"\n".join(self.lines))

    def restat(self, changed: Iterable[PurePosixPath]) -> bytes | None:
        """The state once the `changed` files were replaced (which touches their folders too)."""
        where = {line.split(b"\0", 1)[0]: n for n, line in enumerate(self.lines)}
        names: set[bytes] = set()
        for relative in changed:
            name = b"/" + os.fsencode(relative.as_posix())
            names |= {name, name.rsplit(b"/", 1)[0] or b"."}
        for name in names:
            n = where.get(name)
            if n is None:
                return None
            try:
                info = os.lstat(self.root if name == b"." else self.root / os.fsdecode(name[1:]))
            except OSError:
                return None
            self.lines[n] = _stat_line(name, info)
        return self.state

    def shows(self, files: Mapping[str, tuple[int, int, int, int, int]]) -> bool:
        """Every one of these files (by name under the root: mode, size, mtime, ctime, inode)
        is in the scan as given."""
        if not files:
            return True
        found = set(self.lines)
        return all(_line(b"/" + os.fsencode(name), facts) in found for name, facts in files.items())


def scan_output(output: Path) -> OutputScan | None:
    found = _tree(output)
    return None if found is None else OutputScan(output, found[0])


def unchanged(
    remembered: Remembered | None, output: Path, inputs: InputState, now: datetime
) -> Remembered | None:
    """The last build's report (`recall`), if its inputs and output are exactly as it left them."""
    if inputs.recent:
        return None
    if remembered is None or not remembered.trusted or remembered.inputs != inputs.key:
        return None
    return remembered if output_as_left(remembered, output, now) is not None else None


def recall(cache_dir: Path, output: Path) -> Remembered | None:
    """What the last build into `output` remembered, if anything."""
    remembered = read_sealed(_record_file(cache_dir, output), _record_key())
    return remembered if isinstance(remembered, Remembered) else None


def output_as_left(remembered: Remembered, output: Path, now: datetime) -> OutputScan | None:
    """The output as the remembered build left it, if it is, and it is still right for `now`."""
    if now < remembered.built_at or (remembered.due is not None and now >= remembered.due):
        return None
    return output_as_written(remembered, output)


def output_as_written(remembered: Remembered, output: Path) -> OutputScan | None:
    """The output, if every entry is as the remembered build left it (whatever the clock)."""
    scan = scan_output(output)
    return scan if scan is not None and scan.state == remembered.output else None


def remember(cache_dir: Path, output: Path, remembered: Remembered) -> None:
    write_sealed(_record_file(cache_dir, output), _record_key(), remembered)


def forget(cache_dir: Path, output: Path) -> None:
    _record_file(cache_dir, output).unlink(missing_ok=True)
