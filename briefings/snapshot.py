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

import pickle
from collections.abc import Callable, Sequence

from .cache import dumps
from .model import Briefing, Page, Profile
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


Rendered = PlannedPage | ComputedFile  # what a build renders, as opposed to copies and fixed bytes


def freeze_page(page: Rendered) -> bytes:
    return dumps(page, _DISPATCH)


def thaw_page(data: bytes, resolve: Resolve) -> Rendered:
    """The page (or computed file) as planned, with each content item from `resolve`; raises
    on a damaged snapshot."""
    page = _thaw(data, resolve)
    if not isinstance(page, (PlannedPage, ComputedFile)):
        raise pickle.UnpicklingError("not a planned page")
    return page


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
