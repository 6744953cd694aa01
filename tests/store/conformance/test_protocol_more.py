"""The rest of the store protocol, on every backend: REPLACE, ipurge, a user
as one unit (create, rename), VANISHED, streamed bodies, list summaries,
and the quota report and recount."""

from __future__ import annotations

import pytest
from tests.store.conftest import message

from roost.store.api import (
    AclEntry,
    AppendMessage,
    MailboxExists,
    MailboxNotFound,
    MessageNotFound,
)

from .conftest import AnyStore


async def test_replace_expunges_and_appends_in_one_operation(store: AnyStore) -> None:
    bob = await store.create_mailbox("user.bob")
    await store.set_quota("user.bob", {"MESSAGE": 2})
    for n in range(2):
        await store.append(bob.id, message(n))
    mark = (await store.mailbox_by_id(bob.id)).highestmodseq
    # At the MESSAGE limit: only the net change counts (RFC 8508 §3.4).
    result = await store.replace(bob.id, 1, bob.id, AppendMessage(message(9), ["\\Seen"]))
    assert result.uid == 3
    assert [(r.uid, r.flags) for r in await store.messages(bob.id)] == [
        (2, frozenset()), (3, {"\\Seen"})]
    assert (await store.vanished_since(bob.id, mark)).uids == (1,)
    with pytest.raises(MessageNotFound):
        await store.replace(bob.id, 1, bob.id, AppendMessage(message(10)))
    assert (await store.mailbox_by_id(bob.id)).uidnext == 4
    assert (await store.get_quota("user.bob")).resources[0].usage == 2
    assert store.check() == []


async def test_purge_ignores_flags_and_skips_absent_uids(store: AnyStore) -> None:
    bob = await store.create_mailbox("user.bob")
    for n in range(3):
        await store.append(bob.id, message(n))
    assert await store.purge(bob.id, [1, 3, 7]) == [1, 3]
    assert await store.expunge(bob.id) == []  # nothing is \Deleted
    assert [r.uid for r in await store.messages(bob.id)] == [2]
    vanished = await store.vanished_since(bob.id, 1)
    assert vanished.uids == (1, 3) and vanished.complete


async def test_create_user_is_one_unit(store: AnyStore) -> None:
    inbox = await store.create_user("bob", folders=["user.bob.Sent", "user.bob.Trash"],
                                    limits={"STORAGE": 100}, subscriptions=["user.bob.Sent"])
    assert inbox.name == "user.bob" and inbox.owner == "bob"
    assert [m.name for m in await store.list_mailboxes("user.bob")] == [
        "user.bob", "user.bob.Sent", "user.bob.Trash"]
    assert (await store.get_mailbox("user.bob.Sent")).acl == inbox.acl
    assert [(r.name, r.limit) for r in (await store.get_quota("user.bob")).resources] == [
        ("STORAGE", 100)]
    assert await store.subscriptions("bob") == ["user.bob.Sent"]
    with pytest.raises(MailboxExists):
        await store.create_user("bob", folders=["user.bob.Other"])
    with pytest.raises(MailboxNotFound):
        await store.get_mailbox("user.bob.Other")


async def test_rename_user_moves_what_is_theirs(store: AnyStore) -> None:
    bob = await store.create_user("bob", folders=["user.bob.Work"], limits={"MESSAGE": 10},
                                  subscriptions=["user.bob.Work", "user.alice.Shared"])
    await store.create_mailbox("user.alice")
    alice = await store.create_mailbox("user.alice.Shared")
    await store.set_acl(alice.id, "bob", "lrs")
    await store.set_acl(alice.id, "-bob", "w")
    await store.append(alice.id, message(1), flags=["\\Seen"], user="bob")
    await store.append(bob.id, message(2))
    mark = (await store.mailbox_by_id(alice.id)).highestmodseq
    robert = await store.rename_user("bob", "robert")
    assert (robert.id, robert.name, robert.owner) == (bob.id, "user.robert", "robert")
    assert [m.name for m in await store.list_mailboxes("user.r")] == [
        "user.robert", "user.robert.Work"]
    assert (await store.get_quota("user.robert")).resources[0].usage == 1
    shared = await store.mailbox_by_id(alice.id)
    assert [e for e in shared.acl if "bob" in e.identifier or "robert" in e.identifier] == [
        AclEntry("robert", "lrs"), AclEntry("-robert", "w")]
    assert (await store.mailbox_changes_since(alice.id, mark))  # sessions re-decide rights
    assert await store.subscriptions("robert") == ["user.alice.Shared", "user.robert.Work"]
    assert await store.subscriptions("bob") == []
    assert [r.flags for r in await store.messages(alice.id, "robert")] == [{"\\Seen"}]
    with pytest.raises(MailboxExists):
        await store.rename_user("alice", "robert")


async def test_body_stream_and_summaries(store: AnyStore) -> None:
    bob = await store.create_mailbox("user.bob")
    big = message(1, "x" * 600_000)
    await store.append(bob.id, big)
    await store.append(bob.id, message(2))
    blobs = [r.blob for r in await store.messages(bob.id)]
    stream = await store.body_stream(blobs[0])
    assert stream.size == len(big)
    assert b"".join([chunk async for chunk in stream.chunks]) == big
    summaries = await store.summaries_many([*blobs, "0" * 64])
    assert set(summaries) == set(blobs)
    for blob in blobs:
        parsed = await store.parsed(blob)
        assert summaries[blob].body_lines == parsed.body_lines
        assert summaries[blob].summary_fields == parsed.summary_fields
    with pytest.raises(MessageNotFound):
        await store.body_stream("0" * 64)


async def test_quota_report_and_recount(store: AnyStore) -> None:
    bob = await store.create_mailbox("user.bob")
    await store.create_mailbox("user.bob.Sent")
    await store.set_quota("user.bob", {"STORAGE": 10, "MAILBOX": 5})
    sent = await store.get_mailbox("user.bob.Sent")
    await store.append(bob.id, message(1))
    await store.append(sent.id, message(2))
    [usage] = await store.quota_roots("user.")
    size = len(message(1)) + len(message(2))
    assert usage.root == "user.bob"
    assert usage.usage == {"STORAGE": size, "MESSAGE": 2, "MAILBOX": 2}
    assert usage.limits == {"STORAGE": 10, "MESSAGE": None, "MAILBOX": 5}
    assert await store.recount_quotas() == []
    assert await store.quota_root_of("user.bob.Sent") == await store.get_quota("user.bob")
    assert await store.quota_root_of("user.alice") is None
