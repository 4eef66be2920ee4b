"""An edit that moves no briefing (its body, or what it only shows: its title, summary,
sources) rewrites only the pages that show it, in place, from the last build's plans, and
the site is byte for byte what a clean build writes; anything more goes the full way."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import briefings.incremental
import briefings.output
import briefings.pipeline
from briefings.errors import ContentErrors
from briefings.exports import FEED_LIMIT

from .conftest import SiteDir, renames_stopped_after
from .test_incremental import clean_build, files_under, identities

ARCHIVE = FEED_LIMIT + 6  # the oldest briefings are in no feed


@pytest.fixture
def archive(site: SiteDir) -> SiteDir:
    """A desk with more briefings than a feed holds, sharing topics, actors and events."""
    actors = ["Delcy Rodríguez", "Doug Burgum", "Marco Rubio", "Nicolás Maduro"]
    for n in range(ARCHIVE):
        day = f"2026-01-{n + 1:02d}"
        site.briefing(
            f"{day}-note-{n}",
            f"""
            title: Desk note {n}
            date: {day}
            topics: [{"Oil" if n % 2 else "Diplomacy"}, US–Venezuela]
            actors: [{actors[n % 4]}, {actors[(n + 1) % 4]}]
            sources:
              - {{outlet: Wire, url: https://example.org/{n}}}
            events:
              - date: 2026-01-{n % 9 + 1:02d}
                text: Talks resume in Caracas.
                actors: [{actors[n % 4]}]
            """,
            f"The opening paragraph of note {n}.\n\nA second paragraph, with [a link](/about/).\n",
        )
    site.write("pages/about.md", "---\ntitle: About\n---\nAbout the desk.\n")
    return site


def oldest(site: SiteDir) -> Path:
    return site.content / "briefings/2026-01-01-note-0.md"


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_body_edit_rewrites_only_the_pages_that_print_it_in_place(archive, tmp_path):
    archive.build()
    folder, before = archive.output.stat().st_ino, identities(archive.output)
    old = files_under(archive.output)
    append(oldest(archive), "\nA correction: the talks were postponed.\n")
    report = archive.build()
    built = files_under(archive.output)
    assert "A correction: the talks were postponed." in built["briefings/note-0/index.html"].decode()
    assert built == clean_build(archive, tmp_path)
    assert report.route == "bodies"
    assert archive.output.stat().st_ino == folder  # replaced in place, not swapped
    after = identities(archive.output)
    rewritten = {name for name in after if after[name] != before[name]}
    assert rewritten == {name for name in built if built[name] != old[name]}
    # its page and the short feeds of its actors carry the body; lists and timelines do not
    assert "briefings/note-0/index.html" in rewritten and "actors/doug-burgum/feed.xml" in rewritten
    assert not rewritten & {"index.html", "archive/index.html", "topics/oil/index.html", "chronology.json"}
    assert report.files_rewritten == len(rewritten)
    # and the build after it knows nothing changed
    assert archive.build().files_rewritten == 0
    assert identities(archive.output) == after


def test_edits_in_a_row_each_give_the_clean_build(archive, tmp_path):
    archive.build()
    for n in range(3):
        append(oldest(archive), f"\nUpdate number {n}.\n")
        archive.build()
        assert files_under(archive.output) == clean_build(archive, tmp_path)
    # putting the file back as it was gives the first site again
    text = oldest(archive).read_text(encoding="utf-8")
    oldest(archive).write_text(text.split("\nUpdate number 0.")[0], encoding="utf-8")
    archive.build()
    assert files_under(archive.output) == clean_build(archive, tmp_path)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: t.replace("Rodríguez, Doug Burgum]", "Rodríguez, Marco Rubio]"), id="actors"),
        pytest.param(lambda t: t.replace("date: 2026-01-01", "date: 2026-01-02"), id="date"),
        pytest.param(lambda t: t.replace("Talks resume", "Talks stall"), id="event"),
        pytest.param(lambda t: t.replace("sources:", "location: Caracas\nsources:"), id="new-line"),
        pytest.param(lambda t: t.replace("date: 2026-01-01", "date: 2026-02-30"), id="mistake"),
    ],
)
def test_edits_that_move_a_briefing_go_the_full_way(archive, tmp_path, edit, request):
    archive.build()
    before = files_under(archive.output)
    path = oldest(archive)
    text = path.read_text(encoding="utf-8")
    assert edit(text) != text
    path.write_text(edit(text), encoding="utf-8")
    if request.node.callspec.id == "mistake":  # reported, and the site left as it was
        with pytest.raises(ContentErrors):
            archive.build()
        assert files_under(archive.output) == before
        return
    report = archive.build()
    assert report.route == "in place"  # indexed and planned again, not re-rendered from plans
    assert files_under(archive.output) == clean_build(archive, tmp_path)


def test_a_body_edit_to_a_briefing_in_the_json_feed_makes_the_feed_again(archive, tmp_path):
    archive.build()
    append(archive.content / f"briefings/2026-01-{ARCHIVE:02d}-note-{ARCHIVE - 1}.md", "\nLate addition.\n")
    assert archive.build().route == "bodies"
    built = files_under(archive.output)
    assert "Late addition." in built["feed.json"].decode()
    assert built == clean_build(archive, tmp_path)


def test_a_touched_output_goes_the_full_way(archive, tmp_path):
    archive.build()
    (archive.output / "about/index.html").write_text("scribbled over", encoding="utf-8")
    append(oldest(archive), "\nA correction.\n")
    assert archive.build().route == "swapped"  # what else was changed by hand is unknown
    assert files_under(archive.output) == clean_build(archive, tmp_path)


def test_damaged_stored_plans_go_the_full_way(archive, tmp_path):
    archive.build()
    for stored in (archive.root / ".cache/outputs").glob("*.pages"):
        stored.write_bytes(stored.read_bytes()[::-1])
    append(oldest(archive), "\nA correction.\n")
    archive.build()
    assert files_under(archive.output) == clean_build(archive, tmp_path)


def test_a_build_stopped_between_renames_is_finished_by_the_next(archive, tmp_path):
    """The journal names every new file once all are written; stopped halfway through the
    renames, the site holds some new files, and the next build completes it."""
    archive.build()
    append(oldest(archive), "\nA correction.\n")
    append(archive.content / "briefings/2026-01-02-note-1.md", "\nAnother correction.\n")
    with renames_stopped_after(1) as renamed, pytest.raises(KeyboardInterrupt):
        archive.build()
    assert len(renamed) == 1
    journals = list((archive.root / ".cache/outputs").glob("*.journal"))
    assert journals  # the renames are still owed
    archive.build()
    assert not list((archive.root / ".cache/outputs").glob("*.journal"))
    assert not [p for p in archive.output.rglob(".*")]  # no temp file left behind
    assert files_under(archive.output) == clean_build(archive, tmp_path)


def test_a_damaged_output_manifest_goes_the_full_way(archive, tmp_path):
    """Without the record of what each page prints, no page is known to print the body."""
    archive.build()
    for manifest in (archive.root / ".cache/outputs").glob("*"):
        if not manifest.suffix:  # not the stored plans beside it
            manifest.write_bytes(manifest.read_bytes()[::-1])
    append(oldest(archive), "\nA correction.\n")
    archive.build()
    assert "A correction." in archive.read("briefings/note-0/index.html")
    assert files_under(archive.output) == clean_build(archive, tmp_path)


def test_a_body_edit_built_by_a_new_process_keeps_the_parsed_files(archive, tmp_path):
    """The command line builds once per process: what the last build parsed stays in .cache/."""
    for n in range(40):
        archive.write(f"pages/extra-{n}.md", f"---\ntitle: Extra {n}\n---\nPage {n}.\n")
    archive.build()
    briefings.pipeline._builders.clear()  # as a new process starts
    append(oldest(archive), "\nA correction.\n")
    archive.build()
    briefings.pipeline._builders.clear()
    append(oldest(archive), "\nA second correction.\n")
    assert archive.build().route == "bodies"  # nothing had to be parsed anew
    assert files_under(archive.output) == clean_build(archive, tmp_path)


def test_plans_kept_from_a_temp_folder_on_another_disk(archive, tmp_path, monkeypatch):
    # A first build keeps its page plans in the system's temp folder until it succeeds (no
    # .cache is made before); there, that folder may be on another disk than the site.
    real_replace = os.replace

    def replace(source, target):  # type: ignore[no-untyped-def]
        source, target = Path(source), Path(target)
        if source.name.startswith(".tmp-") and source.parent != target.parent:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_replace(source, target)

    monkeypatch.setattr(briefings.incremental.os, "replace", replace)
    assert not (archive.root / ".cache").exists()
    archive.build()
    append(oldest(archive), "\nA correction: the talks were postponed.\n")
    assert archive.build().route == "bodies"  # the plans were kept, whole
    assert files_under(archive.output) == clean_build(archive, tmp_path)
    assert not [p for p in (archive.root / ".cache").rglob(".tmp-*")]


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: t.replace("title: Desk note 0", "title: Desk note zero & <co>"), id="title"),
        pytest.param(lambda t: t.replace("The opening paragraph", "A new opening"), id="summary"),
        pytest.param(lambda t: t.replace("outlet: Wire", "outlet: Wire service"), id="sources"),
    ],
)
def test_an_edit_to_what_a_briefing_shows_rewrites_the_pages_showing_it(archive, tmp_path, edit):
    archive.build()
    folder, before = archive.output.stat().st_ino, identities(archive.output)
    old = files_under(archive.output)
    path = oldest(archive)
    text = path.read_text(encoding="utf-8")
    assert edit(text) != text
    path.write_text(edit(text), encoding="utf-8")
    report = archive.build()
    assert report.route == "front matter"  # neither indexed nor planned again
    built = files_under(archive.output)
    assert built == clean_build(archive, tmp_path)
    assert archive.output.stat().st_ino == folder  # replaced in place
    after = identities(archive.output)
    rewritten = {name for name in after if after[name] != before[name]}
    assert rewritten == {name for name in built if built[name] != old[name]}
    assert report.files_rewritten == len(rewritten)
    assert "briefings/note-0/index.html" in rewritten
    assert archive.build().files_rewritten == 0


def test_a_new_title_reaches_every_page_and_export_that_shows_it(archive, tmp_path):
    archive.build()
    path = oldest(archive)
    path.write_text(
        path.read_text(encoding="utf-8").replace("Desk note 0", "Talks in Caracas"), encoding="utf-8"
    )
    report = archive.build()
    assert report.route == "front matter"
    built = files_under(archive.output)
    shown = {
        "briefings/note-0/index.html",
        "chronology/index.html",
        "chronology.json",
        "chronology.ics",
        "archive/index.html",
        "topics/diplomacy/index.html",
        "topics/us-venezuela/index.html",
        "actors/delcy-rodriguez/index.html",
        "actors/doug-burgum/index.html",
    }
    for name in shown:
        assert "Talks in Caracas" in built[name].decode(), name
    assert "Talks in Caracas" not in built["about/index.html"].decode()
    assert built == clean_build(archive, tmp_path)


def test_edits_in_a_row_of_every_kind_each_give_the_clean_build(archive, tmp_path):
    archive.build()
    path, other = oldest(archive), archive.content / "briefings/2026-01-02-note-1.md"
    steps = [
        (path, lambda t: t.replace("Desk note 0", "Desk note 0, revised"), "front matter"),
        (path, lambda t: t + "\nA correction.\n", "bodies"),
        (other, lambda t: t.replace("Desk note 1", "Desk note 1, revised"), "front matter"),
        (path, lambda t: t.replace("outlet: Wire", "outlet: Agency"), "front matter"),
        (other, lambda t: t.replace("Burgum, Marco Rubio]", "Burgum, Nicolás Maduro]"), "in place"),
        (path, lambda t: t.replace("revised", "revised twice"), "front matter"),
    ]
    for file, edit, route in steps:
        text = file.read_text(encoding="utf-8")
        assert edit(text) != text
        file.write_text(edit(text), encoding="utf-8")
        assert archive.build().route == route
        assert files_under(archive.output) == clean_build(archive, tmp_path)


@pytest.mark.parametrize(
    "edit",
    [
        # a redirect's page is planned with the briefing's title in it
        pytest.param(lambda t: t.replace("title: Desk note 0", "title: Desk note zero"), id="with-redirect"),
        # no sources at all is warned about: the warnings change
        pytest.param(
            lambda t: t.replace("sources:\n  - {outlet: Wire, url: https://example.org/0}", "sources: []"),
            id="no-sources",
        ),
    ],
)
def test_front_matter_edits_that_change_more_go_the_full_way(archive, tmp_path, edit, request):
    path = oldest(archive)
    text = path.read_text(encoding="utf-8")
    if request.node.callspec.id == "with-redirect":
        text = text.replace("sources:", "redirect_from: [/old-note/]\nsources:")
        path.write_text(text, encoding="utf-8")
    archive.build()
    assert edit(text) != text
    path.write_text(edit(text), encoding="utf-8")
    report = archive.build()
    assert report.route == "in place"
    assert files_under(archive.output) == clean_build(archive, tmp_path)


def test_a_new_title_for_a_briefing_in_the_json_feed_makes_the_feed_again(archive, tmp_path):
    archive.build()
    newest = archive.content / f"briefings/2026-01-{ARCHIVE:02d}-note-{ARCHIVE - 1}.md"
    newest.write_text(
        newest.read_text(encoding="utf-8").replace("Desk note", "Late desk note"), encoding="utf-8"
    )
    assert archive.build().route == "front matter"
    built = files_under(archive.output)
    assert "Late desk note" in built["feed.json"].decode()
    assert built == clean_build(archive, tmp_path)


@pytest.mark.parametrize("damage", ["reversed", "missing"])
def test_a_damaged_stored_plan_goes_the_full_way(archive, tmp_path, damage):
    archive.build()
    stored = list((archive.root / ".cache/outputs").glob("*.plan"))
    assert len(stored) == 1
    if damage == "missing":
        stored[0].unlink()
    else:
        stored[0].write_bytes(stored[0].read_bytes()[::-1])
    path = oldest(archive)
    path.write_text(
        path.read_text(encoding="utf-8").replace("Desk note 0", "Desk note zero"), encoding="utf-8"
    )
    assert archive.build().route == "in place"
    assert files_under(archive.output) == clean_build(archive, tmp_path)


def test_a_new_title_remakes_only_its_entries_of_the_exports(archive, tmp_path, monkeypatch):
    """The chronology's JSON and iCalendar are made from the files last written, with the
    entries reporting the edited briefing made anew: the same bytes as made whole."""
    import briefings.exports

    archive.build()
    path = oldest(archive)
    path.write_text(
        path.read_text(encoding="utf-8").replace("Desk note 0", "Talks, in Caracas; “late”"), encoding="utf-8"
    )

    def whole(*args: object) -> bytes:
        raise AssertionError("made whole")

    with monkeypatch.context() as patched:
        patched.setattr(briefings.exports, "chronology_json", whole)
        patched.setattr(briefings.exports, "chronology_ics", whole)
        assert archive.build().route == "front matter"
    built = files_under(archive.output)
    assert "Talks, in Caracas; “late”" in built["chronology.json"].decode()
    assert "Talks\\, in Caracas\\; “late”" in built["chronology.ics"].decode().replace("\r\n ", "")
    assert built == clean_build(archive, tmp_path)


def test_an_export_not_as_its_build_wrote_it_is_made_whole(archive, tmp_path):
    from briefings.exports import chronology_ics_edited, chronology_json_edited
    from briefings.pipeline import BuildOptions, builder_for, prepare

    archive.build()
    options = BuildOptions(content=archive.content, output=archive.output)
    site, urls = prepare(options, builder_for(options).read_files)[1:3]
    edited = {str(oldest(archive))}
    json_bytes = (archive.output / "chronology.json").read_bytes()
    ics_bytes = (archive.output / "chronology.ics").read_bytes()
    assert chronology_json_edited(site, urls, json_bytes, edited) == json_bytes  # nothing changed yet
    assert chronology_ics_edited(site, urls, ics_bytes, edited) == ics_bytes
    # an entry too many or too few, or another shape: not made from it
    assert (
        chronology_json_edited(site, urls, json_bytes.replace(b"\n    {", b"\n    {},\n    {", 1), edited)
        is None
    )
    assert chronology_json_edited(site, urls, b"{}", edited) is None
    assert chronology_ics_edited(site, urls, ics_bytes.replace(b"END:VEVENT\r\n", b"", 1), edited) is None
    assert chronology_ics_edited(site, urls, ics_bytes + b"BEGIN:VEVENT\r\n", edited) is None


def test_after_a_rename_body_edits_still_take_the_quick_way(site, tmp_path):
    """A feed kept through a rename (its bytes did not change) has its stored plan made
    again: the one kept from before names the old file among an article's related
    briefings, and every later body edit to a briefing in that feed went the full way."""
    source = "sources:\n  - {outlet: Wire, url: https://example.org/}"
    renamed = site.briefing(
        "2026-01-05-embassy",
        f"title: Embassy reopens\ndate: 2026-01-05\ntopics: [Diplomacy]\nactors: [Ana Núñez]\n{source}",
    )
    edited = site.briefing(
        "2026-01-06-talks",
        f"title: Talks resume\ndate: 2026-01-06\ntopics: [Diplomacy]\nactors: [Ana Núñez, Luis Ortega]\n{source}",
    )
    site.build()
    assert "Embassy reopens" in site.read("briefings/talks/index.html")  # related to it
    renamed.rename(renamed.with_name("2026-01-05-embassy-reopens.md"))
    site.build()
    # Luis Ortega's feed holds only the edited briefing, whose related one was renamed
    append(edited, "\nA correction.\n")
    assert site.build().route == "bodies"
    assert files_under(site.output) == clean_build(site, tmp_path)
