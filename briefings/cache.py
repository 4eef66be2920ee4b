"""Build cache: what earlier builds computed, kept under .cache/ and trusted only when verified.

Two things are kept. Each content file's load result (its Briefing, Profile or Page and
its messages), keyed by the file's bytes, its path, the settings the load stage reads and
the engine itself. And, per output folder, a manifest: for every file written, the
fingerprint of everything its page was rendered from, and what the file looked like.
Every entry carries a checksum; a damaged, truncated or foreign entry reads as missing
and is computed again, never used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from importlib import metadata
from pathlib import Path, PurePath
from typing import Any

_MAGIC = b"briefings-cache-1\n"
_DIGEST = 32


def digest(*parts: bytes) -> bytes:
    h = hashlib.blake2b(digest_size=_DIGEST)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()


_ENGINE: bytes | None = None


def engine_fingerprint() -> bytes:
    """The engine's own source and the versions of the libraries that shape output."""
    global _ENGINE
    if _ENGINE is None:
        package = Path(__file__).resolve().parent
        parts = [sys.version.encode()]
        for path in sorted(package.glob("*.py")):
            parts += [path.name.encode(), path.read_bytes()]
        for name in ("jinja2", "markupsafe", "markdown-it-py", "mdit-py-plugins", "pyyaml", "anyascii"):
            try:
                parts.append(f"{name}={metadata.version(name)}".encode())
            except metadata.PackageNotFoundError:
                parts.append(f"{name}=none".encode())
        _ENGINE = digest(*parts)
    return _ENGINE


def folder_fingerprint(folder: Path) -> bytes:
    """Every file under `folder` (names and bytes): a template anywhere in it may be included."""
    parts: list[bytes] = [str(folder.resolve()).encode()]
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            parts += [path.relative_to(folder).as_posix().encode(), path.read_bytes()]
    return digest(*parts)


class Store:
    """Checksummed pickles in one folder; anything that fails its check reads as missing."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, key: bytes) -> Path:
        name = key.hex()
        return self.folder / name[:2] / name[2:]

    def get(self, key: bytes) -> Any | None:
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        return _unseal(data, key)

    def put(self, key: bytes, value: Any) -> None:
        _write_atomically(self._path(key), _seal(value, key))


def _seal(value: Any, key: bytes) -> bytes:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _MAGIC + key + digest(key, payload) + payload


def _unseal(data: bytes, key: bytes) -> Any | None:
    head = len(_MAGIC) + len(key)
    if not data.startswith(_MAGIC) or data[len(_MAGIC) : head] != key:
        return None
    check, payload = data[head : head + _DIGEST], data[head + _DIGEST :]
    if check != digest(key, payload):
        return None
    try:
        return pickle.loads(payload)
    except Exception:
        return None


def _write_atomically(path: Path, data: bytes, must: bool = False) -> None:
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


def write_raw(path: Path, data: bytes) -> None:
    """Bytes whose every part is checked by its reader (a checksum kept elsewhere)."""
    _write_atomically(path, data)


def write_sealed(path: Path, key: bytes, value: Any, must: bool = False) -> None:
    _write_atomically(path, _seal(value, key), must)


# -- fingerprints of rendered values ----------------------------------------------------


class NoFingerprint(TypeError):
    """A value whose identity cannot be told from its data: its page is always rendered."""


class Fingerprinter:
    """Digests of template contexts, such that equal digests mean equal data.

    Content objects read from a file (`known`, by type and path) stand for their load key.
    Frozen values are digested once per build however many pages show them.
    """

    def __init__(self, known: Mapping[tuple[str, str], bytes]):
        self.known = known
        self.memo: dict[int, tuple[object, bytes]] = {}
        self.fields: dict[type, tuple[str, ...]] = {}

    def __call__(self, value: object) -> bytes:
        return self._fp(value)

    def _fp(self, value: object) -> bytes:
        kind = type(value)
        if kind is str:
            return b"s" + value.encode("utf-8", "surrogatepass")  # type: ignore[attr-defined]
        if value is None or kind in (bool, int, float):
            return b"v" + repr(value).encode()
        memo = self.memo.get(id(value))
        if memo is not None:
            return memo[1]
        result = digest(kind.__module__.encode(), kind.__qualname__.encode(), *self._parts(value))
        self.memo[id(value)] = (value, result)
        return result

    def _parts(self, value: object) -> Iterable[bytes]:
        if isinstance(value, str):  # Markup and other str kinds: the type above tells them apart
            return (value.encode("utf-8", "surrogatepass"),)
        if isinstance(value, (bytes, bytearray)):
            return (bytes(value),)
        if isinstance(value, (datetime, date, time, timedelta)):
            return (repr(value).encode(),)
        if isinstance(value, PurePath):
            return (str(value).encode(),)
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
                return (known,)
            names = self.fields.get(type(value))
            if names is None:
                names = self.fields[type(value)] = tuple(f.name for f in dataclasses.fields(value))
            return [self._fp(getattr(value, name)) for name in names]
        if isinstance(value, type) or (callable(value) and hasattr(value, "__qualname__")):
            owner = getattr(value, "__self__", None)  # a bound method: its object is data too
            name = f"{getattr(value, '__module__', '')}.{value.__qualname__}".encode()
            return (name,) if owner is None or isinstance(owner, type) else (name, self._fp(owner))
        if hasattr(value, "__dict__") and type(value).__module__.startswith("briefings."):
            return [self._fp(vars(value))]
        raise NoFingerprint(type(value).__qualname__)
