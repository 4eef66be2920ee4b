"""The preview shows a saved briefing's page before the whole site is built again: that page
must be the one the build then writes, and nothing is shown ahead when it could differ."""

from __future__ import annotations

import json
import os
from dataclasses import replace

from briefings.pipeline import BuildOptions, build, quick_pages

from .conftest import FIXED_NOW

BRIEFING = "briefings/2026-03-05-us-and-venezuela-agree-to-restore-relations.md"


def options(site) -> BuildOptions:
    return BuildOptions(content=site.content, output=site.output, now=FIXED_NOW)


def edit(site, old: str, new: str):
    path = site.content / BRIEFING
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_page_shown_ahead_is_the_page_the_build_writes(example_copy):
    build(options(example_copy))
    saved = edit(example_copy, "title: ", "title: Edited — ")
    with saved.open("a", encoding="utf-8") as file:
        file.write("\nA late paragraph with a [link](https://example.org/).\n")
    ahead = quick_pages(options(example_copy), [saved])
    assert len(ahead) == 1
    file, page = next(iter(ahead.values()))
    assert "Edited — " in page.decode()
    build(options(example_copy))
    assert (example_copy.output / file).read_bytes() == page


def test_nothing_is_shown_ahead_when_the_briefing_moves_or_changes_its_relations(example_copy):
    build(options(example_copy))
    for old, new in (
        ("date: 2026-03-05", "date: 2026-03-04"),  # another place in every list
        ("topics: [", "topics: [Fisheries, "),  # another topic page lists it
    ):
        saved = edit(example_copy, old, new)
        assert quick_pages(options(example_copy), [saved]) == {}
        edit(example_copy, new, old)


def test_nothing_is_shown_ahead_for_a_file_with_an_error(example_copy):
    build(options(example_copy))
    saved = edit(example_copy, "date: 2026-03-05", "date: March 5, 2026")
    assert quick_pages(options(example_copy), [saved]) == {}


def test_nothing_is_shown_ahead_for_a_new_file_or_another_kind_of_file(example_copy):
    build(options(example_copy))
    new = example_copy.write(
        "briefings/2026-03-09-new.md", "---\ntitle: New\ndate: 2026-03-09\ntopics: [Trade]\n---\nText.\n"
    )
    assert quick_pages(options(example_copy), [new]) == {}
    profile = next((example_copy.content / "actors").glob("*.md"))
    assert quick_pages(options(example_copy), [profile]) == {}


