"""The one ordered write path of a connection, with back-pressure.

Every byte a server sends (greeting, continuation requests, untagged data,
tagged or numbered replies, goodbyes) goes through `Output.append`, in the
order the protocol produced it; nothing writes to the socket beside it
(STYLE.md "Seams": h11's one `send()`). `flush` hands the queue to the
transport and waits until the transport has room again, for at most
`write_timeout` seconds: a client that does not read its output is cut
off instead of pinning memory, and the memory comes back when it leaves.
"""

from __future__ import annotations

import asyncio
import ssl

#: Bytes the transport may hold before `flush` waits (asyncio's own default
#: high-water mark is 64 KiB; a little more keeps large FETCHes efficient).
TRANSPORT_HIGH_WATER = 256 * 1024
#: Queued bytes at which `send` flushes by itself.
QUEUE_HIGH_WATER = 256 * 1024


class ConnectionClosed(Exception):
    """The client went away, or stopped reading: the connection ends quietly."""


class Output:
    """Queued output of one connection; `flush` writes it in order."""

    def __init__(self, writer: asyncio.StreamWriter, write_timeout: float) -> None:
        self.writer = writer
        self.write_timeout = write_timeout
        self._queue: list[bytes] = []
        self._queued = 0
        writer.transport.set_write_buffer_limits(high=TRANSPORT_HIGH_WATER)

    def append(self, data: bytes) -> None:
        """Queue `data` behind everything queued before it."""
        self._queue.append(data)
        self._queued += len(data)

    @property
    def queued(self) -> int:
        """Bytes queued and not yet handed to the transport."""
        return self._queued

    def unsent(self) -> int:
        """Bytes queued or still in the transport's buffer."""
        transport = self.writer.transport
        buffered = 0 if transport.is_closing() else transport.get_write_buffer_size()
        return self._queued + buffered

    async def send(self, data: bytes) -> None:
        """Queue `data`; flush when the queue passes its high-water mark."""
        self.append(data)
        if self._queued >= QUEUE_HIGH_WATER:
            await self.flush()

    async def flush(self) -> None:
        """Write the queue, then wait for room; ConnectionClosed if the client is gone
        or has not taken its output within `write_timeout`."""
        if self.writer.is_closing():
            raise ConnectionClosed("connection closing")
        if self._queue:
            self.writer.write(b"".join(self._queue))
            self._queue.clear()
            self._queued = 0
        try:
            async with asyncio.timeout(self.write_timeout):
                await self.writer.drain()
        except TimeoutError:
            raise ConnectionClosed("client did not read its output "
                                   f"within {self.write_timeout:g} s") from None
        except (ConnectionError, ssl.SSLError, RuntimeError) as err:
            raise ConnectionClosed(f"write failed: {err!r}") from None

    def discard(self) -> None:
        """Forget queued output (the connection is being torn down)."""
        self._queue.clear()
        self._queued = 0
