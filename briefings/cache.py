"""Build cache: what earlier builds computed, kept under .cache/ and trusted only when verified.

Each content file's load result (its Briefing, Profile or Page and its messages), keyed
by the file's bytes, its path, the settings the load stage reads and the engine itself,
in one pack (.cache/files.pack). And, per output folder, a manifest: for every file
written, the fingerprint of everything its page was rendered from, what the file looked
like and which briefing bodies it prints, with the plans of such pages beside it.
Every entry carries a checksum; a damaged, truncated or foreign entry reads as missing
and is computed again, never used.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import os
import pickle
import shutil
import struct
import sys
import tempfile
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from importlib import metadata
from pathlib import Path, PurePath
from typing import Any, BinaryIO

_MAGIC = b"briefings-cache-1\n"
_DIGEST = 32


def digest(*parts: bytes, key: bytes = b"") -> bytes:
    h = hashlib.blake2b(digest_size=_DIGEST, key=key)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()


_SECRET: bytes | None = None
_KEY_SIZE = 32


def _secret() -> bytes:
    """A key of this machine's user, kept outside any project: what is read back from
    .cache/ is unpickled only if it was checked with it, so a .cache/ committed to a
    repository, or made by anyone else, can never run code in a build. Where none can be
    kept (no home), each process makes its own: its cache is then only good to itself."""
    global _SECRET
    if _SECRET is None:
        _SECRET = _stored_secret() or os.urandom(_KEY_SIZE)
    return _SECRET


def _stored_secret() -> bytes | None:
    try:
        # A relative XDG_CACHE_HOME is ignored, as its specification says: it could point
        # into the very project, at a key its .cache/ brought along.
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        home = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
        path = home / "briefings" / "cache-key"
        with contextlib.suppress(FileNotFoundError):
            found = path.read_bytes()
            if len(found) == _KEY_SIZE:
                return found
        # None yet, or one cut short (by a power cut, say): made whole beside it, then put
        # in place at once, so no process ever reads half a key.
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent)  # readable by this user alone
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(os.urandom(_KEY_SIZE))
                file.flush()
                os.fsync(file.fileno())
            try:
                os.link(temp, path)  # another process that got there first keeps its key
            except FileExistsError:
                if len(path.read_bytes()) != _KEY_SIZE:
                    os.replace(temp, path)
            found = path.read_bytes()
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
        return found if len(found) == _KEY_SIZE else None
    except (OSError, RuntimeError, KeyError):  # no home directory, or none to write in
        return None


def checksum(*parts: bytes) -> bytes:
    """`digest` keyed with this machine's secret: for what is trusted when read back."""
    return digest(*parts, key=_secret())


_ENGINE: bytes | None = None


def engine_fingerprint() -> bytes:
    """The engine's own source and the versions of the libraries that shape output."""
    global _ENGINE
    if _ENGINE is None:
        package = Path(__file__).resolve().parent
        parts = [sys.version.encode()]
        for path in sorted(package.glob("*.py")):
            parts += [path.name.encode(), path.read_bytes()]
        libraries = (
            "jinja2",
            "markupsafe",
            "markdown-it-py",
            "mdit-py-plugins",
            "mdurl",
            "pyyaml",
            "anyascii",
            "tzdata",
        )
        for name in libraries:
            try:
                parts.append(f"{name}={metadata.version(name)}".encode())
            except metadata.PackageNotFoundError:
                parts.append(f"{name}=none".encode())
        parts.append(_time_zone_version())
        _ENGINE = digest(*parts)
    return _ENGINE


def _time_zone_version() -> bytes:
    """The system's time-zone database release (its rules turn local times into offsets),
    which zoneinfo reads before any tzdata package."""
    for folder in zoneinfo.TZPATH:
        try:
            with open(os.path.join(folder, "tzdata.zi"), "rb") as file:
                return file.readline()
        except OSError:
            continue
    return b"no system time zones"


def folder_fingerprint(folder: Path) -> bytes:
    """Every file under `folder` (names and bytes): a template anywhere in it may be included.

    Linked folders are followed, as the template loader follows them (a desk may share
    partials between sites that way); a link back to a folder already seen is not."""
    parts: list[bytes] = [str(folder.resolve()).encode()]
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for root, folders, names in os.walk(folder, followlinks=True):
        facts = os.stat(root)
        if (facts.st_dev, facts.st_ino) in seen:
            folders[:] = []
            continue
        seen.add((facts.st_dev, facts.st_ino))
        found += [path for path in (Path(root, name) for name in names) if path.is_file()]
    for path in sorted(found):
        parts += [path.relative_to(folder).as_posix().encode(), path.read_bytes()]
    return digest(*parts)


