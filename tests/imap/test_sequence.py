"""SequenceSet: parsing, resolving ``*``, membership, compact rendering."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roost.imap.sequence import MAX_NUMBER, STAR, SequenceSet

S = SequenceSet.parse


@pytest.mark.parametrize(
    ("text", "largest", "resolved"),
    [
        ("1", 10, [(1, 1)]),
        ("1:3,5", 10, [(1, 3), (5, 5)]),
        ("3:1", 10, [(1, 3)]),
        ("1:*", 10, [(1, 10)]),
        ("*", 10, [(10, 10)]),
        ("*:4", 10, [(4, 10)]),
        ("12:*", 10, [(10, 12)]),  # RFC 9051 §6.4.8: n:* with n > largest
        ("*", 0, []),  # largest 0: * stands for nothing ...
        ("5:*", 0, [(5, 5)]),  # ... and explicit numbers stay
        ("4,2,3,9:10,8", 100, [(2, 4), (8, 10)]),
    ],
)
def test_resolve(text: str, largest: int, resolved: list[tuple[int, int]]) -> None:
    assert S(text).resolve(largest) == resolved


@pytest.mark.parametrize("text", ["", "0", "1:", ":1", "1::2", "a", "01", "4294967296", "1,,2",
                                  "１", "1:0"])
def test_invalid(text: str) -> None:
    with pytest.raises(ValueError):
        S(text)


def test_saved_marker() -> None:
    s = S("1,$")
    assert s.saved and s.render() == "1,$"
    with pytest.raises(ValueError):
        s.resolve(5)
    assert s.with_saved(S("7:9")).resolve(20) == [(1, 1), (7, 9)]


def test_contains() -> None:
    assert S("2:4,*").contains(9, largest=9)
    assert not S("2:4,*").contains(5, largest=9)


def test_members_of_sorted_uids() -> None:
    uids = [3, 7, 8, 20, 21, 40]
    assert list(S("1:7,21:*").members(uids)) == [3, 7, 21, 40]
    assert list(S("*").members(uids)) == [40]
    assert list(S("1:*").members([])) == []


def test_from_ids_is_compact() -> None:
    assert SequenceSet.from_ids([5, 1, 2, 3, 3, 9, 10]).render() == "1:3,5,9:10"


_bound = st.integers(0, MAX_NUMBER)
sets = st.builds(
    SequenceSet,
    st.lists(st.tuples(_bound, _bound), min_size=1, max_size=5).map(tuple),
    st.booleans(),
)


@given(sets)
def test_render_round_trip(s: SequenceSet) -> None:
    assert S(s.render()) == s


@given(st.lists(st.integers(1, 500), max_size=50), st.integers(0, 500))
def test_members_agrees_with_contains(ids: list[int], extra: int) -> None:
    s = SequenceSet.from_ids(ids) if ids else SequenceSet(((STAR, STAR),))
    uids = sorted(set(ids) | {extra} - {0})
    largest = uids[-1] if uids else 0
    assert list(s.members(uids)) == [u for u in uids if s.contains(u, largest)]
