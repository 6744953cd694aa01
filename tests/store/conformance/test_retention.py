"""Delayed expunge and delayed delete (RetentionStore) on every backend:
held bodies, unexpunge, `cyr_expire -X` and `-D`, the kept DELETED.*
hierarchy, and the immediate and semidelayed modes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roost.store.api import OverQuota, Vanished

from .backends import open_store
from .conftest import AnyStore

Message = Callable[..., bytes]
LATER = timedelta(seconds=1)


def files(store: AnyStore) -> int:
    """Bodies stored, wherever the backend keeps them (files or a bucket)."""
    return sum(1 for _ in store._blobs.stored("default"))


async def expunged_bob(store: AnyStore, make_message: Message) -> int:
    """bob's INBOX: 1 and 3 expunged (1 was \\Flagged), 2 live."""
    bob = (await store.create_mailbox("user.bob")).id
    for n in range(3):
        await store.append(bob, make_message(n), flags=["\\Flagged"] if n == 0 else [])
    await store.store_flags(bob, [1, 3], "add", ["\\Deleted"])
    assert await store.expunge(bob) == [1, 3]
    return bob


async def test_expunged_bodies_are_held_and_listed(store: AnyStore,
                                                   make_message: Message) -> None:
    before = datetime.now(UTC)
    bob = await expunged_bob(store, make_message)
    assert [r.uid for r in await store.messages(bob)] == [2]
    assert files(store) == 3
    listed = await store.expunged_messages(bob)
    assert [(m.uid, m.restorable, m.flags) for m in listed] == [
        (1, True, {"\\Flagged", "\\Deleted"}), (3, True, {"\\Deleted"})]
    assert all(m.expunged_at is not None and m.expunged_at >= before - LATER for m in listed)
    assert store.check() == []


async def test_unexpunge_gives_new_uids_and_the_flags(store: AnyStore,
                                                      make_message: Message) -> None:
    """New UIDs, so every client sees them arrive (RFC 9051 §2.3.1.1)."""
    bob = await expunged_bob(store, make_message)
    seen_at = (await store.status(bob)).highestmodseq
    assert await store.unexpunge(bob, [3], clear_deleted=True, add_flags=["restored"]) == [(3, 4)]
    records = {r.uid: r for r in await store.messages(bob)}
    assert sorted(records) == [2, 4]
    assert records[4].flags == {"restored"}
    assert await store.body(records[4].blob) == make_message(2)
    changes = await store.changes_since(bob, seen_at)
    assert [r.uid for r in changes.changed] == [4]
    assert await store.unexpunge(bob) == [(1, 5)]  # the rest
    assert (await store.messages(bob))[-1].flags == {"\\Flagged", "\\Deleted"}
    assert await store.unexpunge(bob) == []  # a restored tombstone is spent
    assert [m.restorable for m in await store.expunged_messages(bob)] == [False, False]
    assert store.check() == []


async def test_unexpunge_since_a_time(store: AnyStore, make_message: Message) -> None:
    bob = await expunged_bob(store, make_message)
    assert await store.unexpunge(bob, since=datetime.now(UTC) + LATER) == []
    assert len(await store.unexpunge(bob, since=datetime.now(UTC) - timedelta(hours=1))) == 2


async def test_unexpunge_counts_against_quota(store: AnyStore, make_message: Message) -> None:
    bob = await expunged_bob(store, make_message)
    await store.set_quota("user.bob", {"MESSAGE": 2})
    with pytest.raises(OverQuota):
        await store.unexpunge(bob)
    assert [r.uid for r in await store.messages(bob)] == [2]
    assert await store.unexpunge(bob, [1]) == [(1, 4)]
    assert (await store.get_quota("user.bob")).resources[0].usage == 2


async def test_expire_lets_go_of_old_bodies_only(store: AnyStore,
                                                 make_message: Message) -> None:
    bob = await expunged_bob(store, make_message)
    assert (await store.expire_expunged(datetime.now(UTC) - timedelta(hours=1))).bodies == 0
    assert (await store.expire_expunged(datetime.now(UTC) + LATER)).bodies == 2
    assert files(store) == 1
    assert await store.expunged_messages(bob) == []  # -X purges the records too
    assert await store.unexpunge(bob) == []
    assert store.check() == []


async def test_delete_releases_held_bodies(store: AnyStore,
                                           make_message: Message) -> None:
    bob = await expunged_bob(store, make_message)
    await store.delete_mailbox(bob)
    assert files(store) == 3  # kept by delayed delete
    assert len(await store.expire_deleted(datetime.now(UTC) + 2 * LATER)) == 1
    assert files(store) == 0
    assert store.check() == []


