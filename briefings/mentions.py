"""Which pages of a stored plan hold given briefings (see body_edits.py).

After an edit to what a briefing only shows, every page and export holding it is rendered
again, and only those: one that is missed would keep the old words. A page holds a
briefing when its context reaches it through any value, however deeply: a timeline entry
reporting it, a topic's list, another article's related briefings.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Collection, Iterable
from datetime import date, datetime, time, timedelta
from functools import cache, partial
from pathlib import PurePath

from .model import Briefing
from .plan import ComputedFile, PlannedPage

_PLAIN = (str, bytes, int, float, bool, type(None), date, datetime, time, timedelta, PurePath)


class Mentions:
    """Tells whether a planned page holds any of some briefings (by path).

    What pages share (an entry of the timeline, a topic's list) is looked into once, and
    what cannot hold a briefing by its declared type (a term, a date, a source) not at all.
    A value it does not know how to look into counts as holding them: the page is rendered.

    Values are remembered by id: the plan looked into must live as long as this does."""

    def __init__(self, paths: Collection[str]):
        self.paths = paths
        self.memo: dict[int, bool] = {}
        self.leaves: set[type] = set(_PLAIN)  # kinds of value that hold no briefing

    def __call__(self, item: PlannedPage | ComputedFile) -> bool:
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
        # While it is looked into, a value reached again (a cycle) counts as holding them.
        memo[id(value)] = True
        parts = self._parts(value)
        if parts is None:
            return True  # not known: rendered, to be sure
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

    def _parts(self, value: object) -> Iterable[object] | None:
        """What a value holds, or None for a value it does not know how to look into."""
        kind = type(value)
        if kind is tuple or kind is list or kind is frozenset or kind is set:
            return value  # type: ignore[return-value]
        if isinstance(value, dict):
            return (*value.keys(), *value.values())
        if isinstance(value, partial):
            return (value.func, *value.args, *value.keywords.values())
        if isinstance(value, type):
            return ()  # a class: code, not content
        if dataclasses.is_dataclass(value):
            names = fields_that_may_hold_briefings(kind)
            if not names:
                self.leaves.add(kind)
            return [getattr(value, name) for name in names]
        if isinstance(value, types.FunctionType):  # what a closure or a default holds is data
            cells = [cell.cell_contents for cell in value.__closure__ or ()]
            return (*cells, *(value.__defaults__ or ()), *(value.__kwdefaults__ or {}).values())
        if isinstance(
            value, (types.BuiltinFunctionType, types.WrapperDescriptorType, types.MethodDescriptorType)
        ):
            return ()
        if hasattr(value, "__dict__") and kind.__module__.startswith("briefings."):
            return vars(value).values()
        return None


@cache
def fields_that_may_hold_briefings(kind: type) -> tuple[str, ...]:
    """The fields of a dataclass whose declared type can reach a briefing; all of them
    when its annotations cannot be read."""
    try:
        hints = typing.get_type_hints(kind)
    except Exception:  # an annotation naming what its module does not import
        return tuple(f.name for f in dataclasses.fields(kind))
    return tuple(f.name for f in dataclasses.fields(kind) if not _cannot_hold(hints.get(f.name, object)))


_looking: set[object] = set()  # dataclasses being decided


def _cannot_hold(hint: object) -> bool:
    """True when no value of this declared type can be or hold a briefing."""
    if hint is None or (isinstance(hint, type) and issubclass(hint, _PLAIN)):
        return True
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return True
    if origin in (tuple, frozenset, set, list, dict, typing.Union, types.UnionType):
        return all(_cannot_hold(arg) for arg in typing.get_args(hint) if arg is not Ellipsis)
    if isinstance(hint, type) and hint is not Briefing and dataclasses.is_dataclass(hint):
        if hint in _looking:
            return False  # decided on its way out; until then, it may
        _looking.add(hint)
        try:
            return not fields_that_may_hold_briefings(hint)
        finally:
            _looking.discard(hint)
    return False  # Briefing itself, a type variable, Any, object, a callable: it may
