"""Write stage: the new site replaces the old one whole, or not at all.

A first build (or one whose output was changed by hand) writes every file into a temp
folder beside the output and swaps it in (`Staging`). A rebuild of an output exactly as the
last build left it writes only the files that change, each beside its target, and renames
them over their targets under a journal that makes the change all-or-nothing (`InPlace`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .cache import digest, read_sealed, write_sealed


@dataclass(frozen=True, slots=True)
class Kept:
    """A file of the current output whose bytes are already right: linked into the new
    output, not written again, so it keeps its date and anything watching it stays quiet."""

    path: Path


class UnsafePath(ValueError):
    pass


def _checked(relative: PurePosixPath) -> str:
    """The path as text, refusing one that could name a file outside the output folder."""
    text = str(relative)
    if relative.is_absolute() or ".." in relative.parts or "\\" in text or ":" in text or not text:
        raise UnsafePath(f"refusing to write outside the output folder: {text!r}")
    return text


def check_output_location(output: Path, sources: Iterable[Path]) -> None:
    """Refuse an output folder whose replacement would destroy anything but an old site.

    The output is swapped out whole, so it must not be, hold or sit inside the content,
    the templates or the settings, nor be a folder of other files (`--output .`, `~/Documents`).
    """
    target = output.resolve()
    for source in sources:
        source = source.resolve()
        if target == source:
            why = f"it is {source}"
        elif target in source.parents:
            why = f"{source} is inside it, and a build replaces the whole folder"
        elif source in target.parents:
            why = f"it is inside {source}"
        else:
            continue
        raise UnsafePath(f"refusing to build into {output}: {why}; choose a folder of its own, such as _site")
    # Every site a build writes has both; a folder made by hand (a page and notes beside
    # it) seldom does.
    built = (target / "index.html").is_file() and (target / "_headers").is_file()
    if target.is_dir() and any(target.iterdir()) and not built:
        raise UnsafePath(
            f"refusing to build into {output}: it holds files but is no site a build wrote (a build "
            "writes index.html and _headers), and the build replaces the whole folder; choose an empty "
            "or new folder"
        )


def write_site(output: Path, files: Iterable[tuple[PurePosixPath, bytes | Path | Kept]]) -> int:
    """Write `files` as the new content of `output`; on any error the old folder stays as it was.

    `files` may be a generator that renders as it goes: a failure mid-way removes the
    temp folder and leaves the previous site untouched.
    """
    with Staging(output) as staging:
        for relative, content in files:
            staging.add(relative, content)
        staging.commit()
        return staging.count


class Staging:
    """The next site, written into a temp folder beside `output` and swapped in by `commit`.

    Leaving the `with` block without committing removes the temp folder: the old site
    stays exactly as it was. Other processes may write files into it too, each calling
    `place` itself (render workers do), and adding them here as `Written`.
    """

    def __init__(self, output: Path):
        self.output = output.absolute()
        self.count = 0
        self.committed = False
        self.output.parent.mkdir(parents=True, exist_ok=True)
        recover_output(self.output)
        prefix = f".{self.output.name}.new-{os.getpid()}-"
        self.folder = Path(tempfile.mkdtemp(dir=self.output.parent, prefix=prefix))
        self.folders = _Folders(self.folder)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.committed:
            shutil.rmtree(self.folder, ignore_errors=True)

    def place(self, relative: PurePosixPath) -> Path:
        """Where `relative` goes, with its folder made; refuses paths that leave the site."""
        return self.folders.place(relative)

    def add(self, relative: PurePosixPath, content: bytes | Path | Kept | Written) -> None:
        self.count += 1
        if isinstance(content, Written):
            return  # placed and written by the process that rendered it
        target = self.place(relative)
        if isinstance(content, Kept):
            link_or_copy(content.path, target)
        elif isinstance(content, Path):
            shutil.copyfile(content, target)
        elif isinstance(content, bytes):
            target.write_bytes(content)

    def commit(self) -> None:
        os.chmod(self.folder, 0o755)
        _swap(self.folder, self.output)
        self.committed = True


@dataclass(frozen=True, slots=True)
class Written:
    """A file another process already wrote into the staging folder."""


class _Folders:
    """Where each file goes under `root`: the folders are made and checked once each, not
    once per file (a site has thousands of files in a few hundred folders). With `track`,
    the folders it had to make are listed in `made`, parents first, to be removed again."""

    def __init__(self, root: Path, track: bool = False):
        self.root = root
        self.real = root.resolve()
        self.ready: set[Path] = set()
        self.made: list[Path] | None = [] if track else None

    def place(self, relative: PurePosixPath) -> Path:
        text = _checked(relative)
        target = self.root / Path(*relative.parts)
        folder = target.parent
        if folder not in self.ready:
            missing = []
            if self.made is not None:
                # Up from the file's folder to the first that exists: those this call makes.
                above = folder
                while above != self.root and above not in self.ready and not above.exists():
                    missing.append(above)
                    above = above.parent
            folder.mkdir(parents=True, exist_ok=True)
            if self.made is not None:
                self.made.extend(reversed(missing))
            if not folder.resolve().is_relative_to(self.real):
                raise UnsafePath(f"refusing to write outside the output folder: {text!r}")
            self.ready.add(folder)
        # Files are only ever written under a checked folder, by this build, under names no
        # other file has: none of them can be a link that leads elsewhere.
        return target


def link_or_copy(existing: Path, target: Path) -> None:
    try:
        os.link(existing, target)
    except OSError:  # no hard links here (some shares and file systems): copy, keeping the date
        shutil.copy2(existing, target)


def _swap(staging: Path, output: Path) -> None:
    """One atomic exchange where the system has it, else two renames: there is never a
    moment when `output` holds a mix of old and new."""
    if not output.exists():
        os.rename(staging, output)
        return
    if _exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)  # now the old site
        return
    retired = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.old-{os.getpid()}-"))
    retired.rmdir()
    os.rename(output, retired)
    try:
        os.rename(staging, output)
    except BaseException:
        os.rename(retired, output)
        raise
    shutil.rmtree(retired, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); False where the system cannot."""
    if sys.platform != "linux":
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM):
        return False  # an old kernel or a file system without exchange
    raise OSError(code, os.strerror(code), str(second))


