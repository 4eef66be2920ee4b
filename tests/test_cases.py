"""Every writer mistake in tests/cases/, and exactly what the writer is told about it.

A case is `<name>.md` (a briefing) or `<name>/` (part of content/), dropped into a small
valid site; `<name>.expected` holds the messages. To see what a new case prints:
BRIEFINGS_SHOW_CASES=1 python -m pytest tests/test_cases.py -k <name> -s
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefings.check import check_site
from briefings.errors import ContentError, ContentErrors
from briefings.pipeline import BuildOptions

from .conftest import FIXED_NOW, SiteDir

CASES = Path(__file__).parent / "cases"

BASE_BRIEFING = """\
---
title: Talks begin
date: 2026-03-01
topics: [Diplomacy]
actors: [Delcy Rodríguez]
sources:
  - {outlet: Reuters, url: "https://example.com/talks"}
---
A valid briefing, so the site has something to keep.
"""
PROFILE = "---\nname: Delcy Rodríguez\nkind: person\n---\nInterim president.\n"


@dataclass(frozen=True)
class Expected:
    problems: list[str]
    published: list[tuple[str, str]]  # (file under the output, text it contains)


def read_expected(name: str) -> Expected:
    problems, published = [], []
    for raw in (CASES / f"{name}.expected").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("=>"):
            file, _, text = line[2:].strip().partition(": ")
            published.append((file, text))
        else:
            problems.append(line)
    return Expected(sorted(problems), published)


def case_names() -> list[str]:
    return sorted(p.stem for p in CASES.glob("*.expected"))


def make_site(root: Path) -> SiteDir:
    site = SiteDir(root)
    site.write("briefings/2026-03-01-talks-begin.md", BASE_BRIEFING)
    site.write("actors/delcy-rodriguez.md", PROFILE)
    return site


def install(name: str, site: SiteDir) -> None:
    if (CASES / name).is_dir():
        shutil.copytree(CASES / name, site.content, dirs_exist_ok=True)
    else:
        shutil.copy(CASES / f"{name}.md", site.content / "briefings" / f"{name}.md")


def shown(problems: tuple[ContentError, ...], root: Path) -> list[str]:
    """As the CLI prints them from the site's folder: paths relative to it."""
    prefix = str(root.resolve()) + os.sep
    return sorted(p.format(root).replace(prefix, "") for p in problems)


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_base_site_is_clean(tmp_path):
    site = make_site(tmp_path)
    report = site.build()
    assert report.warnings == ()
    assert check_site(BuildOptions(site.content, site.output, now=FIXED_NOW)).problems == ()


def test_every_case_has_its_file_and_expectations():
    names = case_names()
    assert len(names) >= 25
    for name in names:
        assert (CASES / f"{name}.md").is_file() or (CASES / name).is_dir(), name
    inputs = {p.stem for p in CASES.glob("*.md")} - {"README"} | {
        p.name for p in CASES.iterdir() if p.is_dir()
    }
    assert inputs == set(names), "a case without .expected, or the reverse"


@pytest.mark.parametrize("name", case_names())
def test_writer_mistake(name, tmp_path):
    site = make_site(tmp_path)
    site.build()
    before = files_of(site.output)
    install(name, site)
    expected = read_expected(name)

    try:
        report = site.build()
    except ContentErrors as exc:
        actual = shown((*exc.errors, *exc.warnings), site.root)
        failed = True
    else:
        actual = shown(report.warnings, site.root)
        failed = False
    if os.environ.get("BRIEFINGS_SHOW_CASES"):
        print("\n".join(["", f"# {name}", *actual]))

    assert actual == expected.problems
    has_errors = any(": warning: " not in line for line in expected.problems)
    assert failed == has_errors
    if failed:  # the last good site is untouched, and nothing is left beside it
        assert files_of(site.output) == before
        assert [p.name for p in site.root.iterdir() if p.name.startswith("._site")] == []
    for file, text in expected.published:
        assert text in site.read(file), f"{file} should contain {text!r}"

    # `check` finds the same, writing nothing.
    checked = check_site(BuildOptions(site.content, tmp_path / "never", now=FIXED_NOW))
    assert shown(checked.problems, site.root) == expected.problems
    assert checked.ok == (not has_errors)
    assert not (tmp_path / "never").exists()


def test_one_run_reports_every_mistake_in_the_site(tmp_path):
    """All the cases at once give the union of their messages: no stage hides another's errors.

    Two pages on one path, or a file where a folder goes, are found when planning, in the
    same run as two briefings on one slug (the first of them is planned).
    """
    site = make_site(tmp_path)
    names = case_names()
    for name in names:
        install(name, site)
    with pytest.raises(ContentErrors) as caught:
        site.build()
    actual = shown((*caught.value.errors, *caught.value.warnings), site.root)
    assert actual == sorted(line for n in names for line in read_expected(n).problems)