def read_at(file: BinaryIO, offset: int, size: int) -> bytes:
    """`size` bytes of an open file from `offset` (os.pread is not on every system)."""
    file.seek(offset)
    return file.read(size)


class Pack:
    """Checksummed pickles in one file, with their index at its end: what the last build read.

    A build reads most entries, so one file beats thousands; it is written whole after a
    full build, and grows by an appended part after a build that read a few files more.
    A damaged entry reads as missing, and a damaged index as an empty pack.
    """

    _FOOTER = struct.Struct("<Q32s")  # where the index starts, and its checksum

    def __init__(self, path: Path):
        self.path = path
        self._index: dict[bytes, tuple[int, int]] | None = None
        self._data: bytes | None = None  # the whole file, once most of it is wanted

    def index(self) -> dict[bytes, tuple[int, int]]:
        if self._index is None:
            self._index = self._read_index()
        return self._index

    def _read_index(self) -> dict[bytes, tuple[int, int]]:
        try:
            with open(self.path, "rb") as file:
                size = os.fstat(file.fileno()).st_size
                if size < self._FOOTER.size:
                    return {}
                start, check = self._FOOTER.unpack(read_at(file, size - self._FOOTER.size, self._FOOTER.size))
                if start > size - self._FOOTER.size:
                    return {}
                data = read_at(file, start, size - self._FOOTER.size - start)
        except OSError:
            return {}
        if checksum(b"index", data) != check:
            return {}
        try:
            index = pickle.loads(data)
        except Exception:
            return {}
        return index if isinstance(index, dict) else {}

    def read_all(self) -> None:
        """Read the whole file at once: for a build about to ask for most entries."""
        try:
            self._data = self.path.read_bytes()
        except OSError:
            self._data = b""

    def forget_data(self) -> None:
        self._data = None

    def get_sealed(self, key: bytes) -> bytes | None:
        place = self.index().get(key)
        if place is None:
            return None
        start, size = place
        if self._data is not None:
            return self._data[start : start + size]
        try:
            with open(self.path, "rb") as file:
                return read_at(file, start, size)
        except OSError:
            return None

    def get(self, key: bytes, many: bool = False) -> Any | None:
        """The entry, or None; `many`: more are coming, so read the whole file at once."""
        if many and self._data is None:
            self.read_all()
        sealed = self.get_sealed(key)
        return None if sealed is None else _unseal(sealed, key)

    def write(self, sealed: Iterable[tuple[bytes, bytes]]) -> None:
        """Replace the pack with these entries (key, and the entry made by `seal`)."""
        index: dict[bytes, tuple[int, int]] = {}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as file:
                at = 0
                for key, data in sealed:
                    file.write(data)
                    index[key] = (at, len(data))
                    at += len(data)
                file.write(self._footer(index, at))
            os.replace(temp, self.path)
            # Versions before the pack kept one small file per content file here.
            shutil.rmtree(self.path.parent / "files", ignore_errors=True)
        except OSError:  # a cache that cannot be written only costs time
            if "temp" in locals():
                Path(temp).unlink(missing_ok=True)
            index = {}
        self._index, self._data = index, None

    def append(self, sealed: Mapping[bytes, bytes]) -> None:
        """Add entries at the end; a crash midway leaves a pack that reads as empty."""
        index = dict(self.index())
        try:
            with open(self.path, "r+b") as file:
                at = file.seek(0, os.SEEK_END)
                for key, data in sealed.items():
                    file.write(data)
                    index[key] = (at, len(data))
                    at += len(data)
                file.write(self._footer(index, at))
        except OSError:
            return self.write(sealed.items())  # no pack yet, or not writable in place
        self._index, self._data = index, None

    def _footer(self, index: dict[bytes, tuple[int, int]], at: int) -> bytes:
        data = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
        return data + self._FOOTER.pack(at, checksum(b"index", data))


