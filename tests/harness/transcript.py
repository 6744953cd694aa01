"""Transcripts: `C:` lines the client sends, `S:` lines the server must answer.

`{…}` in an expected line matches any text. Consecutive `C:` lines are sent
together; then every following `S:` line must arrive, in order, within the
timeout. Lines are compared without their CRLF.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import textwrap

WILDCARD = "{…}"
TIMEOUT = 10.0


def line_pattern(expected: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in expected.split(WILDCARD)]
    return re.compile(".*?".join(parts) + r"\Z", re.DOTALL)


def blocks(script: str) -> list[tuple[list[str], list[str]]]:
    """[(client lines, server lines)] in script order."""
    out: list[tuple[list[str], list[str]]] = []
    for raw in textwrap.dedent(script).splitlines():
        line = raw.strip("\n")
        if not line.strip():
            continue
        kind, _, text = line.lstrip().partition(":")
        text = text.removeprefix(" ")  # "C:" alone is an empty line
        if kind == "C":
            if not out or out[-1][1]:
                out.append(([], []))
            out[-1][0].append(text)
        elif kind == "S":
            if not out:
                out.append(([], []))
            out[-1][1].append(text)
        else:
            raise ValueError(f"transcript line must start with C: or S: -> {line!r}")
    return out


class TranscriptClient:
    """A line-based client over a real socket."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def readline(self, timeout: float = TIMEOUT) -> str:
        data = await asyncio.wait_for(self.reader.readline(), timeout)
        if not data:
            raise ConnectionError("server closed the connection")
        return data.decode("utf-8", "replace").rstrip("\r\n")

    async def expect(self, expected: str) -> str:
        """Read one line; it must match `expected` (with `{…}` wildcards)."""
        got = await self.readline()
        assert line_pattern(expected).match(got), f"expected {expected!r}, got {got!r}"
        return got

    async def starttls(self, context: ssl.SSLContext) -> None:
        await self.writer.start_tls(context, server_hostname="localhost")

    async def play(self, script: str) -> list[str]:
        """Run a transcript; return every server line read."""
        seen: list[str] = []
        for client_lines, server_lines in blocks(script):
            if client_lines:
                await self.send("".join(f"{c}\r\n" for c in client_lines).encode())
            for expected in server_lines:
                got = await self.readline()
                seen.append(got)
                assert line_pattern(expected).match(got), (
                    f"expected {expected!r}\n     got {got!r}\n after {seen[:-1]!r}")
        return seen

    async def close(self) -> None:
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except (ConnectionError, OSError):
            pass
