"""Messages found by their Message-ID header: through an index, copies and
expunges followed; on every backend."""

from __future__ import annotations

from tests.store.conftest import message

from .conftest import AnyStore


async def test_every_live_copy_is_found_by_its_message_id(store: AnyStore) -> None:
    a = await store.create_mailbox("news.a")
    b = await store.create_mailbox("news.b")
    first = await store.append(a.id, message(1))
    await store.append(a.id, message(2))
    await store.copy(a.id, [first.uid], b.id)
    found = await store.messages_with_message_id("1@example.com")
    assert [(mailbox, rec.uid) for mailbox, rec in found] == [(a.id, 1), (b.id, 1)]
    assert await store.messages_with_message_id("<1@example.com>") == []
    assert await store.messages_with_message_id("nobody@example.com") == []


async def test_an_expunged_message_is_no_longer_found(store: AnyStore) -> None:
    a = await store.create_mailbox("news.a")
    result = await store.append(a.id, message(1), flags=["\\Deleted"])
    assert len(await store.messages_with_message_id("1@example.com")) == 1
    await store.expunge(a.id, [result.uid])
    assert await store.messages_with_message_id("1@example.com") == []


async def test_a_message_without_message_id_is_not_found_by_an_empty_one(
        store: AnyStore) -> None:
    a = await store.create_mailbox("news.a")
    await store.append(a.id, b"From: a@example.com\r\nSubject: none\r\n\r\nbody\r\n")
    assert await store.messages_with_message_id("") == []
