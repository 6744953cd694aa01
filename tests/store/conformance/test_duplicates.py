"""The DuplicateStore of every backend: records, their scope, expiry, and
records written with the delivery they belong to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.store.conftest import message

from roost.store.api import Delivery, MailboxNotFound
from roost.store.duplicates import DuplicateRecord, DuplicateStore

from .conftest import AnyStore, StoreFactory

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def test_records_are_per_scope_and_replace_earlier_ones(store: AnyStore) -> None:
    assert isinstance(store, DuplicateStore)
    await store.record_duplicates([DuplicateRecord("<m@x>", "user.bob", NOW - DAY, NOW)])
    await store.record_duplicates([DuplicateRecord("<m@x>", "user.bob", NOW, NOW)])
    assert await store.duplicate_seen("<m@x>", "user.bob") == NOW
    assert await store.duplicate_seen("<m@x>", "user.alice") is None


async def test_ids_with_nul_and_backslash_are_kept_apart(store: AnyStore) -> None:
    """Vacation's id is handle NUL sender (PostgreSQL TEXT holds no NUL):
    every id is its own record, however it mixes NUL and backslash."""
    ids = ["h\0ann@x", "h\\0ann@x", "h\\\0ann@x", "h\\ann@x"]
    for n, id in enumerate(ids):
        await store.record_duplicates([DuplicateRecord(id, "vacation\0bob", NOW - n * DAY, NOW)])
    assert [await store.duplicate_seen(id, "vacation\0bob") for id in ids] \
        == [NOW - n * DAY for n in range(len(ids))]
    assert await store.duplicate_seen("h", "vacation\0bob") is None


async def test_expiry_keeps_young_records_and_those_still_to_be_kept(
        open_another: StoreFactory) -> None:
    store = open_another()
    await store.record_duplicates([
        DuplicateRecord("old", "s", NOW - 10 * DAY, NOW - 10 * DAY),
        DuplicateRecord("young", "s", NOW - DAY, NOW - DAY),
        DuplicateRecord("vacation", "s", NOW - 10 * DAY, NOW + 20 * DAY),
    ])
    assert await store.expire_duplicates(NOW - 3 * DAY, NOW) == 1
    assert [await store.duplicate_seen(i, "s") is not None for i in ("old", "young", "vacation")] \
        == [False, True, True]
    await store.close()
    reopened = open_another()  # and it was all kept
    assert await reopened.duplicate_seen("vacation", "s") == NOW - 10 * DAY


async def test_a_delivery_writes_its_records_with_it(store: AnyStore) -> None:
    bob = await store.create_mailbox("user.bob")
    mark = DuplicateRecord("<1@example.com>", "user.bob", NOW, NOW)
    await store.deliver([Delivery(bob.id)], message(1), records=[mark])
    assert await store.duplicate_seen("<1@example.com>", "user.bob") == NOW
    alice = await store.create_mailbox("user.alice")
    await store.delete_mailbox(bob.id)
    lost = DuplicateRecord("<2@example.com>", "user.alice", NOW, NOW)
    with pytest.raises(MailboxNotFound):  # one target is gone: the delivery fails whole
        await store.deliver([Delivery(alice.id), Delivery(bob.id)], message(2), records=[lost])
    assert await store.duplicate_seen("<2@example.com>", "user.alice") is None
    assert await store.messages(alice.id) == []
