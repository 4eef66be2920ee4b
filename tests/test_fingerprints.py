"""Page fingerprints: equal data gives equal digests, and any difference a page could show
gives a different one. A wrong "equal" keeps a stale page on the site after an edit."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, make_dataclass
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from briefings.cache import Fingerprinter


@dataclass(frozen=True, slots=True)
class Pair:
    first: object
    second: object


class Tag(str):
    """A str kind that prints otherwise than its characters."""

    def __str__(self) -> str:
        return "tag"


def made_in(module: str, name: str) -> type:
    kind = make_dataclass(name.rsplit(".", 1)[-1], [("value", str)], frozen=True)
    kind.__module__, kind.__qualname__ = module, name
    return kind


def fingerprint(value: object) -> bytes:
    return Fingerprinter({})(value)


DIFFERENT = [
    (("ab", "c"), ("a", "bc")),  # where one string ends and the next begins
    (("as", "b"), ("a", "sb")),
    (("a", ""), ("a",)),
    (("1",), (1,)),
    ((None,), ("None",)),
    ((True,), (1,)),
    (("x",), ["x"]),
    ((Markup("<b>x</b>"),), ("<b>x</b>",)),  # escaped or not prints differently
    ({"a": "b", "c": "d"}, {"a": "bc", "": "d"}),
    (Pair("a", ("b",)), Pair(("a",), "b")),
    ((date(2026, 3, 5),), ("datetime.date(2026, 3, 5)",)),
    ((b"s1:a",), ("a",)),
    (Tag("a"), Tag("b")),  # a str kind is told by its characters, not by what str() gives
    (made_in("desk.a", "b")("x"), made_in("desk", "a.b")("x")),  # where the module name ends
    (made_in("desk.a", "b"), made_in("desk", "a.b")),
    (((("a",),),), (("a",),)),
    (
        ("a", "b", "c", "d", "e"),
        ("a", "b", "c", "d", ("e",)),
    ),  # short ones are spelled out, long ones digested
    ((("a",), "b"), (["a"], "b")),
]


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_values_have_different_fingerprints(one, other):
    assert fingerprint(one) != fingerprint(other)


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.binary(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=6).map(tuple) | st.lists(inner, max_size=6) | st.builds(Pair, inner, inner)
    ),
    max_leaves=12,
)


@given(values, values)
def test_fingerprints_are_equal_exactly_when_values_are(one, other):
    same = type(one) is type(other) and repr(one) == repr(other)
    assert (fingerprint(one) == fingerprint(other)) == same
    # and a copy made apart from the first (no shared objects) gets the same digest
    assert fingerprint(one) == fingerprint(pickle.loads(pickle.dumps(one)))
