"""Quota roots in the store: usage kept exact by every write in its own
transaction, limits refusing whole operations, roots nesting as Cyrus's do,
and two stores on one index (two worker processes) keeping one count; on
every backend."""

from __future__ import annotations

import asyncio
import random

import pytest
from tests.store.conftest import message

from roost.store.api import (
    AppendMessage,
    Delivery,
    MailboxNotFound,
    OverQuota,
    QuotaResource,
    QuotaRoot,
    QuotaRootNotFound,
)

from .conftest import AnyStore, StoreFactory


def used(root: QuotaRoot) -> dict[str, int]:
    return {r.name: r.usage for r in root.resources}


async def bytes_used(store: AnyStore, root: str) -> tuple[int, int]:
    """The truth, from the records: (bytes, messages) under the root's mailboxes."""
    total = count = 0
    for info in await store.list_mailboxes(root):
        covering = await store.quota_root_of(info.name)
        if covering is not None and covering.root == root:
            records = await store.messages(info.id)
            total += sum(r.size for r in records)
            count += len(records)
    return total, count


async def test_set_get_and_the_root_of_a_mailbox(store: AnyStore) -> None:
    inbox = await store.create_mailbox("user.bob")
    sent = await store.create_mailbox("user.bob.Sent")
    await store.append(inbox.id, b"x" * 3000)
    await store.append(sent.id, b"y" * 2000)
    root = await store.set_quota("user.bob", {"STORAGE": 10, "MESSAGE": 5})
    assert root == QuotaRoot("user.bob", (QuotaResource("STORAGE", 4, 10),
                                          QuotaResource("MESSAGE", 2, 5)))
    assert await store.quota_root_of("user.bob.Sent") == root
    assert await store.quota_root_of("user.alice") is None
    assert await store.get_quota("user.bob") == root
    with pytest.raises(QuotaRootNotFound):
        await store.get_quota("user.bob.Sent")
    with pytest.raises(MailboxNotFound):
        await store.set_quota("user.nobody", {"STORAGE": 1})
    assert await store.set_quota("user.bob", {}) == QuotaRoot("user.bob", ())


async def test_a_multiappend_over_the_limit_keeps_nothing(store: AnyStore) -> None:
    inbox = await store.create_mailbox("user.bob")
    await store.set_quota("user.bob", {"STORAGE": 2})
    await store.append(inbox.id, b"a" * 1500)
    with pytest.raises(OverQuota):
        await store.append_messages(inbox.id, [AppendMessage(b"b" * 300),
                                               AppendMessage(b"c" * 300)])
    assert len(await store.messages(inbox.id)) == 1
    assert used(await store.get_quota("user.bob")) == {"STORAGE": 1}
    await store.append(inbox.id, b"d" * 548)  # exactly 2048 bytes: at the limit is allowed
    with pytest.raises(OverQuota):
        await store.append(inbox.id, b"e")


async def test_message_limit_copy_move_expunge_and_delete(store: AnyStore) -> None:
    inbox = await store.create_mailbox("user.bob")
    box = await store.create_mailbox("user.bob.box")
    await store.set_quota("user.bob", {"MESSAGE": 2})
    await store.append(inbox.id, message(1))
    await store.append(inbox.id, message(2))
    with pytest.raises(OverQuota):
        await store.copy(inbox.id, [1], box.id)
    moved = await store.move(inbox.id, [1, 2], box.id)  # within the root: no change
    assert moved.dest_uids == (1, 2)
    assert used(await store.get_quota("user.bob")) == {"MESSAGE": 2}
    await store.store_flags(box.id, [1], "add", ["\\Deleted"])
    await store.expunge(box.id)
    assert used(await store.get_quota("user.bob")) == {"MESSAGE": 1}
    await store.delete_mailbox(box.id)
    assert used(await store.get_quota("user.bob")) == {"MESSAGE": 0}
    await store.delete_mailbox(inbox.id)
    with pytest.raises(QuotaRootNotFound):  # the root goes with its mailbox, as on Cyrus
        await store.get_quota("user.bob")


async def test_delivery_and_a_move_between_roots(store: AnyStore) -> None:
    bob = await store.create_mailbox("user.bob")
    alice = await store.create_mailbox("user.alice")
    await store.set_quota("user.bob", {"MESSAGE": 1})
    await store.set_quota("user.alice", {"MESSAGE": 1})
    await store.deliver([Delivery(bob.id)], message(1))
    with pytest.raises(OverQuota):
        await store.deliver([Delivery(bob.id)], message(2))
    await store.move(bob.id, [1], alice.id)
    assert used(await store.get_quota("user.bob")) == {"MESSAGE": 0}
    assert used(await store.get_quota("user.alice")) == {"MESSAGE": 1}


async def test_nested_roots_split_the_usage(store: AnyStore) -> None:
    inbox = await store.create_mailbox("user.bob")
    big = await store.create_mailbox("user.bob.big")
    await store.append(inbox.id, message(1))
    await store.append(big.id, message(2))
    await store.append(big.id, message(3))
    await store.set_quota("user.bob", {"MESSAGE": 10})
    assert used(await store.get_quota("user.bob")) == {"MESSAGE": 3}
    await store.set_quota("user.bob.big", {"MESSAGE": 10})
    assert used(await store.get_quota("user.bob")) == {"MESSAGE": 1}
    assert used(await store.get_quota("user.bob.big")) == {"MESSAGE": 2}
    await store.set_quota("user.bob.big", {})  # a root still: it keeps its usage
    assert used(await store.get_quota("user.bob")) == {"MESSAGE": 1}


async def test_mailbox_limit_refuses_create(store: AnyStore) -> None:
    await store.create_mailbox("user.bob")
    await store.set_quota("user.bob", {"MAILBOX": 2})
    await store.create_mailbox("user.bob.one")
    with pytest.raises(OverQuota):
        await store.create_mailbox("user.bob.two")
    assert used(await store.get_quota("user.bob")) == {"MAILBOX": 2}


async def test_a_lowered_limit_still_lets_the_user_free_space(store: AnyStore) -> None:
    inbox = await store.create_mailbox("user.bob")
    await store.append(inbox.id, message(1))
    await store.append(inbox.id, message(2))
    await store.set_quota("user.bob", {"MESSAGE": 1})
    await store.store_flags(inbox.id, [1], "add", ["\\Deleted"])
    assert await store.expunge(inbox.id) == [1]
    assert used(await store.get_quota("user.bob")) == {"MESSAGE": 1}


async def test_two_stores_on_one_database_keep_one_exact_count(
        open_another: StoreFactory) -> None:
    """Two worker processes' stores append and expunge at once; the kept
    usage equals what the records say, and the limit is never passed."""
    first, second = open_another(), open_another()
    inbox = await first.create_mailbox("user.bob")
    await first.set_quota("user.bob", {"STORAGE": 40, "MESSAGE": 60})
    rng = random.Random(7)

    async def worker(store: AnyStore, n: int) -> None:
        for i in range(40):
            try:
                await store.append(inbox.id, message(n * 1000 + i, "z" * rng.randrange(1, 900)))
            except OverQuota:
                pass
            if i % 5 == 4:
                uids = [r.uid for r in await store.messages(inbox.id)][:2]
                await store.store_flags(inbox.id, uids, "add", ["\\Deleted"])
                await store.expunge(inbox.id, uids)

    await asyncio.gather(worker(first, 1), worker(second, 2))
    size, count = await bytes_used(first, "user.bob")
    assert used(await second.get_quota("user.bob")) == {"STORAGE": size // 1024,
                                                        "MESSAGE": count}
    assert size <= 40 * 1024 and count <= 60