class Spill(Mapping[bytes, bytes]):
    """Sealed entries by key, kept in an unnamed temp file until the build saves them: a
    clean build parses every file, and holding all their sealed bytes in memory until the
    end would add a tenth to its peak."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self.file: BinaryIO | None = None
        self.places: dict[bytes, tuple[int, int]] = {}

    def put(self, key: bytes, sealed: bytes) -> None:
        """Keep an entry; one that cannot be written (a full disk) is not kept: a cache that
        cannot be written only costs time."""
        try:
            if self.file is None:
                self.file = self._open()
            at = self.file.seek(0, os.SEEK_END)
            self.file.write(sealed)
        except OSError:
            return
        self.places[key] = (at, len(sealed))

    def _open(self) -> BinaryIO:
        # Not made here: a build that fails leaves no trace. Without it (a first build), or
        # read-only, the system's temp folder will do.
        if self.folder is not None and self.folder.is_dir():
            with contextlib.suppress(OSError):
                return tempfile.TemporaryFile(dir=self.folder)
        return tempfile.TemporaryFile()

    def __getitem__(self, key: bytes) -> bytes:
        at, size = self.places[key]
        assert self.file is not None
        return read_at(self.file, at, size)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.places)

    def __len__(self) -> int:
        return len(self.places)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
        self.places = {}


def seal(value: Any, key: bytes) -> bytes:
    return _seal(value, key)


def opened(sealed: bytes, key: bytes) -> Any:
    """What `seal` sealed in this build (a worker's result): no checksum to verify, since it
    never left memory; what is read back from disk goes through `_unseal`."""
    return pickle.loads(memoryview(sealed)[len(_MAGIC) + len(key) + _DIGEST :])


def _seal(value: Any, key: bytes) -> bytes:
    payload = dumps(value)
    return _MAGIC + key + checksum(key, payload) + payload


def dumps(value: Any, dispatch: Mapping[type, Callable[[Any], tuple[Any, ...]]] | None = None) -> bytes:
    """`value` pickled, its frozen values as their class and fields (see `frozen_reducers`);
    `dispatch` adds reducers of its own."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**frozen_reducers(), **dispatch} if dispatch else frozen_reducers()  # type: ignore[assignment]
    pickler.dump(value)
    return buffer.getvalue()


_REDUCERS: dict[type, Callable[[Any], tuple[Any, ...]]] | None = None


def frozen_reducers() -> dict[type, Callable[[Any], tuple[Any, ...]]]:
    """Pickle reducers for the engine's frozen dataclasses: a value is its class and its
    fields, and is made again by calling the class. A slotted dataclass's own pickling reads
    and sets its fields one by one in Python; this is a third faster both ways, and the
    build pickles every briefing twice (to and from a worker) and every page plan it keeps."""
    global _REDUCERS
    if _REDUCERS is None:
        from . import (  # the engine's values; imported when first needed
            errors,
            index,
            jsonld,
            model,
            plan,
            urls,
        )

        table: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
        for module in (model, index, plan, errors, jsonld, urls):
            for kind in vars(module).values():
                if (
                    isinstance(kind, type)
                    and kind.__module__ == module.__name__
                    and dataclasses.is_dataclass(kind)
                    and kind.__dataclass_params__.frozen  # type: ignore[attr-defined]
                    # Made again from its fields in order: none may be left out of __init__,
                    # keyword-only or finished by __post_init__.
                    and all(f.init and not f.kw_only for f in dataclasses.fields(kind))
                    and not hasattr(kind, "__post_init__")
                ):
                    table[kind] = _by_fields(kind)
        _REDUCERS = table
    return _REDUCERS


def _by_fields(kind: type) -> Callable[[Any], tuple[Any, ...]]:
    names = tuple(f.name for f in dataclasses.fields(kind))

    def reduce(value: Any) -> tuple[Any, ...]:
        return kind, tuple([getattr(value, name) for name in names])

    return reduce


def _unseal(data: bytes, key: bytes) -> Any | None:
    head = len(_MAGIC) + len(key)
    if not data.startswith(_MAGIC) or data[len(_MAGIC) : head] != key:
        return None
    check, payload = data[head : head + _DIGEST], data[head + _DIGEST :]
    if check != checksum(key, payload):
        return None
    try:
        return pickle.loads(payload)
    except Exception:
        return None


def write_atomically(path: Path, data: bytes, must: bool = False) -> None:
    """Write beside the target, then rename: a reader sees the old entry or the new one, whole.

    Failing to write only costs time, unless it `must` be written: then it raises."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except OSError:
        # A cache that cannot be written (read-only checkout, full disk) only costs time.
        if "temp" in locals():
            Path(temp).unlink(missing_ok=True)
        if must:
            raise


def read_sealed(path: Path, key: bytes) -> Any | None:
    try:
        return _unseal(path.read_bytes(), key)
    except OSError:
        return None


def write_sealed(path: Path, key: bytes, value: Any, must: bool = False) -> None:
    write_atomically(path, _seal(value, key), must)


# -- fingerprints of rendered values ----------------------------------------------------


class NoFingerprint(TypeError):
    """A value whose identity cannot be told from its data: its page is always rendered."""


class Fingerprinter:
    """Digests of template contexts, such that equal digests mean equal data.

    Content objects read from a file (`known`, by type and path) stand for their load key.
    Every value is digested once per build (by identity) however many pages show them: a
    build fingerprints its plans before it renders anything, and nothing changes them. Every part is
    written so that it says where it ends (a kind, a length, or a fixed-size digest): the
    parts of a value are joined and hashed in one step, which on a large site is most of
    what fingerprinting costs.
    """

    def __init__(self, known: Mapping[tuple[str, str], bytes]):
        self.known = known
        self.memo: dict[int, tuple[object, bytes]] = {}
        self.fields: dict[type, tuple[str, ...]] = {}
        self.headers: dict[type, bytes] = {}

    def __call__(self, value: object) -> bytes:
        return self._fp(value)

    def _fp(self, value: object) -> bytes:
        kind = type(value)
        if kind is str:
            data = value.encode("utf-8", "surrogatepass")  # type: ignore[attr-defined]
            return b"s%d:%b" % (len(data), data)
        if value is None or kind is bool or kind is int or kind is float:
            return b"v%b;" % repr(value).encode()
        if (kind is tuple or kind is list) and len(value) <= 4:  # type: ignore[arg-type]
            # Short ones (a line's actors, a briefing's topics; ninety thousand on a large
            # site) are spelled out in their owner's digest, not digested and kept alone.
            body = b"".join([self._fp(item) for item in value])  # type: ignore[attr-defined]
            return b"%b%d:%b" % (b"t" if kind is tuple else b"l", len(body), body)
        memo = self.memo.get(id(value))
        if memo is not None:
            return memo[1]
        header = self.headers.get(kind)
        if header is None:
            header = self.headers[kind] = f"{kind.__module__}\0{kind.__qualname__}\0".encode()
        names = self.fields.get(kind)
        if kind is tuple or kind is list:
            body = b"".join([self._fp(item) for item in value])  # type: ignore[attr-defined]
        elif names is not None and "path" not in names:  # a dataclass seen before, not content
            body = b"".join([self._fp(getattr(value, name)) for name in names])
        else:
            body = b"".join(self._parts(value))
        result = b"d" + hashlib.blake2b(header + body, digest_size=16).digest()
        self.memo[id(value)] = (value, result)
        return result

    def _parts(self, value: object) -> Iterable[bytes]:
        if isinstance(value, str):  # Markup and other str kinds: the type above tells them apart
            data = str.encode(value, "utf-8", "surrogatepass")  # its characters, whatever __str__ says
            return (b"%d:" % len(data), data)
        if isinstance(value, (bytes, bytearray)):
            return (b"%d:" % len(value), bytes(value))
        if isinstance(value, (datetime, date, time, timedelta)):
            return (self._fp(repr(value)),)
        if isinstance(value, PurePath):
            return (self._fp(str(value)),)
        if isinstance(value, (tuple, list)):
            return [self._fp(item) for item in value]
        if isinstance(value, dict):
            return [part for k, v in value.items() for part in (self._fp(k), self._fp(v))]
        if isinstance(value, (set, frozenset)):
            return sorted(self._fp(item) for item in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            path = getattr(value, "path", None)
            known = self.known.get((type(value).__name__, str(path))) if path is not None else None
            if known is not None:
                return (b"k%d:" % len(known), known)
            names = self.fields.get(type(value))
            if names is None:
                # A class may leave out fields its pages fingerprint apart (index.Article).
                left_out = getattr(type(value), "_unfingerprinted", ())
                names = self.fields[type(value)] = tuple(
                    f.name for f in dataclasses.fields(value) if f.name not in left_out
                )
            return [self._fp(getattr(value, name)) for name in names]
        if isinstance(value, type) or (callable(value) and hasattr(value, "__qualname__")):
            owner = getattr(value, "__self__", None)  # a bound method: its object is data too
            name = self._fp(f"{getattr(value, '__module__', '')}\0{value.__qualname__}")
            return (name,) if owner is None or isinstance(owner, type) else (name, self._fp(owner))
        if hasattr(value, "__dict__") and type(value).__module__.startswith("briefings."):
            return [self._fp(vars(value))]
        raise NoFingerprint(type(value).__qualname__)