def test_a_burst_of_saves_shows_nothing_ahead_of_its_build(example_copy):
    # Several files saved at once (a branch switched): the browsers reload once, after the
    # build that reads them all, not first for one page and then again.
    from briefings.serve import Preview, ReloadScope

    build(options(example_copy))
    saved = edit(example_copy, "title: ", "title: Edited — ")
    other = example_copy.content / "briefings/2026-03-06-analysis-what-the-agreement-leaves-open.md"
    other.write_text(other.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    preview = Preview(options(example_copy), (example_copy.content,), lambda *args: None)
    reloads: list[ReloadScope] = []
    preview.on_change = reloads.append
    preview.saved([str(saved), str(other)])
    assert preview.ahead == {} and reloads == [] and preview.wanted.is_set()
    preview.saved([str(saved)])  # one file: its page is shown at once, where it is open
    assert len(preview.ahead) == 1 and reloads == [ReloadScope(only=frozenset(preview.ahead))]


def test_a_page_the_build_writes_as_it_was_shown_ahead_is_not_reloaded_again(example_copy):
    # A new title: its page is shown at once, then the build writes that very page. The
    # browsers showing it have nothing new to show; every other page reloads, then only.
    from briefings.serve import Preview, ReloadScope

    build(options(example_copy))
    saved = edit(example_copy, "title: ", "title: Edited — ")
    preview = Preview(options(example_copy), (example_copy.content,), lambda *args: None)
    reloads: list[ReloadScope] = []
    preview.on_change = reloads.append
    before = json.loads(preview.state.as_json("chronology/index.html"))["generation"]
    preview.saved([str(saved)])
    ((file, (*_, shown)),) = preview.ahead.items()
    assert reloads == [ReloadScope(only=frozenset({file}))] and shown == preview.state.generation
    assert json.loads(preview.state.as_json(file))["generation"] == shown > before
    # The timeline has not changed yet: a browser showing it keeps it (and a click on it).
    assert json.loads(preview.state.as_json("chronology/index.html"))["generation"] == before
    preview.rebuild()
    assert reloads[-1] == ReloadScope(spared=frozenset({file}))
    status = json.loads(preview.state.as_json(file))
    assert status["generation"] == shown < preview.state.generation  # current, for that page
    assert (
        json.loads(preview.state.as_json("chronology/index.html"))["generation"] == preview.state.generation
    )

    # A page shown ahead that the build then writes otherwise (saved again meanwhile, say) reloads.
    saved = edit(example_copy, "title: Edited — ", "title: Edited again — ")
    preview.saved([str(saved)])
    ((file, (burst, source, data, shown)),) = preview.ahead.items()
    preview.ahead[file] = (burst, source, data.replace(b"Edited again", b"Edited twice"), shown)
    preview.rebuild()
    assert reloads[-1] == ReloadScope() and preview.state.settled == {}


def _watching_writes(monkeypatch, preview) -> list[dict[str, bytes]]:
    """What the preview shows ahead each time a build starts writing the site."""
    from briefings import incremental

    shown: list[dict[str, bytes]] = []
    write = incremental.Builder.write

    def writing(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        shown.append({file: data for file, (_, _, data, _) in preview.ahead.items()})
        return write(self, *args, **kwargs)

    monkeypatch.setattr(incremental.Builder, "write", writing)
    return shown


def test_a_briefing_that_moves_is_shown_at_once_and_the_build_confirms_it(example_copy, monkeypatch):
    # A new topic, or a new file: its page is shown at once, placed in the last build's
    # site; the build then writes that very page, so a browser showing it loads it once.
    from briefings.serve import Preview, ReloadScope

    build(options(example_copy))
    preview = Preview(options(example_copy), (example_copy.content,), lambda *args: None)
    shown_before_writing = _watching_writes(monkeypatch, preview)
    saves = (
        (lambda: edit(example_copy, "topics: [", "topics: [Fisheries, "), "Fisheries"),
        (
            lambda: example_copy.write(
                "briefings/2026-03-09-new.md",
                "---\ntitle: Fishing talks open\ndate: 2026-03-09\ntopics: [Fisheries]\n---\nText.\n",
            ),
            "Fishing talks open",
        ),
    )
    for save, words in saves:
        saved = save()
        reloads: list[ReloadScope] = []
        preview.on_change = reloads.append
        shown_before_writing.clear()
        preview.saved([str(saved)])
        ((file, (_, _, data, _)),) = preview.ahead.items()
        assert words in data.decode()
        preview.rebuild()
        assert shown_before_writing == [{file: data}]  # not replaced once the build planned it
        assert (example_copy.output / file).read_bytes() == data  # the very page it wrote
        # Shown where it is open, then every other page reloads, not that one again.
        assert reloads == [ReloadScope(only=frozenset({file})), ReloadScope(spared=frozenset({file}))]


def test_a_moved_briefing_the_build_shows_otherwise_is_shown_again_once_planned(example_copy, monkeypatch):
    # A new topic, then another briefing's new title, saved a moment later: the page shown
    # at once lists that briefing under its old title among the related ones. The build
    # reads both saves; its page replaces the first as soon as it is planned, before the
    # whole site is written.
    from briefings.serve import Preview, ReloadScope

    build(options(example_copy))
    preview = Preview(options(example_copy), (example_copy.content,), lambda *args: None)
    shown_before_writing = _watching_writes(monkeypatch, preview)
    reloads: list[ReloadScope] = []
    preview.on_change = reloads.append
    saved = edit(example_copy, "topics: [", "topics: [Fisheries, ")
    preview.saved([str(saved)])
    ((file, (_, _, guessed, _)),) = preview.ahead.items()
    assert "Interior Secretary Burgum holds talks" in guessed.decode()
    visit = example_copy.content / VISIT
    visit.write_text(
        visit.read_text(encoding="utf-8").replace("title: ", "title: Retitled — ", 1), encoding="utf-8"
    )
    preview.saved([str(visit)])
    (other,) = set(preview.ahead) - {file}
    preview.rebuild()
    (shown,) = shown_before_writing
    assert "Retitled — " in shown[file].decode() and "Fisheries" in shown[file].decode()
    assert (example_copy.output / file).read_bytes() == shown[file]
    assert reloads == [
        ReloadScope(only=frozenset({file})),
        ReloadScope(only=frozenset({other})),
        ReloadScope(only=frozenset({file})),
        ReloadScope(spared=frozenset({file, other})),
    ]


def test_a_moved_briefing_saved_again_during_the_build_is_not_shown_from_it(example_copy, monkeypatch):
    # The build read the first save; the second came while it planned: its page would be
    # stale, and the page placed for the second save stays until the next build.
    from briefings import pipeline
    from briefings.serve import Preview

    build(options(example_copy))
    saved = edit(example_copy, "topics: [", "topics: [Fisheries, ")
    preview = Preview(options(example_copy), (example_copy.content,), lambda *args: None)
    prepare = pipeline.prepare
    shown_before_writing = _watching_writes(monkeypatch, preview)

    def saved_again_while_planning(*args, **kwargs):  # type: ignore[no-untyped-def]
        planned = prepare(*args, **kwargs)
        edit(example_copy, "topics: [Fisheries, ", "topics: [Fisheries, Whaling, ")
        preview.saved([str(saved)])  # the watcher reports it while this build runs
        return planned

    monkeypatch.setattr(pipeline, "prepare", saved_again_while_planning)
    preview.saved([str(saved)])
    preview.rebuild()
    ((shown,),) = (tuple(found.values()) for found in shown_before_writing)
    assert b"Whaling" in shown and preview.wanted.is_set()
    monkeypatch.setattr(pipeline, "prepare", prepare)
    preview.rebuild()  # the next build reads the second save, and writes what was shown
    (file,) = preview.state.settled
    assert (example_copy.output / file).read_bytes() == shown


def test_nothing_is_shown_ahead_while_the_site_has_errors(example_copy):
    # Another file is broken: the preview shows the last good site until it is fixed, not a
    # page that no good build has.
    from briefings.serve import Preview

    build(options(example_copy))
    saved = edit(example_copy, "title: ", "title: Edited — ")
    preview = Preview(options(example_copy), (example_copy.content,), lambda *args: None)
    preview.state.errors = ["content/briefings/other.md:2: date: 'yesterday' is not a date"]
    preview.saved([str(saved)])
    assert preview.ahead == {} and preview.wanted.is_set()


def test_stopping_during_a_build_says_it_waits_for_it(example_copy, capsys):
    from briefings.serve import Preview

    preview = Preview(options(example_copy), (example_copy.content,), lambda *args: None)
    preview.close()
    assert "Stopping" not in capsys.readouterr().err  # idle: it just stops
    preview.state.building.set()  # as during a build on a large site, which close() waits for
    preview.close()
    assert "Stopping once the build under way is done" in capsys.readouterr().err


def test_a_failed_build_leaves_no_page_shown_ahead(example_copy):
    # A save shown ahead while a build that then fails was running: once it has failed, the
    # preview shows the last good site, that page included.
    from briefings.serve import Preview

    build(options(example_copy))
    saved = edit(example_copy, "title: ", "title: Edited — ")
    preview = Preview(options(example_copy), (example_copy.content,), lambda *args: None)
    preview.saved([str(saved)])
    ((file, (_, source, data, shown)),) = preview.ahead.items()
    preview.ahead[file] = (preview.changes + 1, source, data, shown)  # saved after the build below began
    broken = example_copy.content / "briefings/2026-03-06-analysis-what-the-agreement-leaves-open.md"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("date: ", "date: yesterday #", 1), encoding="utf-8"
    )
    preview.rebuild()
    assert preview.state.errors and preview.ahead == {}


def test_after_a_title_edit_pages_shown_ahead_carry_the_new_title_of_related_briefings(example_copy):
    """A build after a new title renders the pages showing it from the last plan, and the
    preview's record of the site is brought up to date with it: a related briefing's page
    shown ahead lists the new title, as the build after it writes."""
    build(options(example_copy))
    saved = edit(example_copy, "title: ", "title: Retitled — ")
    assert build(options(example_copy)).route == "front matter"
    others = [p for p in (example_copy.content / "briefings").rglob("*.md") if p.name != saved.name]
    shown = {}
    for other in others:
        with other.open("a", encoding="utf-8") as file:
            file.write("\nA late paragraph.\n")
        ahead = quick_pages(options(example_copy), [other])
        if ahead:
            shown.update(ahead)
    pages = [page for _, page in shown.values() if b"Retitled" in page]
    assert pages  # some other briefing lists it among its related ones
    build(options(example_copy))
    for file, page in shown.values():
        assert (example_copy.output / file).read_bytes() == page


RELATIONS = "briefings/2026-03-05-us-and-venezuela-agree-to-restore-relations.md"
VISIT = "briefings/2026-03-04-burgum-meets-rodriguez-in-caracas.md"
EVENTS = (
    "events:\n"
    "  - date: 2026-01-03\n"
    "    text: U.S. forces capture Nicolás Maduro in Caracas.\n"
    "    actors: [Nicolás Maduro]\n"
)


def test_a_briefing_that_moves_is_shown_at_once_as_the_build_then_writes_it(example_copy):
    # What a writer does that moves a briefing in the site: its page is rendered against the
    # last build's site with the briefing put in its new place, and that is the very page
    # the build writes, related briefings, event links and term links included.
    site = example_copy
    # Another briefing spells a topic "whaling", and numbers two entries of March 4 that
    # share their first words (after a month-only one that has them too).
    visit = site.content / VISIT
    visit.write_text(
        visit.read_text(encoding="utf-8")
        .replace("topics: [", "topics: [whaling, ", 1)
        .replace(
            "events:\n",
            "events:\n  - date: 2026-03\n    text: 04 officials met in Caracas\n"
            "  - date: 2026-03-04\n    text: Officials met in Caracas.\n"
            "  - date: 2026-03-04\n    text: Officials met, in Caracas.\n",
            1,
        ),
        encoding="utf-8",
    )
    saves = {
        "a new topic": lambda: edit(site, "topics: [", "topics: [Fisheries, "),
        "a spelling that ties with another briefing's, and names the topic": lambda: edit(
            site, "topics: [", "topics: [Whaling, "
        ),
        "a name only it uses, respelled": lambda: edit(site, "Fisheries, ", "FISHERIES, "),
        "an event whose anchor an earlier entry's number took": lambda: edit(
            site, "events:\n", "events:\n  - date: 2026-03-04\n    text: Officials met in Caracas 2.\n"
        ),
        "a topic with a profile, by its name": lambda: edit(
            site, "topics: [", "topics: [Critical minerals, "
        ),
        "an actor fewer (other related briefings)": lambda: edit(site, "Doug Burgum, Delcy Rodriguez, ", ""),
        "another date": lambda: edit(site, "date: 2026-03-05\n", "date: 2026-01-04\n"),
        "its own address": lambda: edit(
            site, "location: Washington", "slug: ties-restored\nlocation: Washington"
        ),
        "an event other briefings report too, gone": lambda: edit(site, EVENTS.removeprefix("events:\n"), ""),
        "a new event, sharing its words and day with one it then comes before": lambda: edit(
            site,
            "events:\n",
            "events:\n  - date: 2026-03-04\n    text: Interior Secretary Doug Burgum travels to Caracas\n",
        ),
        "a new file": lambda: site.write(
            "briefings/2026-03-09-fishing-talks.md",
            "---\ntitle: Fishing talks open\ndate: 2026-03-09\ntopics: [Fisheries, Diplomacy]\n"
            "actors: [Delcy Rodríguez, Ministry of Fisheries]\n"
            "sources:\n  - {outlet: Reuters}\n" + EVENTS + "---\nText.\n",
        ),
        "a new file reporting an event first": lambda: site.write(
            "briefings/2026-01-03-early-word.md",
            "---\ntitle: Early word\ndate: 2026-01-03T06:00:00Z\ntopics: [US–Venezuela]\n"
            "sources:\n  - {outlet: AP}\n"
            "events:\n  - date: 2026-01-03\n    text: U.S. forces capture *Nicolás Maduro* in Caracas!\n"
            "---\nText.\n",
        ),
        "a draft, shown in preview": lambda: edit(
            site, "location: Washington", "draft: true\nlocation: Washington"
        ),
    }
    for what, save in saves.items():
        preview_site = replace(options(site), drafts=True, future=True)
        likely, built = _likely_then_built_with(site, save, preview_site)
        assert likely == built, what


def _likely_then_built_with(site, save, given) -> tuple[bytes, bytes]:
    from briefings.pipeline import likely_pages

    build(given)
    saved = save()
    likely = likely_pages(given, [saved])
    assert len(likely) == 1, likely
    file, data = likely[os.path.abspath(saved)]
    build(given)
    return data, (site.output / file).read_bytes()


def test_a_failure_to_show_a_page_ahead_is_printed_and_the_site_still_builds(
    example_copy, monkeypatch, capsys
):
    # Showing a page ahead is a shortcut: whatever goes wrong there, the save is built.
    from briefings import serve
    from briefings.serve import Preview

    build(options(example_copy))
    preview = Preview(options(example_copy), (example_copy.content,), lambda *args: None)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("placing failed")

    monkeypatch.setattr(serve, "likely_pages", broken)
    saved = edit(example_copy, "topics: [", "topics: [Fisheries, ")
    preview.saved([str(saved)])
    assert preview.ahead == {} and preview.wanted.is_set()
    assert "RuntimeError: placing failed" in capsys.readouterr().err
    preview.rebuild()
    assert "Fisheries" in (example_copy.output / "topics/fisheries/index.html").read_text(encoding="utf-8")


def test_a_mistake_in_the_file_saved_is_shown_before_the_build_reports_it(example_copy, monkeypatch):
    # The file is read alone at once: its errors are what the build will say, seconds sooner
    # on a large archive. A build that read the files before the save does not clear them.
    from briefings import pipeline
    from briefings.serve import Preview

    build(options(example_copy))
    preview = Preview(options(example_copy), (example_copy.content,), lambda *args: None)

    def errors() -> list[str]:
        return json.loads(preview.state.as_json())["errors"]

    saved = edit(example_copy, "date: 2026-03-05", "date: March 5, 2026")
    preview.saved([str(saved)])
    (message,) = errors()
    assert "2026-03-05-us-and-venezuela-agree-to-restore-relations.md:3: date:" in message
    assert preview.ahead == {}
    preview.rebuild()
    assert errors() == [message]  # the build says the same
    saved = edit(example_copy, "date: March 5, 2026", "date: 2026-03-05")
    preview.saved([str(saved)])
    preview.rebuild()
    assert errors() == []

    prepare = pipeline.prepare

    def broken_while_building(*args, **kwargs):  # type: ignore[no-untyped-def]
        planned = prepare(*args, **kwargs)  # read the files as they were: sound
        edit(example_copy, "date: 2026-03-05", "date: March 5, 2026")
        preview.saved([str(saved)])
        return planned

    monkeypatch.setattr(pipeline, "prepare", broken_while_building)
    edit(example_copy, "topics: [", "topics: [Fisheries, ")  # the whole way: it reads the files
    preview.saved([str(saved)])
    preview.rebuild()
    assert errors() == [message] and preview.wanted.is_set()
    monkeypatch.setattr(pipeline, "prepare", prepare)
    preview.rebuild()
    assert errors() == [message]


def test_a_page_found_ahead_after_the_build_that_read_its_save_is_not_shown(example_copy, monkeypatch):
    # Placing a moved briefing takes a moment; a build may start in it (the save before was
    # waiting), read this save and finish. Its page is then on disk and the browsers have
    # reloaded: showing the page found from the build before would only reload it again.
    from briefings import serve
    from briefings.serve import Preview, ReloadScope

    build(options(example_copy))
    preview = Preview(options(example_copy), (example_copy.content,), lambda *args: None)
    reloads: list[ReloadScope] = []
    preview.on_change = reloads.append
    likely = serve.likely_pages

    def slow_to_place(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = likely(*args, **kwargs)
        preview.rebuild()  # the build thread, meanwhile
        return found

    monkeypatch.setattr(serve, "likely_pages", slow_to_place)
    saved = edit(example_copy, "topics: [", "topics: [Fisheries, ")
    preview.saved([str(saved)])
    assert preview.ahead == {} and preview.moved == {}
    assert reloads == [ReloadScope()]  # the build's, once
