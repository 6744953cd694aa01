"""Append, reading, flags, expunge, copy/move, status, \\Recent, on every backend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from roost.store.api import MailboxNotFound, MessageNotFound

from .conftest import AnyStore

Message = Callable[..., bytes]

async def test_append_then_read_back(store: AnyStore, make_message: Message) -> None:
    info = await store.create_mailbox("user.bob")
    bob = info.id
    raw = make_message(1)
    when = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    result = await store.append(bob, raw, flags=["\\seen", "$Label"], internaldate=when)
    assert (result.mailbox, result.uidvalidity, result.uid) == ("user.bob", info.uidvalidity, 1)
    assert result.modseq > info.highestmodseq
    [rec] = await store.messages(bob)
    assert rec.uid == 1
    assert rec.modseq == result.modseq
    assert rec.flags == {"\\Seen", "$Label"}
    assert rec.internaldate == when
    assert rec.size == len(raw)
    assert await store.body(rec.blob) == raw
    assert (await store.get_mailbox("user.bob")).uidnext == 2


async def test_parsed_comes_from_the_index(store: AnyStore, make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    await store.append(bob, make_message(7))
    [rec] = await store.messages(bob)
    parsed = await store.parsed(rec.blob)
    assert parsed.size == rec.size
    assert "7@example.com" in parsed.message_id
    assert await store.parsed(rec.blob) is parsed  # the LRU


async def test_append_to_missing_mailbox(store: AnyStore, make_message: Message) -> None:
    with pytest.raises(MailboxNotFound):
        await store.append(999999, make_message())


async def test_unknown_blob(store: AnyStore) -> None:
    with pytest.raises(MessageNotFound):
        await store.body("0" * 64)


async def test_uids_ascend(store: AnyStore, make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    uids = [(await store.append(bob, make_message(i))).uid for i in range(5)]
    assert uids == [1, 2, 3, 4, 5]


async def test_flag_operations(store: AnyStore, make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    for i in range(3):
        await store.append(bob, make_message(i))
    changed, refused = await store.store_flags(bob, [1, 2], "add", ["\\Flagged", "work"])
    assert [r.uid for r in changed] == [1, 2] and refused == []
    assert changed[0].flags == {"\\Flagged", "work"}
    assert changed[0].modseq == changed[1].modseq
    changed, _ = await store.store_flags(bob, [1, 2, 3], "remove", ["work"])
    assert [r.uid for r in changed] == [1, 2]
    changed, _ = await store.store_flags(bob, [3], "replace", ["\\Answered"])
    flags = {r.uid: r.flags for r in await store.messages(bob)}
    assert flags == {1: {"\\Flagged"}, 2: {"\\Flagged"}, 3: {"\\Answered"}}


async def test_unchanged_flags_keep_modseq(store: AnyStore, make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    await store.append(bob, make_message(), flags=["\\Seen"])
    before = (await store.get_mailbox("user.bob")).highestmodseq
    changed, _ = await store.store_flags(bob, [1, 99], "add", ["\\Seen"])
    assert changed == []
    assert (await store.get_mailbox("user.bob")).highestmodseq == before


async def test_unchanged_since(store: AnyStore, make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    first = await store.append(bob, make_message(1))
    await store.append(bob, make_message(2))
    await store.store_flags(bob, [2], "add", ["\\Flagged"])
    changed, refused = await store.store_flags(bob, [1, 2], "add", ["\\Deleted"],
                                               unchanged_since=first.modseq)
    assert [r.uid for r in changed] == [1]
    assert refused == [2]


async def test_seen_is_per_user_outside_own_mailboxes(store: AnyStore,
                                                      make_message: Message) -> None:
    news = (await store.create_mailbox("shared.news")).id
    await store.append(news, make_message(), flags=["\\Seen"], user="alice")
    assert (await store.messages(news, "alice"))[0].flags == {"\\Seen"}
    assert (await store.messages(news, "bob"))[0].flags == frozenset()
    before = (await store.get_mailbox("shared.news")).highestmodseq
    changed, _ = await store.store_flags(news, [1], "add", ["\\Seen", "\\Flagged"],
                                         user="bob")
    assert changed[0].flags == {"\\Seen", "\\Flagged"}
    changes = await store.changes_since(news, before, "carol")
    assert [(r.uid, set(r.flags)) for r in changes.changed] == [(1, {"\\Flagged"})]
    assert (await store.status(news, "carol")).unseen == 1
    assert (await store.status(news, "bob")).unseen == 0
    await store.store_flags(news, [1], "remove", ["\\Seen"], user="alice")
    assert (await store.messages(news, "alice"))[0].flags == {"\\Flagged"}
    assert (await store.messages(news, "bob"))[0].flags == {"\\Seen", "\\Flagged"}


async def test_owner_seen_lives_in_the_message(store: AnyStore,
                                               make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    await store.append(bob, make_message())
    await store.store_flags(bob, [1], "add", ["\\Seen"], user="bob")
    assert (await store.messages(bob))[0].flags == {"\\Seen"}
    assert (await store.messages(bob, "alice"))[0].flags == frozenset()


async def test_expunge_leaves_tombstones(store: AnyStore, make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    for i in range(4):
        await store.append(bob, make_message(i))
    await store.store_flags(bob, [1, 2, 4], "add", ["\\Deleted"])
    mark = (await store.get_mailbox("user.bob")).highestmodseq
    assert await store.expunge(bob, [2, 3, 4]) == [2, 4]
    assert [r.uid for r in await store.messages(bob)] == [1, 3]
    changes = await store.changes_since(bob, mark)
    assert changes.expunged == (2, 4)
    assert changes.changed == ()
    assert changes.highestmodseq == mark + 1
    assert await store.expunge(bob) == [1]
    assert await store.expunge(bob) == []


async def test_changes_since_reports_new_and_changed(store: AnyStore,
                                                     make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    await store.append(bob, make_message(1))
    await store.append(bob, make_message(2))
    mark = (await store.get_mailbox("user.bob")).highestmodseq
    await store.append(bob, make_message(3))
    await store.store_flags(bob, [1], "add", ["\\Answered"])
    changes = await store.changes_since(bob, mark)
    assert [r.uid for r in changes.changed] == [1, 3]
    assert changes.expunged == ()
    assert (await store.changes_since(bob, changes.highestmodseq)).changed == ()


async def test_copy_shares_bodies(store: AnyStore, make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    dest = await store.create_mailbox("user.bob.Archive")
    archive = dest.id
    for i in range(3):
        await store.append(bob, make_message(i), flags=["\\Flagged"])
    await store.append(archive, make_message(9))
    result = await store.copy(bob, [3, 1, 42], archive)
    assert result.uidvalidity == dest.uidvalidity
    assert (result.source_uids, result.dest_uids) == ((1, 3), (2, 3))
    copies = await store.messages(archive)
    originals = await store.messages(bob)
    assert [c.blob for c in copies[1:]] == [originals[0].blob, originals[2].blob]
    assert copies[1].flags == {"\\Flagged"}
    assert copies[1].internaldate == originals[0].internaldate
    assert len(list(store._blobs.stored("default"))) == 4
    assert store.check() == []


async def test_move_expunges_sources(store: AnyStore, make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    trash = (await store.create_mailbox("user.bob.Trash")).id
    for i in range(3):
        await store.append(bob, make_message(i))
    mark = (await store.get_mailbox("user.bob")).highestmodseq
    result = await store.move(bob, [1, 2], trash)
    assert result.dest_uids == (1, 2)
    assert [r.uid for r in await store.messages(bob)] == [3]
    assert (await store.changes_since(bob, mark)).expunged == (1, 2)
    assert len(await store.messages(trash)) == 2
    assert store.check() == []


async def test_status(store: AnyStore, make_message: Message) -> None:
    info = await store.create_mailbox("user.bob")
    bob = info.id
    empty = await store.status(bob)
    assert (empty.messages, empty.recent, empty.unseen, empty.size) == (0, 0, 0, 0)
    sizes = 0
    for i in range(4):
        raw = make_message(i)
        sizes += len(raw)
        await store.append(bob, raw, flags=["\\Seen"] if i == 0 else ["\\Deleted"])
    status = await store.status(bob)
    assert (status.messages, status.recent, status.unseen, status.deleted) == (4, 4, 3, 3)
    assert (status.uidnext, status.uidvalidity, status.size) == (5, info.uidvalidity, sizes)
    assert status.highestmodseq == (await store.get_mailbox("user.bob")).highestmodseq
    with pytest.raises(MailboxNotFound):
        await store.status(999999)


async def test_claim_recent(store: AnyStore, make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    await store.append(bob, make_message(1))
    await store.append(bob, make_message(2))
    assert await store.claim_recent(bob) == 0
    assert await store.claim_recent(bob) == 2
    assert (await store.status(bob)).recent == 0
    await store.append(bob, make_message(3))
    assert (await store.status(bob)).recent == 1


async def test_parsed_many_matches_parsed(store: AnyStore) -> None:
    """Many parses at once equal one-by-one parses, duplicates and all."""
    bob = (await store.create_mailbox("user.bob")).id
    blobs = []
    for n in range(7):
        result = await store.append(bob, b"Subject: many %d\r\n\r\nbody\r\n" % n)
        records = await store.messages(bob)
        blobs.append(next(r.blob for r in records if r.uid == result.uid))
    many = await store.parsed_many(blobs + blobs[:2])
    assert set(many) == set(blobs)
    for blob in blobs:
        assert many[blob] == await store.parsed(blob)
