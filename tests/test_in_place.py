"""A rebuild that changes a few files of a large site replaces them within the output, and
the site is byte for byte what a clean build writes, with no folder or hidden file left over.
A build stopped before its journal is written leaves the old site; stopped after, the next
build finishes it."""

from __future__ import annotations

import os
import time
from pathlib import Path, PurePosixPath

import pytest

import briefings.output
from briefings.errors import ContentErrors
from briefings.inputs import output_state, recall
from briefings.output import InPlace

from .conftest import SiteDir, renames_stopped_after
from .test_incremental import clean_build, files_under, identities


def tree(root: Path) -> list[str]:
    """Every file and folder, hidden ones too: what a reader of the output folder sees."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


@pytest.fixture
def desk(example_copy: SiteDir) -> SiteDir:
    example_copy.build()
    return example_copy


def briefing(site: SiteDir) -> Path:
    return site.content / "briefings/2026-03-05-us-and-venezuela-agree-to-restore-relations.md"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_new_title_replaces_only_the_files_that_show_it(desk, tmp_path):
    folder, before, old = desk.output.stat().st_ino, identities(desk.output), files_under(desk.output)
    edit(briefing(desk), "title: ", "title: Revised, ")
    report = desk.build()
    assert report.route == "front matter"  # rendered from the last build's plan
    assert desk.output.stat().st_ino == folder
    built = files_under(desk.output)
    assert built == clean_build(desk, tmp_path)
    assert tree(desk.output) == tree(tmp_path / "clean-output")  # no hidden file, no stray folder
    after = identities(desk.output)
    rewritten = {name for name in after if after[name] != before[name]}
    assert rewritten == {name for name in built if built[name] != old[name]}
    assert "index.html" in rewritten and "about/index.html" not in rewritten
    assert report.files_rewritten == len(rewritten)
    # What the build recorded of the output (the old scan, with the replaced files stated
    # again) is what a new scan finds: the next build can trust it and skip its work.
    assert recall(desk.root / ".cache", desk.output).output == output_state(desk.output)


def test_a_deleted_briefing_takes_its_folder_with_it(desk, tmp_path):
    gone = desk.content / "briefings/2026-03-06-analysis-what-the-agreement-leaves-open.md"
    page = next(p for p in tree(desk.output) if "what-the-agreement-leaves-open" in p)
    gone.unlink()
    assert desk.build().route == "in place"
    assert not (desk.output / page).exists()
    assert files_under(desk.output) == clean_build(desk, tmp_path)
    assert tree(desk.output) == tree(tmp_path / "clean-output")


def test_an_added_briefing_gets_its_folder(desk, tmp_path):
    source = briefing(desk)
    copy = source.with_name("2026-03-07-follow-up.md")
    copy.write_text(source.read_text(encoding="utf-8").replace("title: ", "title: Follow-up, ", 1))
    assert desk.build().route == "in place"
    assert (desk.output / "briefings/follow-up/index.html").is_file()
    assert recall(desk.root / ".cache", desk.output).output == output_state(desk.output)
    assert files_under(desk.output) == clean_build(desk, tmp_path)
    assert tree(desk.output) == tree(tmp_path / "clean-output")


def test_stopped_before_the_journal_the_old_site_stays_whole(desk, monkeypatch):
    before, names = files_under(desk.output), tree(desk.output)
    source = briefing(desk)
    source.with_name("2026-03-07-follow-up.md").write_text(source.read_text(encoding="utf-8"))
    edit(source, "title: ", "title: Revised, ")

    def stop(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(briefings.output, "write_sealed", stop)
    with pytest.raises(KeyboardInterrupt):
        desk.build()
    assert files_under(desk.output) == before
    assert tree(desk.output) == names  # the new folders and hidden files are gone


def test_stopped_between_renames_the_next_build_finishes(desk, tmp_path):
    gone = desk.content / "briefings/2026-03-06-analysis-what-the-agreement-leaves-open.md"
    gone.unlink()
    edit(briefing(desk), "title: ", "title: Revised, ")
    with renames_stopped_after(1), pytest.raises(KeyboardInterrupt):
        desk.build()
    assert list((desk.root / ".cache/outputs").glob("*.journal"))  # renames still owed
    desk.build()
    assert not list((desk.root / ".cache/outputs").glob("*.journal"))
    assert files_under(desk.output) == clean_build(desk, tmp_path)
    assert tree(desk.output) == tree(tmp_path / "clean-output")


def test_an_output_changed_by_hand_gets_a_whole_new_site(desk, tmp_path):
    (desk.output / "stray.txt").write_text("left here by hand", encoding="utf-8")
    edit(briefing(desk), "title: ", "title: Revised, ")
    assert desk.build().route == "swapped"
    assert files_under(desk.output) == clean_build(desk, tmp_path)
    assert tree(desk.output) == tree(tmp_path / "clean-output")  # the stray file is gone


@pytest.mark.parametrize(
    ("old", "new", "fits"),
    [
        (["a/index.html", "b"], ["a/index.html", "c/index.html"], True),
        (["a/index.html"], ["a"], False),  # a file where a folder is
        (["b"], ["b/index.html"], False),  # a folder where a file is
        # macOS and Windows disks take these for the same names: renames cannot change them
        (["Press/kit.pdf"], ["press"], False),
        (["press"], ["Press/kit.pdf"], False),
        (["Docs/a.html"], ["docs/a.html"], False),
        (["docs/Readme.txt"], ["docs/README.txt"], False),
        (["caf\u00e9/index.html"], ["cafe\u0301/index.html"], False),  # é composed, and not
    ],
)
def test_renames_that_a_disk_could_not_make_need_a_whole_new_site(old, new, fits):
    existing = frozenset(PurePosixPath(p) for p in old)
    assert InPlace.fits(existing, [PurePosixPath(p) for p in new]) is fits


def test_a_journal_the_disk_will_not_finish_gives_way_to_a_whole_new_site(desk, tmp_path):
    """A rename the disk refuses stops the build after its journal; every later build would
    try the same renames again. The next one gives them up and swaps a whole new site in."""
    edit(briefing(desk), "title: ", "title: Revised, ")
    real_replace = os.replace

    def refuse(source, target):  # type: ignore[no-untyped-def]
        if os.path.basename(source).startswith(".new-"):
            raise IsADirectoryError(21, "Is a directory", target)
        real_replace(source, target)

    os.replace = refuse  # type: ignore[assignment]
    try:
        with pytest.raises(OSError):
            desk.build()
        report = desk.build()
    finally:
        os.replace = real_replace
    assert report.route == "swapped"
    assert not list((desk.root / ".cache/outputs").glob("*.journal"))
    assert files_under(desk.output) == clean_build(desk, tmp_path)
    assert tree(desk.output) == tree(tmp_path / "clean-output")


def test_a_file_name_near_the_length_limit_is_replaced_in_place(desk, tmp_path):
    """The hidden file beside a target has a short name of its own: a static file named with
    250 bytes (the limit is 255 on most file systems) leaves no room for a suffix."""
    (desk.content / ("x" * 246 + ".pdf")).write_bytes(b"%PDF-1.7 first")
    desk.build()
    (desk.content / ("x" * 246 + ".pdf")).write_bytes(b"%PDF-1.7 second")
    assert desk.build().route == "in place"
    assert files_under(desk.output) == clean_build(desk, tmp_path)


def test_a_journal_left_for_a_site_since_replaced_is_not_applied_to_it(desk):
    """A build stopped mid-renames owes a deletion; before the next cached build, another
    build (here one without the cache) writes a whole new site there. That site is not the
    one the journal was for: nothing of it is deleted, even when the next build fails."""
    gone = desk.content / "briefings/2026-03-06-analysis-what-the-agreement-leaves-open.md"
    saved = gone.read_text(encoding="utf-8")
    gone.unlink()
    with renames_stopped_after(1), pytest.raises(KeyboardInterrupt):
        desk.build()
    gone.write_text(saved, encoding="utf-8")
    desk.build(cache=False)
    site = files_under(desk.output)
    assert any("what-the-agreement-leaves-open" in name for name in site)
    (desk.content / "actors/doug-burgum.md").write_text("---\nname: [oops\n---\n", encoding="utf-8")
    with pytest.raises(ContentErrors):
        desk.build()
    assert files_under(desk.output) == site


@pytest.mark.parametrize("route", ["swapped", "in place"])
def test_a_build_that_fails_while_workers_render_leaves_nothing_behind(site, route):
    # The render workers are stopped before the build cleans up: left running, they would
    # go on writing pages into the output, or beside it into a folder already removed.
    for n in range(150):
        site.briefing(
            f"2026-03-{n % 28 + 1:02d}-note-{n}",
            f"title: Note {n}\ndate: 2026-03-{n % 28 + 1:02d}\ntopics: [Trade]",
        )
    site.config("title: Desk\n")
    if route == "in place":
        site.build(workers=2)
        site.config("title: Desk\ndescription: Now with a line on every page.\n")  # every page again
    before = files_under(site.output) if site.output.exists() else {}

    class Stopped(Exception):
        pass

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "Rendering" and done == 3:
            raise Stopped  # a closed terminal, say: the build ends while the workers render

    with pytest.raises(Stopped):
        site.build(workers=2, progress=progress)
    time.sleep(1)  # what a worker left running would write meanwhile
    # No new site, whole or partial, beside the output (the cache folder may have been begun).
    left = {p.name for p in site.root.iterdir()} - {".cache"}
    assert left == {"content", "site.yaml", *(["_site"] if before else [])}
    if before:
        assert files_under(site.output) == before
        assert not [p for p in tree(site.output) if p.rsplit("/", 1)[-1].startswith(".")]


@pytest.mark.parametrize("change", ["a title", "a new briefing"])
def test_an_output_file_edited_by_hand_during_a_build_is_not_taken_for_the_built_one(desk, tmp_path, change):
    # The build records a file it kept in place as it found it, not as it is once the build
    # is over; a build that adds a file scans the output afterwards, and a kept file that
    # no longer looks as found makes it record nothing. Either way, the next build sees the
    # edit and writes the page again.
    victim = desk.output / "about/index.html"

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "Rendering" and done == 1:
            with open(victim, "ab") as file:
                file.write(b"<!-- edited by hand -->")

    if change == "a title":
        edit(briefing(desk), "title: ", "title: Revised, ")
    else:
        source = briefing(desk)
        copy = source.with_name("2026-03-07-follow-up.md")
        copy.write_text(source.read_text(encoding="utf-8").replace("title: ", "title: Follow-up, ", 1))
    assert (
        desk.build(progress=progress).route
        == {"a title": "front matter", "a new briefing": "in place"}[change]
    )
    edit(briefing(desk), "title: ", "title: Again, ")
    desk.build()
    assert b"edited by hand" not in victim.read_bytes()
    assert files_under(desk.output) == clean_build(desk, tmp_path)
