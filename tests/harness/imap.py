"""IMAP test servers and clients: the real server in-process on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from roost.imap.server import start_imap
from roost.master.context import ServerContext, open_context
from roost.store.names import user_inbox
from tests.harness.site import PASSWORD, USERS, Site
from tests.harness.transcript import TranscriptClient

SAMPLE = (
    b"From: Alice <alice@example.com>\r\n"
    b"To: Bob <bob@example.com>\r\n"
    b"Subject: Hello %d\r\n"
    b"Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
    b"Message-ID: <%d@example.com>\r\n"
    b"\r\n"
    b"Body of message %d.\r\n"
)


def sample_message(n: int) -> bytes:
    return SAMPLE % (n, n, n)


@dataclass
class RunningImap:
    ctx: ServerContext
    host: str
    port: int
    server: asyncio.AbstractServer

    async def mailbox_id(self, name: str) -> int:
        """The store id of the mailbox with internal name `name`."""
        return (await self.ctx.store.get_mailbox(name)).id


@asynccontextmanager
async def running_imap(site: Site, messages: int = 2) -> AsyncIterator[RunningImap]:
    """Serve IMAP from a fresh store; each user has an INBOX with `messages` messages."""
    ctx = await open_context(site.conf)
    inboxes = {user: await ctx.store.create_mailbox(user_inbox(user)) for user in USERS}
    for n in range(1, messages + 1):
        await ctx.store.append(inboxes["bob"].id, sample_message(n))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.setblocking(False)
    server = await start_imap(ctx, sock, implicit_tls=False)
    try:
        yield RunningImap(ctx, "127.0.0.1", sock.getsockname()[1], server)
    finally:
        server.close()
        await ctx.store.close()
        await asyncio.to_thread(ctx.shared.close)  # its database connections too


class ImapTranscript(TranscriptClient):
    """A transcript client with shortcuts for the usual preamble."""

    counter = 0

    def tag(self) -> str:
        ImapTranscript.counter += 1
        return f"x{ImapTranscript.counter}"

    async def command(self, line: str) -> list[str]:
        """Send `TAG line`; return every line up to and including the tagged reply."""
        tag = self.tag()
        await self.send(f"{tag} {line}\r\n".encode())
        lines = []
        while True:
            got = await self.readline()
            lines.append(got)
            if got.startswith(tag + " "):
                assert got.startswith(f"{tag} OK"), lines
                return lines

    async def login(self, user: str = "bob") -> None:
        await self.command(f"LOGIN {user} {PASSWORD}")

    async def select(self, mailbox: str) -> list[str]:
        return await self.command(f"SELECT {mailbox}")


async def connect(server: RunningImap, user: str | None = "bob") -> ImapTranscript:
    reader, writer = await asyncio.open_connection(server.host, server.port)
    client = ImapTranscript(reader, writer)
    greeting = await client.readline()
    assert greeting.startswith("* OK"), greeting
    if user is not None:
        await client.login(user)
    return client


async def play_as(server: RunningImap, user: str, transcript: str,
                  select: str | None = None) -> None:
    """One session of `user` playing `transcript`, `select` selected first if given."""
    client = await connect(server, user=user)
    if select is not None:
        await client.select(select)
    await client.play(transcript)
    await client.close()
