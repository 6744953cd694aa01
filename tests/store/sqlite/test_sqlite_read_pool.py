"""Reads of a large mailbox leave the event loop; cheap reads stay on it.

Observed without a clock: a read that runs inline finishes in the one
step its task is given, while a read on the pool lets other tasks run
before it finishes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from roost.store.api import AppendMessage
from roost.store.sqlite import SqliteStore
from roost.store.sqlite.readpool import THREAD_ABOVE

Message = Callable[..., bytes]
MAX_STEPS = 1_000_000


async def steps_while(read: Awaitable[object]) -> int:
    """How many times the loop ran other work before `read` finished."""
    task = asyncio.ensure_future(read)
    for step in range(MAX_STEPS):
        await asyncio.sleep(0)
        if task.done():
            await task
            return step
    raise AssertionError("the read never finished")


async def fill(store: SqliteStore, mailbox: str, count: int, make_message: Message) -> int:
    """Create `mailbox` with `count` messages, every odd one \\Seen; its id."""
    box = (await store.create_mailbox(mailbox)).id
    await store.append_messages(box, [AppendMessage(make_message(n), ["\\Seen"] * (n % 2))
                                      for n in range(count)])
    return box


async def test_big_mailbox_reads_leave_the_loop(store: SqliteStore,
                                                make_message: Message) -> None:
    big = await fill(store, "user.big", THREAD_ABOVE + 1, make_message)
    assert await steps_while(store.messages(big, "big")) > 0
    assert await steps_while(store.status(big, "big")) > 0
    assert await steps_while(store.changes_since(big, 0, "big")) > 0
    records = await store.messages(big, "big")
    assert [r.uid for r in records] == list(range(1, THREAD_ABOVE + 2))
    status = await store.status(big, "big")
    assert (status.messages, status.unseen) == (THREAD_ABOVE + 1, (THREAD_ABOVE + 2) // 2)
    changes = await store.changes_since(big, 0, "big")
    assert changes.changed == tuple(records)


async def test_small_mailbox_reads_stay_inline(store: SqliteStore,
                                               make_message: Message) -> None:
    small = await fill(store, "user.small", 10, make_message)
    assert await steps_while(store.messages(small, "small")) == 0
    assert await steps_while(store.status(small, "small")) == 0
    assert await steps_while(store.changes_since(small, 0, "small")) == 0


async def test_many_parses_decode_off_the_loop(store: SqliteStore,
                                               make_message: Message) -> None:
    big = await fill(store, "user.big", THREAD_ABOVE + 1, make_message)
    blobs = [r.blob for r in await store.messages(big)]
    assert await steps_while(store.parsed_many(blobs)) > 0
    parses = await store.parsed_many(blobs)
    assert sorted(parses) == sorted(blobs)
    assert await steps_while(store.parsed_many(blobs[:10])) == 0


async def test_records_share_their_flag_sets(store: SqliteStore, make_message: Message) -> None:
    """One frozenset per distinct flag set, not per record: fewer objects for
    the garbage collector to walk while it holds up the event loop."""
    small = await fill(store, "user.small", 6, make_message)
    flag_sets = [r.flags for r in await store.messages(small, "small")]
    assert sorted(map(sorted, flag_sets)) == [[]] * 3 + [["\\Seen"]] * 3
    assert len({id(flags) for flags in flag_sets}) == 2
