"""A rebuild with nothing changed leaves the site alone; any change to content, settings,
templates, the output or the clock gives what a clean build gives."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta

import pytest

from briefings import inputs

from .conftest import FIXED_NOW, ROOT
from .test_incremental import clean_build, files_under, identities


@pytest.fixture(autouse=True)
def trust_fresh_files(monkeypatch):
    # Files a test has just written are younger than the clock's resolution guard; a writer's
    # files are older than that by the time they build again.
    monkeypatch.setattr(inputs, "RECENT_NS", 0)


def test_nothing_changed_keeps_the_site_folder_and_reports_the_same(example_copy):
    first = example_copy.build()
    folder, files, before = (
        example_copy.output.stat().st_ino,
        files_under(example_copy.output),
        identities(example_copy.output),
    )
    again = example_copy.build()
    assert example_copy.output.stat().st_ino == folder  # not swapped for a new copy
    assert files_under(example_copy.output) == files
    assert identities(example_copy.output) == before
    assert (again.files_written, again.pages, again.summary, again.warnings) == (
        first.files_written,
        first.pages,
        first.summary,
        first.warnings,
    )
    assert again.files_rewritten == 0
    assert [a.briefing.slug for a in again.site.articles] == [a.briefing.slug for a in first.site.articles]


def test_a_saved_file_with_the_same_words_rewrites_nothing(example_copy, tmp_path):
    example_copy.build()
    before = identities(example_copy.output)
    saved = next((example_copy.content / "briefings").glob("*.md"))
    saved.write_bytes(saved.read_bytes())
    report = example_copy.build()
    assert (report.route, report.files_rewritten) == ("unchanged", 0)
    assert identities(example_copy.output) == before
    assert files_under(example_copy.output) == clean_build(example_copy, tmp_path)


def test_settings_and_templates_saved_with_the_same_bytes_render_nothing(example_copy, tmp_path):
    # An editor's "save all" touches them: the site is as it was, and the rebuild stays quick.
    shutil.copytree(ROOT / "templates", example_copy.root / "templates")
    example_copy.build()
    before = identities(example_copy.output)
    for saved in (example_copy.root / "site.yaml", example_copy.root / "templates/base.html"):
        saved.write_bytes(saved.read_bytes())
        report = example_copy.build()
        assert (report.route, report.files_rewritten) == ("unchanged", 0)  # not indexed nor rendered
        assert identities(example_copy.output) == before
    # The template's bytes were taken again, not its old digest: a real edit still shows.
    base = example_copy.root / "templates/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("Skip to content", "Skip to the news"))
    assert example_copy.build().route == "in place"
    built = files_under(example_copy.output)
    assert "Skip to the news" in built["index.html"].decode()
    assert built == clean_build(example_copy, tmp_path)


def test_a_damaged_output_is_built_again(example_copy, tmp_path):
    example_copy.build()
    (example_copy.output / "index.html").write_text("scribbled over", encoding="utf-8")
    (example_copy.output / "archive/index.html").unlink()
    (example_copy.output / "stray.html").write_text("left by hand", encoding="utf-8")
    example_copy.build()
    assert files_under(example_copy.output) == clean_build(example_copy, tmp_path)


def test_a_settings_change_is_built(example_copy):
    example_copy.build()
    config = example_copy.root / "site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1), encoding="utf-8"
    )
    example_copy.build()
    assert "Renamed " in example_copy.read("index.html")


def test_other_options_are_built(site):
    site.briefing("2026-03-05-first", "title: First\ndate: 2026-03-05\ntopics: [Trade]")
    site.briefing(
        "2026-03-06-unfinished", "title: Unfinished\ndate: 2026-03-06\ntopics: [Trade]\ndraft: true"
    )
    site.build()
    site.build(drafts=True)
    assert "Unfinished" in site.read("briefings/unfinished/index.html")
    site.build()
    assert not (site.output / "briefings/unfinished").exists()


def test_a_scheduled_briefing_appears_once_it_is_due(site):
    site.briefing("2026-03-05-first", "title: First\ndate: 2026-03-05\ntopics: [Trade]")
    site.briefing("2026-12-01-later", "title: Later\ndate: 2026-12-01\ntopics: [Trade]")
    site.build()
    assert not (site.output / "briefings/later/index.html").exists()
    site.build(now=FIXED_NOW + timedelta(days=10))
    assert not (site.output / "briefings/later/index.html").exists()
    site.build(now=FIXED_NOW + timedelta(days=40))
    assert "Later" in site.read("briefings/later/index.html")


def test_a_deleted_briefing_disappears(example_copy, tmp_path):
    example_copy.build()
    gone = sorted((example_copy.content / "briefings").glob("*.md"))[0]
    os.unlink(gone)
    example_copy.build()
    assert files_under(example_copy.output) == clean_build(example_copy, tmp_path)


def test_a_clock_set_back_does_not_publish_what_is_not_yet_due(example_copy):
    from datetime import UTC, datetime

    later, earlier = datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 1, 4, tzinfo=UTC)
    example_copy.build(now=later)
    report = example_copy.build(now=earlier)
    assert report.summary.left_out_future == 4
    assert not (example_copy.output / "briefings/us-and-venezuela-agree-to-restore-relations").exists()
