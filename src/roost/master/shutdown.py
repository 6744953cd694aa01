"""A worker's shutdown, as the protocol servers see it.

On SIGTERM the worker calls `begin()`. From then on a protocol server
says goodbye instead of waiting for the next command: LMTP `421 4.3.2`
(RFC 5321 §3.8), IMAP `* BYE` (RFC 9051 §7.1.5). What it is doing now
(a command running, a DATA body being read) finishes first, because only
reads wrapped in `interrupts()` are cut short. The worker closes the
store once `sessions_ended()` returns.

Invariants: `requested` never goes back to False; a task is cancelled by
`begin()` only while it is inside `interrupts()`, and that cancellation
leaves the block as `ShuttingDown`, never as CancelledError; every
connection counted by `session()` has left it when `sessions_ended()`
returns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class ShuttingDown(Exception):
    """The worker is stopping: say the protocol's goodbye and close."""


class Shutdown:
    """The stop signal and the open sessions of one worker."""

    def __init__(self) -> None:
        self.requested = False
        self._sessions = 0
        self._ended: asyncio.Event | None = None
        self._waiting: set[asyncio.Task[Any]] = set()
        self._interrupted: set[asyncio.Task[Any]] = set()

    @property
    def sessions(self) -> int:
        """How many connections are being served."""
        return self._sessions

    def begin(self) -> None:
        """Stop: every task waiting inside `interrupts()` gets ShuttingDown now."""
        self.requested = True
        for task in self._waiting:
            self._interrupted.add(task)
            task.cancel()

    @contextmanager
    def interrupts(self, when: bool = True) -> Iterator[None]:
        """Let `begin()` cut short the wait inside (a read for the next command).

        Raises ShuttingDown at once if shutdown has begun. `when=False`
        (e.g. while an LMTP DATA body is read) makes the block uninterruptible.
        """
        task = asyncio.current_task()
        if not when or task is None:
            yield
            return
        if self.requested:
            raise ShuttingDown()
        self._waiting.add(task)
        try:
            yield
        except asyncio.CancelledError:
            if task not in self._interrupted or task.uncancel() > 0:
                raise  # a cancellation of someone else's
            raise ShuttingDown() from None
        else:
            if task in self._interrupted:
                # The wait had finished as the cancel landed and kept its result
                # (asyncio.wait_for does): balance the count; the next block refuses.
                task.uncancel()
        finally:
            self._waiting.discard(task)
            self._interrupted.discard(task)

    @contextmanager
    def session(self) -> Iterator[None]:
        """Count one connection while it is served (the store must outlive it)."""
        self._sessions += 1
        try:
            yield
        finally:
            self._sessions -= 1
            if self._sessions == 0 and self._ended is not None:
                self._ended.set()

    async def sessions_ended(self) -> None:
        """Return once no connection is being served."""
        while self._sessions:
            self._ended = asyncio.Event()
            await self._ended.wait()
