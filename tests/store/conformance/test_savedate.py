"""Save dates (RFC 8514) in the store: set on every way in, kept through
flag changes; on every backend."""

from __future__ import annotations

import time
from collections.abc import Callable

from roost.store.api import AppendMessage, Delivery

from .conftest import AnyStore


async def test_every_way_in_records_a_save_date(store: AnyStore,
                                                make_message: Callable[..., bytes]) -> None:
    inbox = (await store.create_mailbox("user.bob")).id
    other = (await store.create_mailbox("user.bob.Other")).id
    start = time.time()
    await store.append_messages(inbox, [AppendMessage(make_message(1)),
                                        AppendMessage(make_message(2))])
    await store.deliver([Delivery(inbox)], make_message(3))
    await store.copy(inbox, [1], other)
    await store.move(inbox, [2], other)
    saved = {**await store.savedates(inbox, [1, 2, 3, 9]),
             **{10 + uid: when for uid, when in (await store.savedates(other, [1, 2])).items()}}
    assert sorted(saved) == [1, 2, 3, 11, 12]  # UID 2 is a tombstone now: still there
    assert all(when is not None and when.timestamp() >= start - 1 for when in saved.values())
    first = (await store.savedates(inbox, [1]))[1]
    await store.store_flags(inbox, [1], "add", ["\\Seen"])
    assert (await store.savedates(inbox, [1]))[1] == first
