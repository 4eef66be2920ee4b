"""The key that what .cache/ gives back is checked with: kept per user, outside any
project, and never a reason for a build to fail."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from briefings import cache


@pytest.fixture
def fresh_key(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """No key made yet in this process; the user's cache folder is `tmp_path/xdg`."""
    monkeypatch.setattr(cache, "_SECRET", None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg/briefings/cache-key"


def test_the_key_is_made_once_and_kept_private(fresh_key):
    key = cache._secret()
    assert fresh_key.read_bytes() == key and len(key) == 32
    assert fresh_key.stat().st_mode & 0o777 == 0o600
    cache._SECRET = None
    assert cache._secret() == key  # the next build, in another process, finds the same


@pytest.mark.parametrize("damaged", [b"", b"short", os.urandom(100)])
def test_a_damaged_key_is_replaced_never_used(fresh_key, damaged):
    # Empty (a power cut before it was written), or too long for the hash to take.
    fresh_key.parent.mkdir(parents=True)
    fresh_key.write_bytes(damaged)
    key = cache._secret()
    assert len(key) == 32 and fresh_key.read_bytes() == key
    assert cache.checksum(b"x") != cache.digest(b"x")  # keyed: not what anyone can compute


def test_a_relative_cache_home_is_ignored(fresh_key, tmp_path, monkeypatch):
    # It would be read from wherever the build runs: the project, whose .cache/ could
    # bring a key along.
    monkeypatch.chdir(tmp_path)
    planted = tmp_path / ".cache/briefings/cache-key"
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"k" * 32)
    monkeypatch.setenv("XDG_CACHE_HOME", ".cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache._secret() != b"k" * 32
    assert (tmp_path / "home/.cache/briefings/cache-key").read_bytes() == cache._secret()


def test_with_no_home_a_build_still_works(fresh_key, monkeypatch, example_copy, tmp_path):
    # A container run as a user with no home and no passwd entry.
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("HOME", raising=False)

    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    with pytest.raises(RuntimeError):
        Path.home()
    example_copy.build()
    example_copy.build()  # this process's key: its own cache still serves it
    assert (example_copy.output / "index.html").is_file()
