"""How the indexer cuts new messages into index transactions: at most
`search_batchsize` messages and about BATCH_BYTES of mail each, every
message once, in UID order."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from roost.search.index.feed import batches
from roost.store.api import MessageRecord

WHEN = datetime(2026, 12, 2, tzinfo=UTC)


def records(sizes: list[int]) -> list[MessageRecord]:
    return [MessageRecord(uid, uid, frozenset(), WHEN, size, f"{uid:064x}")
            for uid, size in enumerate(sizes, 1)]


@given(st.lists(st.integers(0, 100), max_size=60), st.integers(1, 10), st.integers(1, 300))
def test_every_message_once_within_both_bounds(sizes: list[int], count: int, size: int) -> None:
    given_records = records(sizes)
    parts = batches(given_records, count, size)
    assert [r for part in parts for r in part] == given_records
    for part in parts:
        assert len(part) <= count
        assert len(part) == 1 or sum(r.size for r in part) <= size
    assert all(parts) or parts == [[]]


def test_a_message_larger_than_the_bound_goes_alone() -> None:
    parts = batches(records([10, 500, 10, 10]), 100, 100)
    assert [[r.uid for r in part] for part in parts] == [[1], [2], [3, 4]]


def test_no_messages_is_one_empty_batch() -> None:
    """The last batch carries the mark past expunged UIDs, so there is one."""
    assert batches([], 100) == [[]]
