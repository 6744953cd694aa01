"""Change notification across processes and nodes: LISTEN/NOTIFY.

Every write whose commit moves a mailbox's MODSEQ sends NOTIFY on
`roost_changes` (tx.py); PostgreSQL delivers it after the commit to every
listening connection, in any process on any node. One connection per
store listens (opened when the first waiter comes) and wakes the local
waiters, who then read the MODSEQ themselves, so a notification lost
with a dropped connection costs at most SAFETY_POLL seconds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import psycopg
from psycopg import AsyncConnection

from roost.store.postgres.tx import CHANNEL

log = logging.getLogger(__name__)
SAFETY_POLL = 1.0
"""Seconds between re-reads while waiting, whatever the listener says."""


class Listener:
    """Pulses its waiters on each NOTIFY; belongs to one event loop."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._event = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def pulse(self) -> None:
        """Wake every current waiter; later waiters wait for the next pulse."""
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait(self, changed: Callable[[], Awaitable[bool]], timeout: float) -> bool:
        """True once `changed()` holds, False if `timeout` seconds pass first."""
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._listen())
        deadline = loop.time() + timeout
        while True:
            event = self._event  # taken before the read: no pulse falls between
            if await changed():
                return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(event.wait(), min(remaining, SAFETY_POLL))
            except TimeoutError:
                pass

    async def _listen(self) -> None:
        try:
            async with await AsyncConnection.connect(self._dsn, autocommit=True) as conn:
                await conn.execute(f"LISTEN {CHANNEL}".encode())
                self.pulse()  # changes before LISTEN took effect: waiters re-read
                async for _ in conn.notifies():
                    self.pulse()
        except psycopg.Error as err:  # waiters fall back to SAFETY_POLL until the next wait
            log.warning("listening for store changes failed: %s", err)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