_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>new|old)-(?:(?P<pid>\d+)-)?[^.]*$")


def recover_output(output: Path) -> None:
    """Undo what a killed build left beside `output`: bring back a retired site if the
    output is missing, and delete temp folders whose build is no longer running."""
    output = output.absolute()
    if not output.parent.is_dir():
        return
    leftovers = []
    for path in sorted(output.parent.iterdir()):
        match = _LEFTOVER.match(path.name)
        if match and match["name"] == output.name and path.is_dir() and not _running(match["pid"]):
            leftovers.append((match["kind"], path))
    for kind, path in leftovers:
        if kind == "old" and not output.exists():
            os.rename(path, output)  # killed between the two renames: the old site returns
        else:
            shutil.rmtree(path, ignore_errors=True)


def _running(pid: str | None) -> bool:
    if pid is None:
        return False
    if int(pid) == os.getpid():
        return True  # this process's own build (a preview server builds more than once)
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


# -- replacing files in place --------------------------------------------------------

_JOURNAL = digest(b"replacement journal")


def replace_files(output: Path, files: Mapping[PurePosixPath, bytes], journal: Path) -> None:
    """Give some files of a built site new bytes: every file is written beside its target
    first; only once all are whole does the journal name them, and then each is renamed
    over its target. A build killed before the journal leaves the old files (and hidden
    leftovers that make the next build a full one); killed after it, the next build
    finishes the renames (`finish_replacements`) before anything else.
    """
    with InPlace(output, frozenset(), journal) as site:
        for relative, data in files.items():
            site.add(relative, data)
        site.commit(remove_others=False)


def disk_name(text: str) -> str:
    """A path as a case-insensitive, normalizing disk (macOS, Windows) tells names apart."""
    return text.lower() if text.isascii() else unicodedata.normalize("NFC", text).casefold()


def folders_of(text: str) -> Iterator[str]:
    """`a/b/c.html` → `a/b`, `a`."""
    end = text.rfind("/")
    while end > 0:
        text = text[:end]
        yield text
        end = text.rfind("/")


