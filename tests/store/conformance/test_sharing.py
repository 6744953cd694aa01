"""Two stores on one index (as two worker processes) and change
notification, on every backend."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .conftest import AnyStore

Message = Callable[..., bytes]
StoreFactory = Callable[[], AnyStore]

async def test_second_store_sees_changes(open_another: StoreFactory,
                                         make_message: Message) -> None:
    one, two = open_another(), open_another()
    bob = (await one.create_mailbox("user.bob")).id
    mark = (await two.get_mailbox("user.bob")).highestmodseq
    await one.append(bob, make_message(1))
    await one.append(bob, make_message(2), flags=["\\Deleted"])
    await one.expunge(bob)
    changes = await two.changes_since(bob, mark)
    assert [r.uid for r in changes.changed] == [1]
    assert changes.expunged == (2,)
    assert await two.body(changes.changed[0].blob) == make_message(1)


async def test_wait_for_change_wakes_on_local_commit(store: AnyStore,
                                                     make_message: Message) -> None:
    info = await store.create_mailbox("user.bob")
    bob = info.id
    waiter = asyncio.create_task(store.wait_for_change(bob, info.highestmodseq, 5.0))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    await store.append(bob, make_message())
    assert await waiter is True  # True: woken by the change, not by the timeout


async def test_wait_for_change_wakes_on_other_process(open_another: StoreFactory,
                                                      make_message: Message) -> None:
    one, two = open_another(), open_another()
    info = await one.create_mailbox("user.bob")
    bob = info.id
    waiter = asyncio.create_task(two.wait_for_change(bob, info.highestmodseq, 5.0))
    await asyncio.sleep(0.05)
    await one.store_flags(bob, [], "add", ["\\Seen"])  # no change: no wake-up
    await one.append(bob, make_message())
    assert await waiter is True  # True: woken by the change, not by the timeout


async def test_wait_for_change_times_out(store: AnyStore) -> None:
    info = await store.create_mailbox("user.bob")
    bob = info.id
    await store.create_mailbox("user.alice")
    waiter = asyncio.create_task(store.wait_for_change(bob, info.highestmodseq, 0.4))
    await store.create_mailbox("user.carol")  # another mailbox's change does not count
    assert await waiter is False


async def test_wait_for_change_already_passed(store: AnyStore,
                                              make_message: Message) -> None:
    info = await store.create_mailbox("user.bob")
    bob = info.id
    await store.append(bob, make_message())
    assert await store.wait_for_change(bob, info.highestmodseq, 0.0) is True


async def test_a_failing_write_does_not_sink_its_batch(store: AnyStore,
                                                       make_message: Message) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    outcomes = await asyncio.gather(
        store.append(bob, make_message(1)),
        store.create_mailbox("user.bob"),
        store.append(bob, make_message(2)),
        return_exceptions=True)
    assert isinstance(outcomes[1], Exception)
    assert [r.uid for r in await store.messages(bob)] == [1, 2]
