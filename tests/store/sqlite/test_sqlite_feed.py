"""The change feed (schema v10): every kind of change leaves its event, in
commit order, whichever store (worker process) made it; a reader that
fell behind the kept tail is told `lost`."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from tests.store.sqlite.conftest import StoreFactory

from roost.store.sqlite import SqliteStore
from roost.store.sqlite.feed import FEED_KEEP


async def test_each_change_leaves_its_event(store: SqliteStore,
                                            make_message: Callable[..., bytes]) -> None:
    start = await store.feed_position()
    inbox = await store.create_mailbox("user.bob")
    work = await store.create_mailbox("user.bob.Work")
    await store.append(inbox.id, make_message(1))
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
    assert [e.seq for e in batch.events] == sorted(e.seq for e in batch.events)
    assert batch.position == await store.feed_position() and not batch.lost


async def test_another_process_sees_the_event_and_is_woken(
        open_another: StoreFactory) -> None:
    one, other = open_another(), open_another()
    start = await other.feed_position()
    assert not await other.wait_for_feed(start, 0.01)
    await one.create_mailbox("user.bob")
    assert await other.wait_for_feed(start, 5.0)
    assert (await other.feed_since(start, 10)).events[0].kind == "create"


async def test_a_reader_behind_the_kept_tail_is_told_lost(store: SqliteStore) -> None:
    """The prune trigger keeps FEED_KEEP rows; the rows are written here
    straight into the table, as FEED_KEEP real changes would leave them."""
    await store.create_mailbox("user.bob")
    behind = await store.feed_position()
    db = sqlite3.connect(store.database)
    with db:
        db.executemany("INSERT INTO change_feed (kind, mailbox_id, name) VALUES"
                       " ('messages', 1, 'user.bob')", [()] * (FEED_KEEP + 2048))
    db.close()
    assert (await store.feed_since(behind, 10)).lost
    recent = await store.feed_position() - 5
    batch = await store.feed_since(recent, 10)
    assert not batch.lost and len(batch.events) == 5
