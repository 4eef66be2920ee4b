"""Planned pages kept for later: their contexts, with content read from files stored by name.

A page can be rendered again after a briefing it shows is edited without indexing or
planning the site again (see body_edits.py), from a snapshot of its plan: each page that
prints briefing bodies has one of its own, and the whole plan of a build is kept in one
more (`freeze_plan`), where what pages share is stored once. Briefings, profiles and
pages are not stored in them, only the type and path of each; they are filled in from the
load cache when a snapshot is read, so a snapshot is small and always shows the content
as it is now.
"""

from __future__ import annotations

import dataclasses
import pickle
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import PurePath

from .cache import dumps
from .model import Briefing, Page, PartialDate, Profile, ReportedEvent, Source
from .plan import ComputedFile, PlannedPage

_CONTENT = {Briefing: "briefing", Profile: "profile", Page: "page"}

# (kind, path as text) → the item that file holds now
Resolve = Callable[[str, str], object]
_resolve: Resolve | None = None  # while a snapshot is read


def _stored(kind: str, path: str) -> object:
    """What unpickling calls for each content item named in a snapshot."""
    if _resolve is None:
        raise pickle.UnpicklingError("a snapshot is read only through thaw_page")
    return _resolve(kind, path)


def _by_name(item: Briefing | Profile | Page) -> tuple[Callable[[str, str], object], tuple[str, str]]:
    return _stored, (_CONTENT[type(item)], str(item.path))


# Consulted only for these types, unlike a persistent_id hook, which runs for every value.
_DISPATCH = {kind: _by_name for kind in _CONTENT}


def freeze_page(page: PlannedPage) -> bytes:
    return dumps(page, _DISPATCH)


def thaw_page(data: bytes, resolve: Resolve) -> PlannedPage:
    """The page as planned, with each content item from `resolve`; raises on a damaged snapshot."""
    page = _thaw(data, resolve)
    if not isinstance(page, PlannedPage):
        raise pickle.UnpicklingError("not a planned page")
    return page


Rendered = PlannedPage | ComputedFile  # what a build renders, as opposed to copies and fixed bytes


def freeze_plan(outputs: Sequence[Rendered]) -> bytes:
    """Every page and computed file of a build, in one snapshot: the timeline, the archive,
    the topic and actor pages and the exports share their entries, stored once here."""
    return dumps(tuple(outputs), _DISPATCH)


def thaw_plan(data: bytes, resolve: Resolve) -> tuple[Rendered, ...]:
    """The plan `freeze_plan` stored, with each content item from `resolve`; raises on a damaged one."""
    plan = _thaw(data, resolve)
    if not isinstance(plan, tuple) or not all(isinstance(item, (PlannedPage, ComputedFile)) for item in plan):
        raise pickle.UnpicklingError("not a plan")
    return plan


def _thaw(data: bytes, resolve: Resolve) -> object:
    global _resolve
    _resolve = resolve
    try:
        return pickle.loads(data)
    finally:
        _resolve = None


_PLAIN = (str, bytes, int, float, bool, type(None), date, datetime, time, timedelta, PurePath)
# Values that hold no briefing: passed over without a look.
_NO_BRIEFING = (PartialDate, Source, ReportedEvent, Profile, Page)
# A dataclass field whose annotation names only these holds no briefing either (a timeline
# entry's actors and topics, an article's terms): most of what a large plan holds.
_NO_BRIEFING_NAMES = frozenset(
    [
        "tuple",
        "frozenset",
        "dict",
        "str",
        "bytes",
        "int",
        "float",
        "bool",
        "None",
        "Path",
        "PurePosixPath",
        "datetime",
        "date",
        "PartialDate",
        "Source",
        "ReportedEvent",
        "Profile",
        "Page",
        "Term",
        "TermKind",
        "Slug",
        "Literal",
    ]
)
_NAME = re.compile(r"[A-Za-z_]\w*")


class Mentions:
    """Tells whether a page's plan holds any of some briefings (by path), however deeply.

    What pages share (an entry of the timeline, a topic's list) is looked into once. A
    value it does not know how to look into counts as holding them: the page is rendered."""

    def __init__(self, paths: Collection[str]):
        self.paths = paths
        self.memo: dict[int, bool] = {}
        self.fields: dict[type, tuple[str, ...]] = {}
        self.leaves: set[type] = {*_PLAIN, *_NO_BRIEFING}

    def __call__(self, item: Rendered) -> bool:
        return self._holds(item.context if isinstance(item, PlannedPage) else item.make)

    def _holds(self, value: object) -> bool:
        kind = type(value)
        if kind in self.leaves or isinstance(value, _PLAIN):
            self.leaves.add(kind)  # a kind of text, number, date or path
            return False
        memo = self.memo
        found = memo.get(id(value))
        if found is not None:
            return found
        if kind is Briefing:
            found = memo[id(value)] = str(value.path) in self.paths  # type: ignore[attr-defined]
            return found
        memo[id(value)] = False  # a value that holds itself: looked into once
        parts: Iterable[object]
        if kind is tuple or kind is list or kind is frozenset or kind is set:
            parts = value  # type: ignore[assignment]
        elif isinstance(value, dict):
            parts = (*value.keys(), *value.values())
        elif isinstance(value, partial):
            parts = (value.func, *value.args, *value.keywords.values())
        elif kind in self.fields or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
            names = self.fields.get(kind)
            if names is None:
                names = self.fields[kind] = _fields_that_may_hold_briefings(kind)
            parts = [getattr(value, name) for name in names]
        elif callable(value) and getattr(value, "__self__", None) is None and hasattr(value, "__qualname__"):
            parts = ()  # a function or a class: code, not content
        elif hasattr(value, "__dict__") and kind.__module__.startswith("briefings."):
            parts = vars(value).values()
        else:
            memo[id(value)] = True
            return True
        leaves = self.leaves
        found = False
        for part in parts:
            # Inline, as most parts are text or values already looked into: a call each would
            # cost more than the look.
            if type(part) in leaves:
                continue
            held = memo.get(id(part))
            if held is None:
                held = self._holds(part)
            if held:
                found = True
                break
        memo[id(value)] = found
        return found


def _fields_that_may_hold_briefings(kind: type) -> tuple[str, ...]:
    return tuple(
        f.name
        for f in dataclasses.fields(kind)  # type: ignore[arg-type]
        if not isinstance(f.type, str) or not set(_NAME.findall(f.type)) <= _NO_BRIEFING_NAMES
    )
