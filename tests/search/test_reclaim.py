"""Reclaiming what expunged messages and deleted mailboxes left in the
index, without a rebuild (`squatter -i`, the rolling indexer): the text
leaves the FTS5 tables, a body another message still holds stays, and
every answer stays the unindexed one. On each engine (FTS5, PostgreSQL)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.search.engines import Engine
from tests.search.mail import message
from tests.search.test_index_exact import search

from roost.search import query as q
from roost.search.index.feed import Indexer
from roost.store.sqlite import SqliteStore


async def scenario(root: Path, engine: Engine) -> None:
    store = SqliteStore(root / "mailstore.db", {"default": root / "spool"}, fsync=False)
    index = engine.new()
    feeder = Indexer(store, index)
    try:
        inbox = await store.create_mailbox("user.bob")
        other = await store.create_mailbox("user.bob.Other")
        for body in ("alpha unique1", "beta unique2", "gamma unique3"):
            await store.append(inbox.id, message("s", body, 0))
        await store.copy(inbox.id, [2], other.id)  # "beta" is held twice
        doomed = await store.create_mailbox("user.bob.Doomed")
        await store.append(doomed.id, message("s", "delta unique4", 0))
        await feeder.mailboxes(await store.list_mailboxes("user.bob"), rebuild=True)
        assert engine.holding(index, "unique1") == 1 and engine.rows(index, "docs") == 4

        await store.store_flags(inbox.id, [1, 2], "add", ["\\Deleted"])
        await store.expunge(inbox.id)
        await store.delete_mailbox(doomed.id)
        done = await feeder.reclaim(await store.list_mailboxes("user.bob"))

        # unique1's body is in no mailbox now: its text is gone from the index;
        # beta's copy in Other keeps its document; Doomed's mark is gone.
        assert engine.holding(index, "unique1") == 0
        assert engine.holding(index, "unique2") == 1
        assert done.bodies == 2  # unique1, and unique4 of the deleted mailbox
        assert engine.rows(index, "docs") == 2 and engine.rows(index, "places") == 2
        assert set(index.marks("bob")) == {inbox.id, other.id}
        info = await store.mailbox_by_id(inbox.id)
        for key in (q.Body("unique"), q.Body("alpha"), q.Not(q.Body("gamma")), q.Text("beta")):
            assert await search(store, index, info, key) == await search(store, None, info, key)

        # The same body arriving again after its reclaim is indexed afresh.
        await store.append(inbox.id, message("s", "alpha unique1", 0))
        await feeder.mailboxes([await store.mailbox_by_id(inbox.id)])
        info = await store.mailbox_by_id(inbox.id)
        assert await search(store, index, info, q.Body("unique1")) == [4]
        assert engine.holding(index, "unique1") == 1
    finally:
        index.close()
        await store.close()


def test_reclaim_takes_out_expunged_and_deleted_without_a_rebuild(tmp_path: Path, engine: Engine) -> None:
    asyncio.run(scenario(tmp_path, engine))


async def arrival_race(root: Path, engine: Engine) -> None:
    """UIDs at or above the UIDNEXT read before the messages are never taken
    for expunged, though they are missing from the list of live ones."""
    store = SqliteStore(root / "mailstore.db", {"default": root / "spool"}, fsync=False)
    index = engine.new()
    try:
        inbox = await store.create_mailbox("user.bob")
        for body in ("one", "two"):
            await store.append(inbox.id, message("s", body, 0))
        await Indexer(store, index).mailboxes([await store.mailbox_by_id(inbox.id)])
        assert index.drop_places("bob", inbox.id, live=(), below=2) != []
        assert engine.rows(index, "places") == 1  # UID 2 kept: not below 2
    finally:
        index.close()
        await store.close()


def test_reclaim_never_drops_what_arrived_after_its_read(tmp_path: Path, engine: Engine) -> None:
    asyncio.run(arrival_race(tmp_path, engine))


class CountingStore(SqliteStore):
    """The real store, counting whose messages are read (what a reclaim costs)."""

    read: list[int]

    async def messages(self, mailbox_id: int, *args: Any, **kwargs: Any) -> Any:
        self.read.append(mailbox_id)
        return await super().messages(mailbox_id, *args, **kwargs)


async def unchanged_passed_over(root: Path, engine: Engine) -> None:
    """The rolling indexer reclaims every RECLAIM_INTERVAL: a mailbox with
    no change since its last reclaim (same HIGHESTMODSEQ) is not read again;
    one that expunged is, and loses the expunged message's text."""
    store = CountingStore(root / "mailstore.db", {"default": root / "spool"}, fsync=False)
    store.read = []
    index = engine.new()
    feeder = Indexer(store, index)
    try:
        inbox = await store.create_mailbox("user.bob")
        quiet = await store.create_mailbox("user.bob.Quiet")
        await store.append(inbox.id, message("s", "alpha unique1", 0))
        await store.append(quiet.id, message("s", "beta unique2", 0))
        await feeder.mailboxes(await store.list_mailboxes("user.bob"))
        store.read.clear()
        await feeder.reclaim(await store.list_mailboxes("user.bob"))
        assert sorted(store.read) == sorted([inbox.id, quiet.id])

        store.read.clear()
        await feeder.reclaim(await store.list_mailboxes("user.bob"))
        assert store.read == []

        await store.store_flags(inbox.id, [1], "add", ["\\Deleted"])
        await store.expunge(inbox.id)
        done = await feeder.reclaim(await store.list_mailboxes("user.bob"))
        assert store.read == [inbox.id]
        assert done.bodies == 1 and engine.holding(index, "unique1") == 0
    finally:
        index.close()
        await store.close()


def test_reclaim_passes_over_mailboxes_unchanged_since_the_last(tmp_path: Path, engine: Engine) -> None:
    asyncio.run(unchanged_passed_over(tmp_path, engine))
