"""A POP3 test server in-process on 127.0.0.1, and a transcript client for it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from roost.imap.server import start_imap
from roost.master.context import ServerContext, open_context
from roost.pop3.server import start_pop3
from roost.store.names import user_inbox
from tests.harness.imap import sample_message
from tests.harness.site import PASSWORD, USERS, Site
from tests.harness.transcript import TranscriptClient


def listening() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.setblocking(False)
    return sock


@dataclass
class RunningPop3:
    ctx: ServerContext
    port: int
    pop3s_port: int
    imap_port: int
    inbox_id: int  # bob's INBOX

    async def uids(self) -> list[int]:
        return [rec.uid for rec in await self.ctx.store.messages(self.inbox_id)]


@asynccontextmanager
async def running_pop3(site: Site, messages: int = 2) -> AsyncIterator[RunningPop3]:
    """POP3, POP3S and IMAP on one fresh store; bob's INBOX holds `messages` messages."""
    ctx = await open_context(site.conf)
    inboxes = {user: await ctx.store.create_mailbox(user_inbox(user)) for user in USERS}
    for n in range(1, messages + 1):
        await ctx.store.append(inboxes["bob"].id, sample_message(n))
    plain, tls, imap = listening(), listening(), listening()
    servers = [await start_pop3(ctx, plain, implicit_tls=False),
               await start_pop3(ctx, tls, implicit_tls=True),
               await start_imap(ctx, imap, implicit_tls=False)]
    try:
        yield RunningPop3(ctx, plain.getsockname()[1], tls.getsockname()[1],
                          imap.getsockname()[1], inboxes["bob"].id)
    finally:
        for server in servers:
            server.close()
        for server in servers:
            await server.wait_closed()
        await ctx.store.close()
        await asyncio.to_thread(ctx.shared.close)  # its database connections too


class Pop3Transcript(TranscriptClient):
    async def login(self, user: str = "bob", password: str = PASSWORD) -> None:
        await self.play(f"""
            C: USER {user}
            S: +OK {{…}}
            C: PASS {password}
            S: +OK {{…}}
        """)

    async def multiline(self) -> list[str]:
        """The lines of a multi-line body, up to the "." terminator (unstuffed)."""
        lines = []
        while (line := await self.readline()) != ".":
            lines.append(line.removeprefix("."))
        return lines


async def connect(port: int, user: str | None = None) -> Pop3Transcript:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    client = Pop3Transcript(reader, writer)
    greeting = await client.readline()
    assert greeting.startswith("+OK"), greeting
    if user is not None:
        await client.login(user)
    return client
