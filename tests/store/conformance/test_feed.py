"""The change feed (FeedStore) on every backend: each kind of change leaves
its event in order, another store (process) sees it and is woken, a
reader behind the kept tail is told `lost`, and with writers in several
processes at once a reader polling all along receives every commit's event
exactly once, in ascending `seq`."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import psycopg
from tests.store.conftest import message

from roost.store.postgres.feed_schema import FEED_KEEP, PRUNE_EVERY
from roost.store.sqlite.feed import FEED_KEEP as SQLITE_FEED_KEEP

from .conftest import AnyStore, StoreFactory
from .test_concurrent_writers import APPENDS, PROCESSES, run_children


async def test_each_change_leaves_its_event(store: AnyStore) -> None:
    start = await store.feed_position()
    inbox = await store.create_mailbox("user.bob")
    work = await store.create_mailbox("user.bob.Work")
    await store.append(inbox.id, message(1))
    await store.subscribe("bob", "user.bob.Work")
    await store.rename_mailbox(work.id, "user.bob.Play")
    await store.set_metadata(inbox.id, "bob", {"/private/comment": b"x"}, 10)
    await store.set_metadata(None, "bob", {"/shared/comment": b"y"}, 10)
    await store.set_acl(inbox.id, "alice", "lr")
    await store.unsubscribe("bob", "user.bob.Work")
    batch = await store.feed_since(start, 100)
    seen = [(e.kind, e.name, e.owner, e.old_name, e.entry) for e in batch.events
            if e.kind != "messages" or e.mailbox_id == inbox.id]
    assert seen[:4] == [("create", "user.bob", "bob", None, None),
                        ("acl", "user.bob", "bob", None, None),  # the owner's default entry
                        ("create", "user.bob.Work", "bob", None, None),
                        ("acl", "user.bob.Work", "bob", None, None)]
    assert ("messages", "user.bob", "bob", None, None) in seen
    assert ("subscribe", "user.bob.Work", "bob", None, None) in seen
    assert ("rename", "user.bob.Play", "bob", "user.bob.Work", None) in seen
    assert ("metadata", "user.bob", "bob", None, "/comment") in seen
    assert ("metadata", "", "", None, "/comment") in seen
    assert ("acl", "user.bob", "alice", None, None) in seen
    assert seen[-1] == ("unsubscribe", "user.bob.Work", "bob", None, None)
    seqs = [e.seq for e in batch.events]
    assert seqs == sorted(set(seqs))
    assert batch.position == await store.feed_position() == seqs[-1] and not batch.lost
    assert (await store.feed_since(batch.position, 100)).events == ()


async def test_another_process_sees_the_event_and_is_woken(
        open_another: StoreFactory) -> None:
    one, other = open_another(), open_another()
    start = await other.feed_position()
    assert not await other.wait_for_feed(start, 0.01)
    await one.create_mailbox("user.bob")
    assert await other.wait_for_feed(start, 5.0)
    assert (await other.feed_since(start, 10)).events[0].kind == "create"


async def flood(store: AnyStore, backend: str, index_location: str, count: int) -> None:
    """`count` events written straight into the index, as real changes
    would leave them (on PostgreSQL through the triggers' own function,
    one transaction per PRUNE_EVERY, so that pruning sees earlier ones final)."""
    if backend == "sqlite":
        db = sqlite3.connect(index_location)
        with db:
            db.executemany("INSERT INTO change_feed (kind, mailbox_id, name) VALUES"
                           " ('messages', 1, 'user.bob')", [()] * count)
        db.close()
        return
    with psycopg.connect(index_location, autocommit=True) as db:
        for _ in range(count // PRUNE_EVERY):
            db.execute("SELECT feed_add('messages', 1, 'user.bob', NULL, NULL, NULL)"
                       " FROM generate_series(1, %s)", (PRUNE_EVERY,))


async def test_a_reader_behind_the_kept_tail_is_told_lost(
        store: AnyStore, backend: str, index_location: str) -> None:
    assert FEED_KEEP == SQLITE_FEED_KEEP
    await store.create_mailbox("user.bob")
    behind = await store.feed_position()
    await flood(store, backend, index_location, FEED_KEEP + 3 * PRUNE_EVERY)
    assert (await store.feed_since(behind, 10)).lost
    newest = await store.feed_position()
    tail = (await store.feed_since(0, 2 * FEED_KEEP)).events
    recent = tail[-6].seq
    batch = await store.feed_since(recent, 10)
    assert not batch.lost and len(batch.events) == 5 and batch.position == newest
    assert FEED_KEEP <= len(tail) < FEED_KEEP + 3 * PRUNE_EVERY  # the tail is bounded


async def test_writers_in_several_processes_each_leave_one_event_read_once(
        store: AnyStore, child_store: list[str], tmp_path: Path) -> None:
    """A reader polling while three processes append: every commit's event
    arrives exactly once, seq ascending; a reader that skipped a commit
    numbered before one it had passed would come up short."""
    inbox = await store.create_mailbox("user.bob")
    start = position = await store.feed_position()
    received: list[int] = []
    done = asyncio.Event()

    async def follow() -> None:
        nonlocal position
        for _ in range(100_000):
            batch = await store.feed_since(position, 50)
            assert not batch.lost
            received.extend(e.seq for e in batch.events
                            if e.kind == "messages" and e.mailbox_id == inbox.id)
            position = batch.position
            if done.is_set() and not batch.events:
                return
            if not batch.events:
                await store.wait_for_feed(position, 0.05)

    reader = asyncio.create_task(follow())
    await run_children(child_store, tmp_path / "go",
                       [["append", str(inbox.id), str(lane), str(APPENDS)]
                        for lane in range(PROCESSES)])
    done.set()
    await asyncio.wait_for(reader, 60)
    assert received == sorted(set(received))
    assert len(received) == PROCESSES * APPENDS  # one event per commit, none skipped
    again = [e.seq for e in (await store.feed_since(start, 10_000)).events
             if e.kind == "messages" and e.mailbox_id == inbox.id]
    assert again == received
