"""The LMTP transcript client used by the tests (and nothing else).

`play` sends every `C:` line up to the next `S:` line in one write (so
consecutive `C:` lines are a pipelined group, RFC 2920) and then reads one
line per `S:` line; `{…}` in an expected line matches any text.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import textwrap
from collections.abc import Awaitable, Callable

from roost.config import Config

ConfFactory = Callable[..., Config]


class Transcript:
    """One client connection that plays `C:`/`S:` scripts."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def play(self, script: str) -> None:
        outgoing: list[str] = []
        for raw in textwrap.dedent(script).strip("\n").splitlines():
            line = raw.strip()
            if not line:
                continue
            kind, _, text = line.partition(":")
            text = text.removeprefix(" ")
            if kind == "C":
                outgoing.append(text)
                continue
            assert kind == "S", f"bad script line {raw!r}"
            if outgoing:
                await self.send("".join(o + "\r\n" for o in outgoing).encode())
                outgoing = []
            await self.expect(text)
        if outgoing:
            await self.send("".join(o + "\r\n" for o in outgoing).encode())

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def expect(self, pattern: str) -> str:
        got = (await asyncio.wait_for(self.reader.readline(), 10)).decode()
        regex = ".*".join(re.escape(part) for part in pattern.split("{…}"))
        assert re.fullmatch(regex + "\r\n", got), f"expected {pattern!r}, got {got!r}"
        return got.rstrip("\r\n")

    async def starttls(self, context: ssl.SSLContext) -> None:
        await self.writer.start_tls(context, server_hostname="localhost")

    async def close(self) -> None:
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except (ConnectionError, ssl.SSLError):
            pass


#: Fixture types: `serve(conf)` starts a service, `connect(address)` a client.
Serve = Callable[[Config], Awaitable[tuple[str, int]]]
Connect = Callable[[tuple[str, int]], Awaitable["Transcript"]]
