"""A parse stored by an older Roost (another schema) is made again once and
stored, so a body is not parsed again at every read."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from roost.message.parsed import SCHEMA
from roost.store.sqlite import SqliteStore

Message = Callable[..., bytes]


async def test_stale_parse_is_replaced_once(store: SqliteStore, make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    await store.append(bob, make_message(1))
    [record] = await store.messages(bob)
    store._db.execute("UPDATE message_cache SET parsed = '[1, 2, 3]'")
    store._db.execute("UPDATE message_summaries SET message_id = NULL")
    store._parsed = type(store._parsed)()  # as a freshly started worker
    parsed = await store.parsed(record.blob)
    assert parsed.message_id == "1@example.com"
    for _ in range(100):  # the write is in the background: bounded wait for it
        if not store._background:
            break
        await asyncio.sleep(0.01)
    [(text,)] = store._db.execute("SELECT parsed FROM message_cache").fetchall()
    assert text.startswith(f"[{SCHEMA},")
    assert await store.messages_with_message_id("1@example.com") != []
    assert store.check() == []
