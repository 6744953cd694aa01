"""Mailbox ids, the mailbox-level changes, and the store's atomic units, on
every backend."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from roost.store.api import (
    AppendMessage,
    InvalidMessage,
    MailboxDeleted,
    MailboxExists,
    MailboxNotFound,
    MailboxRenamed,
)

from .conftest import AnyStore

Message = Callable[..., bytes]

async def test_ids_are_never_reused(store: AnyStore) -> None:
    """SQLite alone would give the deleted last row's id to the next mailbox."""
    first = await store.create_mailbox("user.bob")
    await store.delete_mailbox(first.id)
    second = await store.create_mailbox("user.bob")
    assert second.id > first.id
    assert (await store.changes_since(first.id, first.highestmodseq)).mailbox == (
        MailboxDeleted(first.id, "user.bob"),)


async def test_rename_is_in_the_feed_and_keeps_the_id(store: AnyStore,
                                                      make_message: Message) -> None:
    info = await store.create_mailbox("user.bob.work")
    child = await store.create_mailbox("user.bob.work.old")
    await store.append(info.id, make_message())
    mark = (await store.mailbox_by_id(info.id)).highestmodseq
    renamed = await store.rename_mailbox(info.id, "user.bob.job")
    assert (renamed.id, renamed.name) == (info.id, "user.bob.job")
    changes = await store.changes_since(info.id, mark)
    assert changes.mailbox == (MailboxRenamed(info.id, "user.bob.job", "bob"),)
    assert changes.changed == () and changes.highestmodseq > mark
    assert await store.mailbox_changes_since(child.id, child.highestmodseq) == (
        MailboxRenamed(child.id, "user.bob.job.old", "bob"),)
    assert await store.mailbox_changes_since(info.id, changes.highestmodseq) == ()


async def test_deleted_mailbox_feed_and_unknown_ids(store: AnyStore,
                                                    make_message: Message) -> None:
    info = await store.create_mailbox("user.bob")
    await store.append(info.id, make_message())
    await store.delete_mailbox(info.id)
    gone = MailboxDeleted(info.id, "user.bob")
    assert await store.mailbox_changes_since(info.id, 0) == (gone,)
    changes = await store.changes_since(info.id, info.highestmodseq)
    assert (changes.mailbox, changes.changed, changes.expunged) == ((gone,), (), ())
    with pytest.raises(MailboxNotFound):
        await store.changes_since(info.id + 100, 0)


async def test_wait_for_change_wakes_on_rename_and_delete(store: AnyStore) -> None:
    info = await store.create_mailbox("user.bob")
    waiter = asyncio.create_task(store.wait_for_change(info.id, info.highestmodseq, 5.0))
    await asyncio.sleep(0.05)
    await store.rename_mailbox(info.id, "user.bob2")
    assert await waiter is True
    now = (await store.mailbox_by_id(info.id)).highestmodseq
    waiter = asyncio.create_task(store.wait_for_change(info.id, now, 5.0))
    await asyncio.sleep(0.05)
    await store.delete_mailbox(info.id)
    assert await waiter is True


async def test_append_messages_is_one_operation(store: AnyStore,
                                                make_message: Message) -> None:
    info = await store.create_mailbox("user.bob")
    results = await store.append_messages(info.id, [
        AppendMessage(make_message(1), ["\\Seen"]), AppendMessage(make_message(2))])
    assert [r.uid for r in results] == [1, 2]
    assert results[0].modseq == results[1].modseq
    assert [r.flags for r in await store.messages(info.id)] == [{"\\Seen"}, frozenset()]


async def test_append_messages_refuses_the_whole_batch(store: AnyStore,
                                                       make_message: Message) -> None:
    info = await store.create_mailbox("user.bob")
    with pytest.raises(InvalidMessage):
        await store.append_messages(info.id, [AppendMessage(make_message(1)),
                                              AppendMessage(b"")])
    assert await store.messages(info.id) == []
    assert (await store.mailbox_by_id(info.id)).uidnext == 1
    assert store.check() == []


async def test_append_messages_to_a_deleted_mailbox_leaves_no_rows(
        store: AnyStore, make_message: Message) -> None:
    """Bodies are written first; the index operation then fails as a whole."""
    info = await store.create_mailbox("user.bob")
    await store.delete_mailbox(info.id)
    with pytest.raises(MailboxNotFound):
        await store.append_messages(info.id, [AppendMessage(make_message(1))])
    assert store.check() == []


async def test_delete_a_tree_in_one_operation(store: AnyStore,
                                              make_message: Message) -> None:
    inbox = await store.create_mailbox("user.carol")
    for name in ("user.carol.Sent", "user.carol.Sent.2024", "user.caroline"):
        await store.create_mailbox(name)
    await store.append(inbox.id, make_message())
    deleted = await store.delete_mailbox(inbox.id, children=True)
    assert [d.name for d in deleted] == ["user.carol.Sent.2024", "user.carol.Sent",
                                         "user.carol"]
    left = [m.name for m in await store.list_mailboxes()]
    assert [name for name in left if not name.startswith("DELETED.")] == ["user.caroline"]
    assert store.check() == []


async def test_move_all_creates_and_moves_at_once(store: AnyStore,
                                                  make_message: Message) -> None:
    inbox = await store.create_mailbox("user.bob")
    for n in range(3):
        await store.append(inbox.id, make_message(n), flags=["\\Seen"] if n else [])
    mark = (await store.mailbox_by_id(inbox.id)).highestmodseq
    old = await store.move_all(inbox.id, "user.bob.Old", user="bob")
    assert old.name == "user.bob.Old" and old.uidnext == 4
    assert await store.messages(inbox.id) == []
    assert [r.flags for r in await store.messages(old.id)] == [frozenset(), {"\\Seen"},
                                                               {"\\Seen"}]
    assert (await store.changes_since(inbox.id, mark)).expunged == (1, 2, 3)
    assert store.check() == []


async def test_move_all_onto_a_taken_name_changes_nothing(store: AnyStore,
                                                          make_message: Message) -> None:
    inbox = await store.create_mailbox("user.bob")
    await store.append(inbox.id, make_message())
    await store.create_mailbox("user.bob.Old")
    with pytest.raises(MailboxExists):
        await store.move_all(inbox.id, "user.bob.Old")
    assert len(await store.messages(inbox.id)) == 1


async def test_status_unseen_of_an_empty_mailbox_for_a_non_owner(store: AnyStore) -> None:
    info = await store.create_mailbox("user.bob")
    assert (await store.status(info.id, "admin")).unseen == 0
    assert (await store.status(info.id, "bob")).unseen == 0
