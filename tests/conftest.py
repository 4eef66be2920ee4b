"""Shared helpers: build a site from files in a temp dir, the way a writer would."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefings.pipeline import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CONTENT = ROOT / "content"
# A fixed "now" keeps the example's future/draft rules independent of the clock.
FIXED_NOW = datetime(2026, 11, 1, tzinfo=UTC)

SITE_YAML = """\
title: Test Desk
description: A desk for tests.
base_url: https://desk.example.org/
language: en
timezone: America/New_York
"""


@pytest.fixture(autouse=True, scope="session")
def _own_cache_key(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Builds in tests (and the CLI they start) keep their cache key apart from the user's."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


@contextmanager
def renames_stopped_after(count: int) -> Iterator[list[str]]:
    """Within the block, the build's renames of new files over old ones stop after `count`
    with a KeyboardInterrupt, as from a Ctrl-C at that moment; yields the targets renamed."""
    real_replace, done = os.replace, []

    def replace(source, target):  # type: ignore[no-untyped-def]
        if len(done) >= count:
            raise KeyboardInterrupt
        done.append(str(target))
        real_replace(source, target)

    os.replace = replace  # type: ignore[assignment]
    try:
        yield done
    finally:
        os.replace = real_replace


class SiteDir:
    """A throwaway site: site.yaml, content/ and an output folder."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.output = root / "_site"
        (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
        for section in ("briefings", "actors", "topics", "pages"):
            (self.content / section).mkdir(parents=True, exist_ok=True)

    def write(self, relative: str, text: str) -> Path:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def briefing(self, name: str, front: str, body: str = "A paragraph of text.\n") -> Path:
        return self.write(f"briefings/{name}.md", f"---\n{textwrap.dedent(front).strip()}\n---\n{body}")

    def config(self, text: str) -> None:
        (self.root / "site.yaml").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")

    def build(self, progress=None, **options):
        options.setdefault("now", FIXED_NOW)
        return build(BuildOptions(content=self.content, output=self.output, **options), progress)

    def read(self, relative: str) -> str:
        return (self.output / relative).read_text(encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> SiteDir:
    return SiteDir(tmp_path)


@pytest.fixture
def example_copy(tmp_path: Path) -> SiteDir:
    """A copy of the example desk that a test may change."""
    shutil.copytree(EXAMPLE_CONTENT, tmp_path / "content")
    shutil.copy(ROOT / "site.yaml", tmp_path / "site.yaml")
    copy = SiteDir.__new__(SiteDir)
    copy.root, copy.content, copy.output = tmp_path, tmp_path / "content", tmp_path / "_site"
    return copy


CHROMIUM = Path("/usr/bin/chromium")
# Debian's chromium, never a downloaded build; the flags keep it off the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """A headless Debian chromium driven by Playwright; fails in CI when missing, skips elsewhere."""
    import os

    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing: scripts/test.sh installs it")
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
