"""The PostgreSQL change feed's watermark (store/postgres/feed.py): an
event of a transaction that began earlier and commits later is never
passed over, however many later commits a reader has read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest
from tests.harness.postgres import Postgres
from tests.store.conftest import message

from roost.store.postgres import PostgresStore
from roost.store.sqlite.blobs import BlobFiles


@pytest.fixture
async def store(postgres: Postgres, partitions: dict[str, Path]) -> AsyncIterator[PostgresStore]:
    opened = PostgresStore(postgres.new_schema(), BlobFiles(partitions, True))
    yield opened
    await opened.close()


async def test_a_commit_numbered_earlier_is_not_skipped(store: PostgresStore) -> None:
    early = await store.create_mailbox("user.bob")
    late = await store.create_mailbox("user.alice")
    start = await store.feed_position()
    with psycopg.connect(store.dsn) as held:  # begins first, so its event numbers lower
        held.execute("UPDATE mailboxes SET highestmodseq = highestmodseq + 1 WHERE id = %s",
                     (early.id,))
        await store.append(late.id, message(1))  # commits first
        assert (await store.feed_since(start, 10)).events == ()  # held back, not passed
        assert not await store.wait_for_feed(start, 0.05)
        assert await store.feed_position() == start  # a safe start: nothing below it to come
        held.commit()
    batch = await store.feed_since(start, 10)
    assert [(e.kind, e.mailbox_id) for e in batch.events] == [
        ("messages", early.id), ("messages", late.id)]
    assert await store.wait_for_feed(start, 0.05)


async def test_the_pruned_mark_is_below_every_event_still_to_come(
        store: PostgresStore) -> None:
    """Only final rows are pruned: rows of a transaction still running stay."""
    await store.create_mailbox("user.bob")
    with psycopg.connect(store.dsn) as db:
        db.execute("SELECT feed_prune(1 << 40)")
        db.commit()
        pruned = db.execute("SELECT xid, serial FROM change_feed_pruned").fetchone()
        assert pruned is not None and pruned[0] > 0
        assert db.execute("SELECT count(*) FROM change_feed").fetchone() == (0,)
    assert (await store.feed_since(0, 10)).lost
    position = await store.feed_position()
    assert not (await store.feed_since(position, 10)).lost
