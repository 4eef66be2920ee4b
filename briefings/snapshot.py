"""A planned page kept for later: its context, with content read from files stored by name.

A page that prints briefing bodies can be rendered again after such a body changes without
indexing or planning the site again (see body_edits.py), from this snapshot of its plan.
Briefings, profiles and pages are not stored in it, only the type and path of each; they
are filled in from the load cache when the snapshot is read, so a snapshot is small and
always shows the content as it is now.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable

from .cache import dumps
from .model import Briefing, Page, Profile
from .plan import PlannedPage

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
    global _resolve
    _resolve = resolve
    try:
        page = pickle.loads(data)
    finally:
        _resolve = None
    if not isinstance(page, PlannedPage):
        raise pickle.UnpicklingError("not a planned page")
    return page