async def test_delayed_delete_keeps_the_tree_under_deleted(store: AnyStore,
                                                           make_message: Message) -> None:
    """Cyrus's delete_mode: delayed: DELETED.<name>.<hex time>, new ids,
    messages, UIDs and ACL kept; the quota usage leaves the root."""
    bob = (await store.create_mailbox("user.bob")).id
    trash = (await store.create_mailbox("user.bob.Trash")).id
    await store.append(trash, make_message(1), flags=["\\Seen"])
    await store.set_quota("user.bob", {"MESSAGE": 10})
    mark = (await store.mailbox_by_id(trash)).highestmodseq
    await store.delete_mailbox(trash)
    changes = await store.changes_since(trash, mark)
    assert [type(c).__name__ for c in changes.mailbox] == ["MailboxDeleted"]
    [kept] = [m for m in await store.list_mailboxes() if m.name.startswith("DELETED.")]
    stamp = kept.name.rpartition(".")[2]
    assert kept.name == f"DELETED.user.bob.Trash.{stamp}" and kept.id not in (bob, trash)
    assert abs(int(stamp, 16) - datetime.now(UTC).timestamp()) < 60
    assert [(r.uid, r.flags) for r in await store.messages(kept.id)] == [(1, {"\\Seen"})]
    assert [e.identifier for e in kept.acl] == ["bob"] and kept.owner is None
    assert (await store.get_quota("user.bob")).resources[0].usage == 0
    restored = await store.rename_mailbox(kept.id, "user.bob.Trash")  # an admin's undelete
    assert restored.owner == "bob" and len(await store.messages(restored.id)) == 1
    assert (await store.get_quota("user.bob")).resources[0].usage == 1
    await store.delete_mailbox(restored.id)
    await store.delete_mailbox(bob, children=True)
    assert len([m for m in await store.list_mailboxes() if m.name.startswith("DELETED.")]) == 2
    assert await store.expire_deleted(datetime.now(UTC) - timedelta(hours=1)) == []
    assert len(await store.expire_deleted(datetime.now(UTC) + 2 * LATER, "user.bob.T")) == 1
    assert len(await store.expire_deleted(datetime.now(UTC) + 2 * LATER)) == 1
    assert await store.list_mailboxes() == []
    assert store.check() == []


async def test_deleting_a_kept_mailbox_drops_it(store: AnyStore) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    await store.delete_mailbox(bob)
    [kept] = await store.list_mailboxes()
    await store.delete_mailbox(kept.id)
    assert await store.list_mailboxes() == []


async def test_immediate_delete_mode(backend: str, index_location: str,
                                    partitions: dict[str, Path], body_bucket: str) -> None:
    store = open_store(backend, index_location, partitions, body_bucket,
                       delete_mode="immediate")
    try:
        bob = (await store.create_mailbox("user.bob")).id
        await store.delete_mailbox(bob)
        assert await store.list_mailboxes() == []
    finally:
        await store.close()


async def test_semidelayed_releases_at_expunge(backend: str, index_location: str,
                                               partitions: dict[str, Path], body_bucket: str,
                                               make_message: Message) -> None:
    store = open_store(backend, index_location, partitions, body_bucket,
                       expunge_mode="semidelayed")
    try:
        bob = await expunged_bob(store, make_message)
        assert files(store) == 1
        assert [m.restorable for m in await store.expunged_messages(bob)] == [False, False]
        assert await store.unexpunge(bob) == []
        assert store.check() == []
    finally:
        await store.close()


async def test_purged_tombstones_leave_the_vanished_list_incomplete(
        store: AnyStore, make_message: Message) -> None:
    """RFC 7162 §3.2.6: below the highest MODSEQ -X purged, QRESYNC is told
    the list is incomplete; from it on, exact."""
    bob = await expunged_bob(store, make_message)
    assert (await store.vanished_since(bob, 0)) == Vanished((1, 3), True)
    purged = await store.expire_expunged(datetime.now(UTC) + LATER)
    assert (purged.bodies, purged.tombstones) == (2, 2)
    assert not (await store.vanished_since(bob, 0)).complete
    now = (await store.status(bob)).highestmodseq
    assert (await store.vanished_since(bob, now)).complete


async def test_expire_keeps_other_prefixes(store: AnyStore, make_message: Message) -> None:
    bob = await expunged_bob(store, make_message)
    assert (await store.expire_expunged(datetime.now(UTC) + LATER, "user.alice")).bodies == 0
    assert [m.restorable for m in await store.expunged_messages(bob)] == [True, True]
