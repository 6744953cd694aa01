"""NNTP test servers: the real service in-process on 127.0.0.1 over a fresh
site whose newsgroups are shared mailboxes under `newsprefix: news`.

The groups: `test.one` (3 articles) and `test.two` (empty), both `anyone
lrsp`; `test.ro`, `anyone lr` (no posting); `private`, readable by alice
only; and `user.bob`, bob's INBOX, never a group.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.harness.loops import pytest_asyncio_loop_factories
from tests.harness.site import PASSWORD, Site, make_site
from tests.harness.transcript import TranscriptClient

from roost.master.context import ServerContext, open_context
from roost.nntp.server import start_nntp

ARTICLE = (
    "Path: elsewhere!not-for-mail\r\n"
    "From: Alice <alice@example.com>\r\n"
    "Newsgroups: test.one\r\n"
    "Subject: Article {n}\r\n"
    "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
    "Message-ID: <{n}@news.example>\r\n"
    "{extra}"
    "\r\n"
    "Body of article {n}.\r\n"
    ".A line starting with a dot.\r\n"
)
EXTRA_CONF = "newsprefix: news\n"


__all__ = ["pytest_asyncio_loop_factories"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conf(text): extra imapd.conf lines for the NNTP site")


def article(n: int, extra: str = "") -> bytes:
    return ARTICLE.format(n=n, extra=extra).encode()


@dataclass
class RunningNntp:
    ctx: ServerContext
    port: int
    server: asyncio.AbstractServer

    async def group_count(self, name: str) -> int:
        info = await self.ctx.store.get_mailbox(name)
        return len(await self.ctx.store.messages(info.id))


@asynccontextmanager
async def running_nntp(site: Site, *, reader: bool = True,
                       feeder: bool = True) -> AsyncIterator[RunningNntp]:
    ctx = await open_context(site.conf)
    store = ctx.store
    one = await store.create_mailbox("news.test.one")
    await store.create_mailbox("news.test.two")
    ro = await store.create_mailbox("news.test.ro")
    private = await store.create_mailbox("news.private")
    await store.create_mailbox("user.bob")
    for mailbox in (one.id, (await store.get_mailbox("news.test.two")).id):
        await store.set_acl(mailbox, "anyone", "lrsp")
    await store.set_acl(ro.id, "anyone", "lr")
    await store.set_acl(private.id, "alice", "lrsp")
    for n in (1, 2, 3):
        await store.append(one.id, article(n, "References: <1@news.example>\r\n" if n == 3
                                           else ""))
    await store.append(private.id, article(9))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.setblocking(False)
    server = await start_nntp(ctx, sock, implicit_tls=False, reader=reader, feeder=feeder)
    try:
        yield RunningNntp(ctx, sock.getsockname()[1], server)
    finally:
        server.close()
        await server.wait_closed()
        await ctx.store.close()
        await asyncio.to_thread(ctx.shared.close)  # its database connections too


class NntpTranscript(TranscriptClient):
    async def login(self, user: str = "bob") -> None:
        await self.play(f"""
            C: AUTHINFO USER {user}
            S: 381 {{…}}
            C: AUTHINFO PASS {PASSWORD}
            S: 281 {{…}}
        """)

    async def block(self) -> list[str]:
        """The lines of a multi-line block up to its terminator (dot-unstuffed)."""
        lines = []
        while (line := await self.readline()) != ".":
            lines.append(line[1:] if line.startswith("..") else line)
        return lines


async def connect(server: RunningNntp, user: str | None = "bob") -> NntpTranscript:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    client = NntpTranscript(reader, writer)
    greeting = await client.readline()
    assert greeting.startswith(("200 ", "201 ")), greeting
    if user is not None:
        await client.login(user)
    return client


@pytest.fixture
def nntp_site(tmp_path: Path, cert_dir: Path, request: pytest.FixtureRequest) -> Site:
    """The site; a test marked `@pytest.mark.conf("...")` adds imapd.conf lines."""
    marker = request.node.get_closest_marker("conf")
    extra = EXTRA_CONF + (marker.args[0] if marker else "")
    return make_site(tmp_path / "site", cert_dir, extra)


@pytest.fixture
async def nntp_server(nntp_site: Site) -> AsyncIterator[RunningNntp]:
    async with running_nntp(nntp_site) as server:
        yield server


Connect = Callable[..., Awaitable[NntpTranscript]]


@pytest.fixture
async def nntp_connect(nntp_server: RunningNntp) -> AsyncIterator[Connect]:
    """Open sessions (logged in as bob unless `user=`); all closed at the end."""
    opened: list[NntpTranscript] = []

    async def opener(user: str | None = "bob") -> NntpTranscript:
        client = await connect(nntp_server, user)
        opened.append(client)
        return client

    yield opener
    for client in opened:
        await client.close()


@pytest.fixture
async def nntp(nntp_connect: Connect) -> NntpTranscript:
    """Logged in as bob."""
    return await nntp_connect()


@pytest.fixture
async def nntp_anon(nntp_connect: Connect) -> NntpTranscript:
    """Connected, greeting read, not logged in."""
    return await nntp_connect(user=None)
