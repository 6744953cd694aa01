"""Waking sessions when a mailbox changes (IDLE, other sessions' updates).

Two sources of wake-ups feed one pulse: the writer signals after each
commit of this process, and while anyone waits a poller reads `PRAGMA
data_version` every POLL_INTERVAL, which moves whenever another
connection (another worker process, or our own writer) commits. Waiters
re-check their mailbox's MODSEQ on each pulse, so a spurious pulse costs
one indexed read.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

POLL_INTERVAL = 0.25


class ChangeNotifier:
    """Pulses on commits; belongs to the event loop that waits on it."""

    def __init__(self, data_version: Callable[[], int]) -> None:
        self._data_version = data_version
        self._event = asyncio.Event()
        self._waiters = 0
        self._poller: asyncio.Task[None] | None = None

    def pulse(self) -> None:
        """Wake every current waiter; later waiters wait for the next pulse."""
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait(self, changed: Callable[[], bool], timeout: float) -> bool:
        """Return True once `changed()` holds, False if `timeout` seconds pass first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        self._waiters += 1
        if self._poller is None or self._poller.done():
            self._poller = loop.create_task(self._poll())
        try:
            while True:
                event = self._event
                if changed():
                    return True
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return False
                try:
                    await asyncio.wait_for(event.wait(), remaining)
                except TimeoutError:
                    return changed()
        finally:
            self._waiters -= 1

    async def _poll(self) -> None:
        """Pulse when the database changed under us; stop when nobody waits."""
        last = self._data_version()
        while self._waiters:
            await asyncio.sleep(POLL_INTERVAL)
            now = self._data_version()
            if now != last:
                last = now
                self.pulse()

    async def close(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
