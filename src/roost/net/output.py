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
from collections.abc import Callable, Iterator

from roost.net.deflate import Deflate

#: Bytes the transport may hold before `flush` waits (asyncio's own default
#: high-water mark is 64 KiB; a little more keeps large FETCHes efficient).
TRANSPORT_HIGH_WATER = 256 * 1024
#: Most bytes handed to the transport at once.
WRITE_SLICE = 64 * 1024


class ConnectionClosed(Exception):
    """The client went away, or stopped reading: the connection ends quietly."""


class Output:
    """Queued output of one connection; `flush` writes it in order."""

    def __init__(self, writer: asyncio.StreamWriter, write_timeout: float) -> None:
        self.writer = writer
        self.write_timeout = write_timeout
        self._queue: list[bytes] = []
        self._queued = 0
        #: Sees every byte queued, in order (the session's telemetry).
        self.tap: Callable[[bytes], None] | None = None
        #: Set once compression starts (`Connection.start_deflate`).
        self.deflate: Deflate | None = None
        self._writing = asyncio.Lock()
        writer.transport.set_write_buffer_limits(high=TRANSPORT_HIGH_WATER)

    def append(self, data: bytes) -> None:
        """Queue `data` behind everything queued before it."""
        if self.tap is not None:
            self.tap(data)
        self._queue.append(data)
        self._queued += len(data)

    def unsent(self) -> int:
        """Bytes queued or still in the transport's buffer."""
        transport = self.writer.transport
        buffered = 0 if transport.is_closing() else transport.get_write_buffer_size()
        return self._queued + buffered

    async def flush(self) -> None:
        """Write the queue, waiting for room; ConnectionClosed if the client is gone
        or has taken none of its output for `write_timeout` seconds.

        Large pieces go to the transport a slice at a time, waiting for room
        between slices, so the transport never holds much more than its
        high-water mark whatever one reply weighs.
        """
        async with self._writing:  # two flushers (IMAP NOTIFY's pusher) never interleave
            await self._flush()

    async def _flush(self) -> None:
        if self.writer.is_closing():
            raise ConnectionClosed("connection closing")
        queue, self._queue, self._queued = self._queue, [], 0
        try:
            transport = self.writer.transport
            for chunk in _compressed(_slices(queue), self.deflate):
                self.writer.write(chunk)
                if not transport.get_write_buffer_size() and not transport.is_closing():
                    continue  # all sent at once: nothing to wait for (most replies)
                # The clock is per slice: a slow client that keeps reading is
                # served; one that stops is cut off `write_timeout` later.
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


def _compressed(chunks: Iterator[bytes | memoryview],
                deflate: Deflate | None) -> Iterator[bytes | memoryview]:
    """`chunks` through the deflater, with one sync flush at the end of the batch."""
    if deflate is None:
        yield from chunks
        return
    fed = False
    for chunk in chunks:
        fed = True
        out = deflate.deflate(chunk)
        if out:
            yield out
    if fed:  # an empty batch would still cost a 5-byte empty block
        yield deflate.sync()


def _slices(pieces: list[bytes]) -> Iterator[bytes | memoryview]:
    """`pieces` in order as chunks of about WRITE_SLICE: small pieces joined,
    large ones cut (memoryview slices, no copies)."""
    batch: list[bytes] = []
    size = 0
    for piece in pieces:
        if len(piece) < WRITE_SLICE:
            batch.append(piece)
            size += len(piece)
            if size < WRITE_SLICE:
                continue
        if batch:
            yield b"".join(batch)
            batch, size = [], 0
        if len(piece) >= WRITE_SLICE:
            view = memoryview(piece)
            for start in range(0, len(view), WRITE_SLICE):
                yield view[start:start + WRITE_SLICE]
    if batch:
        yield b"".join(batch)
