"""A minimal asyncio IMAP client for load generation: raw commands, literals, tags.

The benchmark must measure the server, not a client library, and must work
against any IMAP server; so this client only frames commands and replies
(RFC 9051 §2.2: lines, `{n}` literals, tagged completion) and tracks the
two counters a load generator needs to pick valid sequence numbers:
EXISTS and EXPUNGE.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

_LITERAL = re.compile(rb"\{(\d+)\+?\}\r\n$")
_EXISTS = re.compile(rb"^\* (\d+) EXISTS", re.IGNORECASE)
_EXPUNGE = re.compile(rb"^\* (\d+) EXPUNGE", re.IGNORECASE)
LIMIT = 64 * 1024 * 1024


class ImapError(Exception):
    """The connection broke or the server said something unframeable."""


@dataclass(frozen=True, slots=True)
class Reply:
    """A completed command: its status (OK/NO/BAD), tagged text, untagged lines."""

    status: str
    text: str
    untagged: list[bytes]


async def read_response(reader: asyncio.StreamReader) -> bytes:
    """One response line with its literals inlined."""
    parts = []
    while True:
        line = await reader.readuntil(b"\r\n")
        parts.append(line)
        literal = _LITERAL.search(line)
        if literal is None:
            return b"".join(parts)
        parts.append(await reader.readexactly(int(literal.group(1))))


def track_exists(line: bytes, exists: int) -> int:
    """The message count after an untagged `line` (EXISTS sets it, EXPUNGE lowers it)."""
    if (m := _EXISTS.match(line)) is not None:
        return int(m.group(1))
    if _EXPUNGE.match(line) is not None:
        return max(0, exists - 1)
    return exists


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapClient:
    """One connection; commands are sent one at a time (no pipelining)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.exists = 0
        self._tag = 0

    @classmethod
    async def connect(cls, host: str, port: int) -> ImapClient:
        reader, writer = await asyncio.open_connection(host, port, limit=LIMIT)
        client = cls(reader, writer)
        greeting = await client._read_response()
        if not greeting.startswith(b"* OK") and not greeting.startswith(b"* PREAUTH"):
            raise ImapError(f"greeting: {greeting[:200]!r}")
        return client

    async def _read_response(self) -> bytes:
        return await read_response(self.reader)

    def _track(self, line: bytes) -> None:
        self.exists = track_exists(line, self.exists)

    async def command(self, text: str, literal: bytes | None = None) -> Reply:
        """Send `TAG text` (with a synchronizing literal when given) and wait for the tag."""
        self._tag += 1
        tag = f"a{self._tag}".encode()
        if literal is None:
            self.writer.write(tag + b" " + text.encode() + b"\r\n")
        else:
            self.writer.write(tag + b" " + text.encode() + b" {%d}\r\n" % len(literal))
            line = await self._read_response()
            if not line.startswith(b"+"):
                return self._done(line, tag, [])
            self.writer.write(literal + b"\r\n")
        untagged: list[bytes] = []
        while True:
            line = await self._read_response()
            if line.startswith(tag + b" "):
                return self._done(line, tag, untagged)
            self._track(line)
            untagged.append(line)

    @staticmethod
    def _done(line: bytes, tag: bytes, untagged: list[bytes]) -> Reply:
        rest = line[len(tag) + 1:].decode("utf-8", "replace").rstrip("\r\n")
        status, _, text = rest.partition(" ")
        return Reply(status.upper(), text, untagged)

    async def login(self, user: str, password: str) -> Reply:
        return await self.command(f"LOGIN {quote(user)} {quote(password)}")

    async def close(self) -> None:
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except (ConnectionError, OSError):
            pass
