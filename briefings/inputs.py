"""Input manifest: a rebuild whose inputs and output are as the last build left them does nothing.

After a successful build we remember, under .cache/inputs/, a digest of everything the
build read (the options, the engine, and the name, size, dates and inode of every file
and folder under content/, the templates and site.yaml), a digest of how the output folder
looked once swapped in, and what the build reported. The next build compares both
digests first; only if both match, and no briefing has become due since, does it return
the remembered report without reading, rendering or writing anything.

A file changed within the clock's resolution of a build's start could look unchanged, so
a build that saw such a recent file does not remember its inputs (the next build is a
full one). Content with symbolic links is never skipped: links can change what a path
means without touching the path.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .cache import digest, engine_fingerprint, read_sealed, write_sealed
from .errors import ContentError

_RECORD = digest(b"input manifest")
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


def _record_file(cache_dir: Path, output: Path) -> Path:
    return cache_dir / "inputs" / digest(os.fsencode(output.absolute())).hex()


def input_state(options_key: bytes, content: Path, templates: Path, config_file: Path) -> InputState | None:
    """The digest of every input; None where inputs cannot be told apart by stat (links)."""
    started = time.time_ns()
    parts: list[bytes] = [options_key, engine_fingerprint()]
    newest = 0
    for root in (content, templates, config_file):
        found = _tree(root)
        if found is None:
            return None
        entries, latest = found
        parts += [os.fsencode(root.absolute()), entries]
        newest = max(newest, latest)
    return InputState(digest(*parts), newest >= started - RECENT_NS)


def _tree(root: Path) -> tuple[bytes, int] | None:
    """Every entry under root (or root itself, a file) with its stat, and the newest date."""
    lines: list[bytes] = []
    newest = 0
    try:
        top = os.lstat(root)
    except FileNotFoundError:
        return b"missing", 0
    if stat.S_ISLNK(top.st_mode):
        return None
    stack = [(os.fsencode(root), b"")]
    lines.append(_stat_line(b".", top))
    newest = max(top.st_mtime_ns, top.st_ctime_ns)
    if not stat.S_ISDIR(top.st_mode):
        return b"\n".join(lines), newest
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
            lines.append(_stat_line(name, info))
            newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
            if stat.S_ISDIR(info.st_mode):
                stack.append((os.fsencode(entry.path), name))
    return b"\n".join(lines), newest


def _stat_line(name: bytes, info: os.stat_result) -> bytes:
    return b"%s\0%o\0%d\0%d\0%d\0%d" % (
        name,
        info.st_mode,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_ino,
    )


def output_state(output: Path) -> bytes | None:
    """How the output folder looks: every file's name, size, date and inode."""
    # ctime too: an edit with its date put back still changes it. Linking a page into the
    # next build's output changes it as well, but only after this state has been compared.
    found = _tree(output)
    return None if found is None else digest(found[0])


def unchanged(cache_dir: Path, output: Path, inputs: InputState, now: datetime) -> Remembered | None:
    """The last build's report, if its inputs and output are exactly as it left them."""
    if inputs.recent:
        return None
    remembered = read_sealed(_record_file(cache_dir, output), _RECORD)
    if not isinstance(remembered, Remembered) or remembered.inputs != inputs.key:
        return None
    if now < remembered.built_at or (remembered.due is not None and now >= remembered.due):
        return None
    if output_state(output) != remembered.output:
        return None
    return remembered


def remember(cache_dir: Path, output: Path, inputs: InputState, remembered: Remembered) -> None:
    record = _record_file(cache_dir, output)
    if inputs.recent:
        record.unlink(missing_ok=True)
        return
    write_sealed(record, _RECORD, remembered)


def forget(cache_dir: Path, output: Path) -> None:
    _record_file(cache_dir, output).unlink(missing_ok=True)
