"""The worker's Shutdown: what it interrupts, what it lets finish, when sessions have ended."""

from __future__ import annotations

import asyncio

import pytest

from roost.master.shutdown import Shutdown, ShuttingDown


async def test_begin_interrupts_a_wait_inside_interrupts() -> None:
    shutdown = Shutdown()
    never = asyncio.Event()

    async def reader() -> str:
        try:
            with shutdown.interrupts():
                await never.wait()
        except ShuttingDown:
            return "goodbye"
        return "read"

    task = asyncio.create_task(reader())
    await asyncio.sleep(0)
    shutdown.begin()
    assert await task == "goodbye"
    assert not task.cancelled() and task.cancelling() == 0


async def test_interrupts_refuses_at_once_after_begin() -> None:
    shutdown = Shutdown()
    shutdown.begin()
    with pytest.raises(ShuttingDown), shutdown.interrupts():
        pass


async def test_work_outside_interrupts_finishes() -> None:
    """A delivery in flight (`when=False`, or no block at all) is never cut short."""
    shutdown = Shutdown()
    go_on = asyncio.Event()

    async def delivery() -> str:
        with shutdown.interrupts(when=False):
            await go_on.wait()
        return "delivered"

    task = asyncio.create_task(delivery())
    await asyncio.sleep(0)
    shutdown.begin()
    go_on.set()
    assert await task == "delivered"


async def test_someone_elses_cancel_stays_a_cancel() -> None:
    shutdown = Shutdown()

    async def reader() -> None:
        with shutdown.interrupts():
            await asyncio.Event().wait()

    task = asyncio.create_task(reader())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_sessions_ended_waits_for_the_last_session() -> None:
    shutdown = Shutdown()
    release = asyncio.Event()
    ended: list[str] = []

    async def session(name: str) -> None:
        with shutdown.session():
            await release.wait()
            ended.append(name)

    tasks = [asyncio.create_task(session(name)) for name in ("a", "b")]
    await asyncio.sleep(0)
    assert shutdown.sessions == 2
    waiter = asyncio.create_task(shutdown.sessions_ended())
    await asyncio.sleep(0)
    assert not waiter.done()
    release.set()
    await waiter
    assert sorted(ended) == ["a", "b"] and shutdown.sessions == 0
    await asyncio.gather(*tasks)


async def test_sessions_ended_returns_at_once_when_idle() -> None:
    await asyncio.wait_for(Shutdown().sessions_ended(), 10)


async def test_a_wait_that_finished_as_shutdown_began_keeps_its_result() -> None:
    """asyncio.wait_for returns a result that arrived together with the cancel:
    the data is handled, the task is not left cancelling, the next wait refuses."""
    shutdown = Shutdown()
    data: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def reader() -> tuple[str, bool]:
        with shutdown.interrupts():
            got = await asyncio.wait_for(data, 10)
        try:
            with shutdown.interrupts():
                pass
        except ShuttingDown:
            return got, True
        return got, False

    task = asyncio.create_task(reader())
    for _ in range(3):
        await asyncio.sleep(0)
    data.set_result("a command")  # done, but the reader has not resumed yet
    shutdown.begin()
    assert await task == ("a command", True)
    assert task.cancelling() == 0
