"""One worker process: an event loop serving every service on inherited sockets."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket

import uvloop

from roost.config import Config
from roost.master.context import open_context
from roost.master.services import Service

log = logging.getLogger(__name__)


async def serve_forever(conf: Config, listeners: list[tuple[Service, socket.socket]],
                        ready: asyncio.Event | None = None) -> None:
    """Serve until SIGTERM/SIGINT, then stop accepting and close the store."""
    ctx = await open_context(conf)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    servers = []
    for service, sock in listeners:
        start = service.starter()
        servers.append(await start(ctx, sock, implicit_tls=service.implicit_tls))
    if ready is not None:
        ready.set()
    await stop.wait()
    for server in servers:
        server.close()
    await ctx.store.close()


def run_worker(conf: Config, listeners: list[tuple[Service, socket.socket]]) -> None:
    """Entry of a forked worker process."""
    uvloop.run(serve_forever(conf, listeners))
