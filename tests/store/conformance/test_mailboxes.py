"""The mailbox list and subscriptions, on every backend."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from roost.store.api import (
    InvalidMailboxName,
    MailboxExists,
    MailboxNotFound,
)

from .conftest import AnyStore

Message = Callable[..., bytes]

async def test_create_and_get(store: AnyStore) -> None:
    info = await store.create_mailbox("user.bob", special_use=["\\Inbox"])
    assert info.name == "user.bob"
    assert info.owner == "bob"
    assert info.uidnext == 1
    assert info.partition == "default"
    assert info.special_use == ("\\Inbox",)
    assert await store.get_mailbox("user.bob") == info


async def test_owner_of_domain_and_shared(store: AnyStore) -> None:
    dom = await store.create_mailbox("example.com!user.bob.Sent")
    shared = await store.create_mailbox("shared.news")
    assert dom.owner == "bob@example.com"
    assert shared.owner is None


async def test_create_twice_is_refused(store: AnyStore) -> None:
    await store.create_mailbox("user.bob")
    with pytest.raises(MailboxExists):
        await store.create_mailbox("user.bob")


@pytest.mark.parametrize("name", ["", "user..bob", ".x", "x.", "user.bo\x01b", "a" * 491])
async def test_invalid_names(store: AnyStore, name: str) -> None:
    with pytest.raises(InvalidMailboxName):
        await store.create_mailbox(name)


async def test_unknown_partition_is_refused(store: AnyStore) -> None:
    with pytest.raises(Exception, match="partition"):
        await store.create_mailbox("user.bob", partition="nowhere")
    with pytest.raises(MailboxNotFound):
        await store.get_mailbox("user.bob")


async def test_list_by_prefix_sorted(store: AnyStore) -> None:
    for name in ["user.bob.b", "user.bob", "user.alice", "user.bob.a"]:
        await store.create_mailbox(name)
    listed = await store.list_mailboxes("user.bob")
    assert [m.name for m in listed] == ["user.bob", "user.bob.a", "user.bob.b"]
    assert len(await store.list_mailboxes()) == 4


async def test_delete(store: AnyStore, make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    await store.append(bob, make_message())
    await store.delete_mailbox(bob)
    with pytest.raises(MailboxNotFound):
        await store.get_mailbox("user.bob")
    with pytest.raises(MailboxNotFound):
        await store.delete_mailbox(bob)


async def test_recreated_mailbox_gets_new_uidvalidity(store: AnyStore) -> None:
    first = await store.create_mailbox("user.bob.x")
    await store.delete_mailbox(first.id)
    second = await store.create_mailbox("user.bob.x")
    assert second.uidvalidity > first.uidvalidity
    assert second.id != first.id


async def test_rename_moves_children_and_keeps_uidvalidity(store: AnyStore, make_message: Message) -> None:
    old = await store.create_mailbox("user.bob.work")
    await store.create_mailbox("user.bob.work.2024")
    await store.create_mailbox("user.bob.workshop")
    await store.append(old.id, make_message())
    renamed = await store.rename_mailbox(old.id, "user.alice.job")
    names = [m.name for m in await store.list_mailboxes()]
    assert names == ["user.alice.job", "user.alice.job.2024", "user.bob.workshop"]
    new = await store.get_mailbox("user.alice.job")
    assert (new.id, new.uidvalidity, new.owner) == (old.id, old.uidvalidity, "alice")
    assert renamed == new
    assert len(await store.messages(old.id)) == 1


async def test_rename_onto_existing_is_refused(store: AnyStore) -> None:
    a = (await store.create_mailbox("user.bob.a")).id
    await store.create_mailbox("user.bob.a.c")
    await store.create_mailbox("user.bob.b.c")
    with pytest.raises(MailboxExists):
        await store.rename_mailbox(a, "user.bob.b")
    assert (await store.get_mailbox("user.bob.a")).name == "user.bob.a"


async def test_subscriptions(store: AnyStore) -> None:
    await store.subscribe("bob", "user.bob.b")
    await store.subscribe("bob", "user.bob.a")
    await store.subscribe("bob", "user.bob.a")
    await store.subscribe("alice", "shared.news")
    assert await store.subscriptions("bob") == ["user.bob.a", "user.bob.b"]
    await store.unsubscribe("bob", "user.bob.a")
    assert await store.subscriptions("bob") == ["user.bob.b"]
