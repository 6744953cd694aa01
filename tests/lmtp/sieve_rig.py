"""What the Sieve-at-delivery tests share: an LMTP service with a real script
store (SievedirScripts) on a real store, a capturing SMTP sink (aiosmtpd),
and a `sendmail` stand-in that keeps what it was given."""

from __future__ import annotations

import asyncio
import itertools
import stat
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

from roost.config import Config
from roost.lmtp import LmtpService
from roost.sieve import SieveOptions, compile_script, dump_compiled
from roost.store.sievedir import SievedirScripts
from roost.store.sqlite import SqliteStore


@dataclass(frozen=True)
class Sent:
    """One message that left: envelope and bytes."""

    sender: str
    recipients: tuple[str, ...]
    raw: bytes


@dataclass
class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps every message it is given."""

    sent: list[Sent] = field(default_factory=list)
    port: int = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        sender = "" if envelope.mail_from in (None, "<>") else str(envelope.mail_from)
        self.sent.append(Sent(sender, tuple(envelope.rcpt_tos), content))
        return "250 2.0.0 Ok: queued"

    async def start(self) -> asyncio.Server:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(self, hostname="sink.test"),
                                          "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        return server


STANDIN = """#!/bin/sh
# A sendmail stand-in: keeps its arguments and the message it reads.
out=$(mktemp "{outbox}/mail.XXXXXX")
printf '%s\\n' "$@" > "$out.args"
cat > "$out.msg"
exit {status}
"""


def write_sendmail(directory: Path, status: int = 0) -> tuple[Path, Path]:
    """A `sendmail` program in `directory` and the outbox it writes into."""
    outbox = directory / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    program = directory / "sendmail"
    program.write_text(STANDIN.format(outbox=outbox, status=status))
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program, outbox


def sendmail_outbox(outbox: Path) -> list[Sent]:
    """What the stand-in was given, oldest first: `-i -f SENDER -- RCPT...`."""
    found = []
    for args in sorted(outbox.glob("*.args"), key=lambda p: p.stat().st_mtime_ns):
        argv = args.read_text().splitlines()
        rest = argv[argv.index("--") + 1:]
        sender = argv[argv.index("-f") + 1]
        found.append(Sent("" if sender == "<>" else sender, tuple(rest),
                          args.with_suffix(".msg").read_bytes()))
    return found


@dataclass
class Rig:
    """LMTP with Sieve on 127.0.0.1 over `store`, scripts under `sievedir`."""

    conf: Config
    store: SqliteStore
    scripts: SievedirScripts
    service: LmtpService
    port: int

    async def activate(self, owner: str, source: str, name: str = "main") -> None:
        """Upload and activate a script, as ManageSieve PUTSCRIPT + SETACTIVE do."""
        options = SieveOptions.from_config(self.conf)
        program = compile_script(source, options)
        await self.scripts.put_script(owner, name, source.encode(),
                                      dump_compiled(program, source.encode(), options))
        await self.scripts.set_active(owner, name)

    async def send(self, sender: str, recipients: list[str], message: bytes) -> list[str]:
        """One LMTP transaction; the reply to each accepted recipient after DATA.

        Waits for the mail its scripts queued to be handed off, so the
        caller sees what left."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)

        async def reply() -> str:
            while True:
                line = (await asyncio.wait_for(reader.readline(), 10)).decode().rstrip("\r\n")
                if line[3:4] != "-":
                    return line

        await reply()
        writer.write(b"LHLO mx.test\r\n")
        await reply()
        writer.write(f"MAIL FROM:<{sender}>\r\n".encode())
        assert (await reply()).startswith("250"), "MAIL refused"
        accepted = 0
        for rcpt in recipients:
            writer.write(f"RCPT TO:<{rcpt}>\r\n".encode())
            accepted += (await reply()).startswith("250")
        writer.write(b"DATA\r\n")
        assert (await reply()).startswith("354")
        body = message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        stuffed = b"\r\n".join(b"." + ln if ln.startswith(b".") else ln
                               for ln in body.split(b"\r\n"))
        writer.write(stuffed.rstrip(b"\r\n") + b"\r\n.\r\n")
        replies = [await reply() for _ in range(accepted)]
        writer.write(b"QUIT\r\n")
        await reply()
        writer.close()
        await writer.wait_closed()
        assert self.service.sieve is not None
        await self.service.sieve.outgoing.drain()
        return replies

    async def bodies(self, mailbox: str) -> list[bytes]:
        info = await self.store.get_mailbox(mailbox)
        return [await self.store.body(rec.blob) for rec in await self.store.messages(info.id)]

    async def flags(self, mailbox: str) -> list[frozenset[str]]:
        info = await self.store.get_mailbox(mailbox)
        return [frozenset(rec.flags) for rec in await self.store.messages(info.id)]


_ids = itertools.count(1)


def message(sender: str = "someone@example.org", subject: str = "hello",
            headers: str = "", body: str = "Hi.", message_id: str | None = None) -> bytes:
    """A small message; a Message-ID of its own unless one is given."""
    mid = message_id or f"<test-{next(_ids)}@example.org>"
    return (f"From: {sender}\r\nTo: bob@example.com\r\nSubject: {subject}\r\n"
            f"Message-ID: {mid}\r\n{headers}\r\n{body}\r\n").encode()
