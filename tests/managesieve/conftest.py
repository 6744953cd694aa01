"""ManageSieve fixtures: the real server in-process on 127.0.0.1, on a fresh
site whose scripts live in its sievedir (the real SievedirScripts), and a
transcript client that can log in. Tests run on asyncio's loop and uvloop."""

from __future__ import annotations

import asyncio
import base64
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.harness.loops import pytest_asyncio_loop_factories
from tests.harness.site import PASSWORD, Site, make_site
from tests.harness.transcript import TranscriptClient

from roost.managesieve.server import start_managesieve
from roost.master.context import ServerContext, open_context

__all__ = ["pytest_asyncio_loop_factories"]

#: What every test site sets: small limits that tests can reach.
LIMITS = "sieve_maxscripts: 3\nsieve_maxscriptsize: 1\n"


@dataclass
class RunningSieve:
    ctx: ServerContext
    host: str
    port: int
    site: Site


@asynccontextmanager
async def running_sieve(site: Site) -> AsyncIterator[RunningSieve]:
    """Serve ManageSieve for `site` on a free port of 127.0.0.1."""
    ctx = await open_context(site.conf)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.setblocking(False)
    server = await start_managesieve(ctx, sock, implicit_tls=False)
    try:
        yield RunningSieve(ctx, "127.0.0.1", sock.getsockname()[1], site)
    finally:
        server.close()
        await ctx.store.close()
        await asyncio.to_thread(ctx.shared.close)  # its database connections too


class SieveTranscript(TranscriptClient):
    """A transcript client with the usual preamble."""

    async def greeting(self) -> list[str]:
        """The capability lines and the OK after them."""
        lines = []
        while True:
            line = await self.readline()
            lines.append(line)
            if not line.startswith('"'):
                assert line.startswith("OK"), lines
                return lines

    async def login(self, user: str = "bob", authzid: str = "") -> None:
        token = base64.b64encode(f"{authzid}\0{user}\0{PASSWORD}".encode()).decode()
        await self.play(f"""
            C: AUTHENTICATE "PLAIN" "{token}"
            S: OK
        """)


async def open_client(server: RunningSieve, user: str | None = "bob") -> SieveTranscript:
    reader, writer = await asyncio.open_connection(server.host, server.port)
    client = SieveTranscript(reader, writer)
    await client.greeting()
    if user is not None:
        await client.login(user)
    return client


@pytest.fixture
def sieve_site(tmp_path: Path, cert_dir: Path) -> Site:
    return make_site(tmp_path / "site", cert_dir, LIMITS)


@pytest.fixture
async def sieve_server(sieve_site: Site) -> AsyncIterator[RunningSieve]:
    async with running_sieve(sieve_site) as server:
        yield server


@pytest.fixture
async def sieve(sieve_server: RunningSieve) -> AsyncIterator[SieveTranscript]:
    """Logged in as bob, who has no scripts."""
    client = await open_client(sieve_server)
    yield client
    await client.close()


@pytest.fixture
async def sieve_anon(sieve_server: RunningSieve) -> AsyncIterator[SieveTranscript]:
    """Connected, greeting read, not logged in."""
    client = await open_client(sieve_server, user=None)
    yield client
    await client.close()
