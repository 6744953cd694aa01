"""A minimal asyncio LMTP client for load generation; targets any LMTP server.

It frames commands and replies only (RFC 5321 §4.2 multi-line replies,
RFC 2033 §4.2 one reply per recipient after DATA) and pipelines each
transaction (RFC 2920): MAIL, every RCPT and DATA in one write, then the
body; or, with `lock_step`, one command at a time, each after the reply
to the one before, as Postfix's smtp-source does. Standard library only,
so the same client measures Roost, Cyrus and Dovecot.
"""

from __future__ import annotations

import asyncio


class LmtpError(Exception):
    """The server answered something the load generator did not expect."""


class LmtpClient:
    """One LMTP connection over TCP (`host`, `port`) or a unix socket (`path`)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.lock_step = False
        self.size_param = False  # RFC 1870: SIZE= only where LHLO advertised SIZE

    @classmethod
    async def connect(cls, host: str = "127.0.0.1", port: int = 0,
                      path: str | None = None, lhlo: str = "bench.client") -> LmtpClient:
        if path:
            reader, writer = await asyncio.open_unix_connection(path)
        else:
            reader, writer = await asyncio.open_connection(host, port)
        client = cls(reader, writer)
        await client.expect(220)
        writer.write(f"LHLO {lhlo}\r\n".encode())
        code, lines = await client.reply_lines()
        if code != 250:
            raise LmtpError(f"LHLO refused: {lines[-1]!r}")
        client.size_param = any(line[4:].upper().split()[:1] == ["SIZE"] for line in lines)
        return client

    async def reply_lines(self) -> tuple[int, list[str]]:
        """One (possibly multi-line) reply: its code and all its lines."""
        lines = []
        while True:
            line = await self.reader.readline()
            if not line:
                raise LmtpError("connection closed by the server")
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            lines.append(text)
            if len(text) < 4 or text[3] != "-":
                return int(text[:3]), lines

    async def reply(self) -> tuple[int, str]:
        """One (possibly multi-line) reply: its code and its last line."""
        code, lines = await self.reply_lines()
        return code, lines[-1]

    async def expect(self, code: int) -> str:
        got, text = await self.reply()
        if got != code:
            raise LmtpError(f"expected {code}, got {text!r}")
        return text

    async def send(self, sender: str, recipients: list[str], message: bytes) -> list[str]:
        """Deliver one message; the per-recipient replies after DATA (2xx or not)."""
        size = f" SIZE={len(message)}" if self.size_param else ""
        lines = [f"MAIL FROM:<{sender}>{size}"]
        lines += [f"RCPT TO:<{rcpt}>" for rcpt in recipients]
        lines.append("DATA")
        codes: list[tuple[int, str]] = []
        if self.lock_step:
            for line in lines:
                self.writer.write(line.encode() + b"\r\n")
                codes.append(await self.reply())
        else:
            self.writer.write("".join(line + "\r\n" for line in lines).encode())
            codes = [await self.reply() for _ in lines]
        if codes[0][0] != 250:
            raise LmtpError(f"expected 250, got {codes[0][1]!r}")
        accepted = sum(code == 250 for code, _ in codes[1:-1])
        code, text = codes[-1]
        if code != 354:
            raise LmtpError(f"DATA refused: {text!r}")
        self.writer.write(dot_stuff(message) + b".\r\n")
        return [(await self.reply())[1] for _ in range(accepted)]

    async def quit(self) -> None:
        self.writer.write(b"QUIT\r\n")
        try:
            await self.reply()
        finally:
            self.writer.close()
            await self.writer.wait_closed()


def dot_stuff(message: bytes) -> bytes:
    """RFC 5321 §4.5.2: a leading dot doubled; CRLF line endings, ending in CRLF."""
    lines = message.replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return b"".join((b"." + line if line.startswith(b".") else line) + b"\r\n"
                    for line in lines)
