"""INPROGRESS (RFC 9585): progress of a long command, as untagged OKs.

`* OK [INPROGRESS ("tag" done goal)] Still working` (§4). Two ways in:

- `step(done, goal)`, awaited by a command at the points where it already
  yields to the loop (SEARCH between batches, SORT's first load of its
  keys): the notification carries the count;
- `keepalive()`, around one long store call that cannot report a count
  (COPY / MOVE of many messages in one transaction): `(tag NIL NIL)`,
  which §4 allows "simply to prevent the client from timing out".

Invariants:
- At most one notification per INTERVAL seconds per command, the first
  INTERVAL seconds after the command began: a short command sends none.
- A notification is written and flushed by the command's own coroutine
  (`step`) or by the keepalive task, which is stopped and awaited before
  the command goes on; so it always precedes the command's tagged reply
  and never shares a flush with another writer.
- `done` never exceeds `goal`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from roost.imap.session import Session
from roost.message.imapstr import string

#: RFC 9585 §4: "it is RECOMMENDED that these are sent every 10-15 seconds".
INTERVAL = 10.0

Send = Callable[[bytes], Awaitable[None]]


class Progress:
    """The notifications of one command (`tag`), written through `send`."""

    def __init__(self, tag: str, send: Send) -> None:
        self.tag = tag
        self._send = send
        self._last = time.monotonic()

    def line(self, done: int | None, goal: int | None) -> bytes:
        """The untagged OK's text (without `* ` and CRLF). RFC 9585 §5."""
        def value(n: int | None) -> bytes:
            return b"NIL" if n is None else b"%d" % n

        return (b"OK [INPROGRESS (" + string(self.tag) + b" " + value(done) + b" "
                + value(goal) + b")] Still working")

    def _due(self) -> bool:
        now = time.monotonic()
        if now - self._last < INTERVAL:
            return False
        self._last = now
        return True

    async def step(self, done: int, goal: int) -> None:
        """`done` of `goal` units of work are finished; tell the client if due."""
        if self._due():
            await self._send(self.line(min(done, goal), goal))

    @asynccontextmanager
    async def keepalive(self) -> AsyncIterator[None]:
        """While the body runs, `(tag NIL NIL)` once per INTERVAL."""
        stop = asyncio.Event()

        async def tick() -> None:
            # Checked each round: wait_for with no time left never runs stop.wait().
            while not stop.is_set():
                wait = max(0.0, self._last + INTERVAL - time.monotonic())
                try:
                    await asyncio.wait_for(stop.wait(), wait)
                except TimeoutError:
                    if self._due() and not stop.is_set():
                        await self._send(self.line(None, None))

        task = asyncio.create_task(tick())
        try:
            yield
        finally:
            stop.set()
            await task


def for_command(s: Session, tag: str) -> Progress:
    """The progress of command `tag` in session `s`, flushed as it is queued."""
    async def send(text: bytes) -> None:
        s.untagged(text)
        await s.flush()

    return Progress(tag, send)
