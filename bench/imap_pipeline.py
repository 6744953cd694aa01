"""An IMAP connection with several commands in flight, as Dovecot's imaptest keeps them.

`bench.imap_client.ImapClient` sends one command and waits for its tag;
imaptest does not: it keeps up to ten commands queued on a connection
(its MAX_COMMAND_QUEUE_LEN) and sends literals inline with LITERAL+
(RFC 7888). This connection frames replies the same way (RFC 9051 §2.2:
lines, `{n}` literals, tagged completion), resolves each tag's future when
its completion arrives, and follows EXISTS and EXPUNGE so the generator
can pick valid sequence numbers.
"""

from __future__ import annotations

import asyncio
import re

from bench.imap_client import LIMIT, ImapError, Reply, read_response, track_exists

_TAGGED = re.compile(rb"^(p\d+) (\S+) ?(.*?)\r\n$", re.DOTALL)


class PipelinedClient:
    """One connection; `send` queues a command and returns the future of its reply."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.exists = 0
        self.capabilities = b""
        self._tag = 0
        self._pending: dict[bytes, asyncio.Future[Reply]] = {}
        self._reading: asyncio.Task[None] | None = None

    @classmethod
    async def connect(cls, host: str, port: int) -> PipelinedClient:
        reader, writer = await asyncio.open_connection(host, port, limit=LIMIT)
        client = cls(reader, writer)
        greeting = await read_response(reader)
        if not greeting.startswith(b"* OK") and not greeting.startswith(b"* PREAUTH"):
            raise ImapError(f"greeting: {greeting[:200]!r}")
        client.capabilities = greeting.upper()
        client._reading = asyncio.create_task(client._read_replies())
        return client

    async def _read_replies(self) -> None:
        """Route every reply to its tag's future until the connection ends."""
        try:
            while True:
                line = await read_response(self.reader)
                tagged = _TAGGED.match(line) if not line.startswith(b"*") else None
                if tagged is None:
                    self._track(line)
                    continue
                future = self._pending.pop(tagged.group(1), None)
                if future is not None and not future.done():
                    text = tagged.group(3).decode("utf-8", "replace")
                    future.set_result(Reply(tagged.group(2).decode().upper(), text, []))
        except (OSError, EOFError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as err:
            self._fail(ImapError(f"connection ended: {err!r}"))

    def _fail(self, err: Exception) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(err)

    def _track(self, line: bytes) -> None:
        self.exists = track_exists(line, self.exists)
        if line.startswith(b"* CAPABILITY") or b"[CAPABILITY " in line.upper():
            self.capabilities = line.upper()

    def has(self, capability: bytes) -> bool:
        return b" " + capability in self.capabilities

    def send(self, text: bytes,
             literals: tuple[tuple[bytes, bytes], ...] = ()) -> asyncio.Future[Reply]:
        """Queue `TAG text` with LITERAL+ literals: each (bytes before it, literal)."""
        if self._reading is None or self._reading.done():
            raise ImapError("connection closed")
        self._tag += 1
        tag = b"p%d" % self._tag
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._pending[tag] = future
        parts = [tag, b" ", text]
        for before, literal in literals:
            parts += [before, b" {%d+}\r\n" % len(literal), literal]
        parts.append(b"\r\n")
        self.writer.write(b"".join(parts))
        return future

    async def close(self) -> None:
        if self._reading is not None:
            self._reading.cancel()
        self._fail(ImapError("closed"))
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except (ConnectionError, OSError):
            pass