class InPlace:
    """The next site written into the current output, for a build that changes a small part
    of a large site: making a new folder tree and linking every kept file into it costs
    seconds at ten thousand pages. The same interface as `Staging`.

    Each new or changed file is written beside the one it replaces, under a hidden name.
    Only once all are whole does the journal list the renames and deletions, which are then
    done; a build killed before that leaves the old site (and hidden leftovers, which make
    the next build a full one), killed after it, the next build finishes the job
    (`finish_replacements`). Leaving the `with` block without committing removes what this
    build wrote.
    """

    def __init__(self, output: Path, existing: frozenset[PurePosixPath], journal: Path):
        self.output = output.absolute()
        self.folders = _Folders(self.output, track=True)
        self.existing = existing  # every file the output holds now
        self.journal = journal
        self.count = 0
        self.committed = False
        # Hidden names of their own, not the target's name with a suffix: a name near the
        # file system's 255-byte limit would not take one.
        self.prefix = f".new-{os.getpid()}-{os.urandom(4).hex()}-"
        self.placed = 0
        self.moves: dict[PurePosixPath, Path] = {}  # target → the hidden file with its bytes
        self.files: set[PurePosixPath] = set()  # of the new site

    @staticmethod
    def fits(existing: frozenset[PurePosixPath], files: Iterable[PurePosixPath]) -> bool:
        """True when renames can turn the old site into the new one: no new file lands where
        a folder is or needs a folder where a file is, and no name changes only in case or
        Unicode form, which macOS and Windows disks treat as the same name. Otherwise the
        build swaps a whole new tree in."""
        # A name the old site has, spelled the same, needs no new folder and takes no
        # folder's place; only new names are compared, and most rebuilds have none.
        new = [path for path in files if path not in existing]
        if not new:
            return True
        old_files = {disk_name(str(p)): str(p) for p in existing}
        old_folders: dict[str, str] = {}
        for text in old_files.values():
            for folder in folders_of(text):
                if old_folders.setdefault(disk_name(folder), folder) is not folder:
                    break  # its parents are in already
        for path in new:
            text = str(path)
            same = old_files.get(disk_name(text))
            if disk_name(text) in old_folders or (same is not None and same != text):
                return False
            for folder in folders_of(text):
                if disk_name(folder) in old_files:
                    return False
                same = old_folders.get(disk_name(folder))
                if same is not None and same != folder:
                    return False
        return True

    def __enter__(self) -> InPlace:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.committed:
            for temp in self.moves.values():
                temp.unlink(missing_ok=True)
            for folder in reversed(self.folders.made or ()):
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only if empty: another build's files stay

    def place(self, relative: PurePosixPath) -> Path:
        """The hidden file that takes `relative`'s new bytes, its folder made; refuses paths
        that leave the site."""
        target = self.folders.place(relative)
        self.placed += 1
        temp = target.with_name(f"{self.prefix}{self.placed}")
        self.moves[relative] = temp
        return temp

    def add(self, relative: PurePosixPath, content: bytes | Path | Kept | Written) -> None:
        self.count += 1
        self.files.add(relative)
        if isinstance(content, Kept):
            self.moves.pop(relative, None)  # in place already
            return
        if isinstance(content, Written):
            assert relative in self.moves, "written by another process at its place"
            return
        temp = self.place(relative)
        if isinstance(content, Path):
            shutil.copyfile(content, temp)
        else:
            temp.write_bytes(content)

    def replaced(self) -> frozenset[PurePosixPath] | None:
        """The files given new bytes, when the new site has exactly the old one's files
        (none added or removed); None otherwise."""
        return frozenset(self.moves) if self.files == self.existing else None

    def commit(self, remove_others: bool = True) -> None:
        """Rename every new file over its target; delete the files of the old site that
        the new one does not have (`remove_others`), and folders they leave empty."""
        moves = [(str(temp), str(self.output / Path(*r.parts))) for r, temp in self.moves.items()]
        removed = []
        for relative in sorted(self.existing - self.files) if remove_others else ():
            with contextlib.suppress(OSError):  # already gone
                removed.append((str(relative), _identity(self.output / Path(*relative.parts))))
        # The journal holds for this output folder and these very files alone: should another
        # build replace the site before it is finished, it is dropped, not applied to that site.
        record = (str(self.output), _identity(self.output)[:2], moves, removed)
        write_sealed(self.journal, _JOURNAL, record, must=True)
        self.committed = True
        finish_replacements(self.journal)


def _identity(path: Path) -> tuple[int, int, int]:
    """Which file this is: its device and inode, and its ctime, which linking or any change
    moves on."""
    info = os.lstat(path)
    return info.st_dev, info.st_ino, info.st_ctime_ns


def _same(path: Path, identity: tuple[int, int, int]) -> bool:
    try:
        return _identity(path) == identity
    except OSError:
        return False


def finish_replacements(journal: Path) -> None:
    """Complete the renames and deletions a journal lists (those already done are skipped),
    then drop it. A journal whose output folder was replaced since is dropped unapplied."""
    found = read_sealed(journal, _JOURNAL)
    if isinstance(found, tuple) and len(found) == 4:
        root, folder, moves, removed = found
    else:  # none, or never completed: nothing was renamed
        journal.unlink(missing_ok=True)
        return
    top = Path(root)
    try:
        same_folder = _identity(top)[:2] == folder  # its ctime moves with every rename in it
    except OSError:
        same_folder = False
    if not same_folder:
        journal.unlink(missing_ok=True)
        return
    for temp, target in moves:
        if os.path.exists(temp):
            os.replace(temp, target)
    for name, identity in removed:
        path = top / name
        if not _same(path, identity):
            continue  # not the file this journal meant to delete
        path.unlink(missing_ok=True)
        for parent in path.parents:
            if parent == top or top not in parent.parents:
                break
            try:
                parent.rmdir()
            except OSError:
                break  # not empty: the folders above it are not either
    journal.unlink(missing_ok=True)
