"""Starting one line protocol's service in a worker: the part every
`start_*` entry point of `services.PROGRAMS` shares.

Each protocol gives its program name (for the error an admin sees), how to
build its protocol on a new connection, and its idle clock; the listener,
TLS, connection counting across workers (`maxchild`, maxlogins_per_*, and
ending a renamed user's sessions) and the worker's shutdown come from the
worker's `ServerContext`, the same for all.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

from roost.config import Config
from roost.master.context import ServerContext
from roost.net.connection import Timeouts
from roost.net.listener import LineServer, MakeProtocol


def session_timeouts(conf: Config, idle_minutes: float) -> Timeouts:
    """A logged-in protocol's clocks: `idle_minutes` of silence, and the
    shared `command_timeout`, `prelogin_timeout` and `write_timeout`."""
    return Timeouts(idle=idle_minutes * 60.0, command=float(conf.command_timeout),
                    login=float(conf.prelogin_timeout), write=float(conf.write_timeout))


async def start_line_service(ctx: ServerContext, sock: socket.socket, *, name: str,
                             program: str, make: MakeProtocol,
                             timeouts: Callable[[], Timeouts], implicit_tls: bool,
                             maxchild: int = 0, counted: bool = True) -> asyncio.AbstractServer:
    """Serve `make`'s protocol on a listening socket (implicit TLS for
    cyrus.conf's `PROGRAM -s`). `counted` False leaves connections out of
    the shared state when no limit asks for them."""
    if implicit_tls and ctx.ssl is None:
        raise RuntimeError(f"{program} -s needs tls_server_cert and tls_server_key")
    server = LineServer(name, make, timeouts, ctx.ssl, shared=ctx.shared if counted else None,
                        maxchild=maxchild, shutdown=ctx.shutdown)
    await server.start_socket(sock, implicit_tls=implicit_tls)
    return server
