"""The shared connection plumbing seen from POP3: the goodbye on shutdown
and at maxchild, and a shutdown does not run UPDATE (nothing deleted)."""

from __future__ import annotations

import asyncio

from roost.pop3.server import start_pop3
from tests.harness.site import Site
from tests.pop3.pop3_client import connect, listening, running_pop3


async def test_shutdown_says_goodbye_and_deletes_nothing(site: Site) -> None:
    async with running_pop3(site) as server:
        client = await connect(server.port, "bob")
        await client.play("""
            C: DELE 1
            S: +OK message deleted
        """)
        server.ctx.shutdown.begin()  # the worker's SIGTERM
        assert (await client.readline()) == "-ERR [SYS/TEMP] Server shutting down"
        assert await client.reader.read() == b""
        await client.close()
        assert await server.uids() == [1, 2]


async def test_maxchild_refuses_with_sys_temp(site: Site) -> None:
    async with running_pop3(site) as server:
        sock = listening()
        limited = await start_pop3(server.ctx, sock, implicit_tls=False, maxchild=1)
        port = sock.getsockname()[1]
        first = await connect(port)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        line = await reader.readline()
        assert line == b"-ERR [SYS/TEMP] Too many connections; try again later\r\n"
        writer.close()
        await first.close()
        limited.close()
        await limited.wait_closed()
