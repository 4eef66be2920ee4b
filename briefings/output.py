"""Write stage: write every file into a temp folder beside the output, then swap it in."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath


class UnsafePath(ValueError):
    pass


def safe_join(root: Path, relative: PurePosixPath) -> Path:
    """root/relative, refusing anything that would land outside root."""
    text = str(relative)
    if relative.is_absolute() or ".." in relative.parts or "\\" in text or ":" in text or not text:
        raise UnsafePath(f"refusing to write outside the output folder: {text!r}")
    target = root / Path(*relative.parts)
    if not target.resolve().is_relative_to(root.resolve()):
        raise UnsafePath(f"refusing to write outside the output folder: {text!r}")
    return target


def write_site(output: Path, files: Iterable[tuple[PurePosixPath, bytes | Path]]) -> int:
    """Write `files` as the new content of `output`; on any error the old folder stays as it was.

    `files` may be a generator that renders as it goes: a failure mid-way removes the
    temp folder and leaves the previous site untouched.
    """
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.new-"))
    count = 0
    try:
        for relative, content in files:
            target = safe_join(staging, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, target)
            else:
                target.write_bytes(content)
            count += 1
        os.chmod(staging, 0o755)
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _swap(staging: Path, output: Path) -> None:
    """Two renames: there is never a moment when `output` holds a mix of old and new."""
    if not output.exists():
        os.rename(staging, output)
        return
    retired = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.old-"))
    retired.rmdir()
    os.rename(output, retired)
    try:
        os.rename(staging, output)
    except BaseException:
        os.rename(retired, output)
        raise
    shutil.rmtree(retired, ignore_errors=True)
