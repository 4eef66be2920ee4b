"""The whole plan a build keeps, and the search for the pages that hold a briefing in it: a
page it misses would keep an old title after a rebuild."""

from __future__ import annotations

import dataclasses
from functools import partial

from briefings.mentions import Mentions, fields_that_may_hold_briefings
from briefings.model import Briefing
from briefings.pipeline import BuildOptions, builder_for, prepare
from briefings.plan import ComputedFile, PlannedPage
from briefings.snapshot import freeze_plan, thaw_plan

from .conftest import FIXED_NOW


def _plan(site):  # type: ignore[no-untyped-def]
    options = BuildOptions(content=site.content, output=site.output, now=FIXED_NOW, drafts=True, future=True)
    outputs = prepare(options, builder_for(options).read_files)[3]
    return [item for item in outputs if isinstance(item, (PlannedPage, ComputedFile))]


def _parts(value: object) -> list[object]:
    """Everything a value holds, no field passed over."""
    if isinstance(value, dict):
        return [*value.keys(), *value.values()]
    if isinstance(value, (tuple, list, set, frozenset)):
        return list(value)
    if isinstance(value, partial):
        return [*value.args, *value.keywords.values()]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [getattr(value, f.name) for f in dataclasses.fields(value)]
    if hasattr(value, "__dict__") and not callable(value):
        return list(vars(value).values())
    return []


def _walk(value: object, seen: set[int]) -> list[object]:
    """The values a value holds, each once: none for text, numbers and what was seen."""
    if id(value) in seen or isinstance(value, (str, bytes, int, float)) or value is None:
        return []
    seen.add(id(value))
    return _parts(value)


def _briefings_in(value: object, seen: set[int] | None = None) -> set[str]:
    """Every briefing a value holds, however deeply."""
    seen = set() if seen is None else seen
    if isinstance(value, Briefing):
        return {str(value.path)}
    found: set[str] = set()
    for part in _walk(value, seen):
        found |= _briefings_in(part, seen)
    return found


def test_the_fields_passed_over_never_hold_a_briefing(example_copy):
    """The search skips fields by their declared type (a timeline entry's actors, an
    article's terms); on the example desk, with drafts and scheduled briefings, none of
    them holds one."""
    looked_at: set[type] = set()

    def check(value: object, seen: set[int]) -> None:
        if isinstance(value, Briefing):
            return
        if dataclasses.is_dataclass(value) and not isinstance(value, type) and id(value) not in seen:
            kept = fields_that_may_hold_briefings(type(value))
            looked_at.add(type(value))
            for f in dataclasses.fields(value):
                if f.name not in kept:
                    held = _briefings_in(getattr(value, f.name))
                    assert not held, f"{type(value).__name__}.{f.name} holds {held}"
        for part in _walk(value, seen):
            check(part, seen)

    seen: set[int] = set()
    for item in _plan(example_copy):
        check(item.context if isinstance(item, PlannedPage) else item.make, seen)
    names = {kind.__name__ for kind in looked_at}
    assert {"Article", "ChronologyEntry", "TermIndex", "Site", "Described"} <= names


def test_every_page_holding_a_briefing_is_found(example_copy):
    plan = _plan(example_copy)
    everything = {
        str(item.file): _briefings_in(item.context if isinstance(item, PlannedPage) else item.make)
        for item in plan
    }
    paths = sorted({path for held in everything.values() for path in held})
    assert len(paths) >= 5
    for path in paths:
        holds = Mentions({path})
        found = {str(item.file) for item in plan if holds(item)}
        assert found == {name for name, held in everything.items() if path in held}, path
    # a briefing shows on its own page, the timeline, the archive and the exports at least
    one = next(p for p in paths if "briefings/" in p)
    holds = Mentions({one})
    found = {str(item.file) for item in plan if holds(item)}
    assert {"chronology/index.html", "archive/index.html", "chronology.json", "chronology.ics"} <= found


def test_the_plan_thawed_holds_the_content_as_it_is_now(example_copy):
    plan = _plan(example_copy)
    data = freeze_plan(plan)
    asked: list[tuple[str, str]] = []

    def resolve(kind: str, path: str) -> object:  # stands in for the load cache
        asked.append((kind, path))
        return f"{kind}:{path}"

    thawed = thaw_plan(data, resolve)
    assert [str(item.file) for item in thawed] == [str(item.file) for item in plan]
    # each content file is asked for once, however many pages hold it
    assert len(asked) == len(set(asked))
    assert {kind for kind, _ in asked} >= {"briefing", "profile", "page"}
    home = next(item for item in thawed if str(item.file) == "index.html")
    assert all(isinstance(article.briefing, str) for article in home.context["latest"])  # type: ignore[union-attr]
