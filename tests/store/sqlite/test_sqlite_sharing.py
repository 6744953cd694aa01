"""SQLite's group commit of concurrent appends."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from roost.store.sqlite import SqliteStore

Message = Callable[..., bytes]
StoreFactory = Callable[[], SqliteStore]


async def test_group_commit_of_concurrent_appends(store: SqliteStore,
                                                  make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    commits = store._writer.commits
    results = await asyncio.gather(*(store.append(bob, make_message(i))
                                     for i in range(50)))
    assert sorted(r.uid for r in results) == list(range(1, 51))
    assert store._writer.commits - commits < 50
    records = await store.messages(bob)
    assert len(records) == 50
    bodies = {await store.body(r.blob) for r in records}
    assert bodies == {make_message(i) for i in range(50)}
    assert store.check() == []
