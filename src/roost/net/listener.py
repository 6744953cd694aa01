"""Accepting connections for one service, and stopping them all gracefully.

`LineServer` listens on sockets (TCP or unix, optionally implicit TLS),
builds a `Connection` and the protocol for each client and runs the shared
loop. `close()` stops listening and tells every open connection that the
server shuts down: a connection waiting for input gets the protocol's
goodbye at once (`421`, `* BYE`), one in the middle of a command finishes
it first (an LMTP delivery in flight completes and is acknowledged).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from collections.abc import Awaitable, Callable

from roost.net.connection import Connection, Timeouts
from roost.net.loop import LineProtocol, say_goodbye, serve

log = logging.getLogger(__name__)

#: How long `close()` waits for connections to finish their command.
DRAIN_SECONDS = 10.0
#: Reader buffer of each connection (StreamReader `limit`).
READ_LIMIT = 65536

MakeProtocol = Callable[[Connection], Awaitable[LineProtocol | bytes]]


class LineServer:
    """One service's listeners and open connections.

    `make(conn)` returns the protocol to run, or the bytes of a refusal
    (the protocol's "too many connections" reply) to send before closing.
    """

    def __init__(self, name: str, make: MakeProtocol, timeouts: Callable[[], Timeouts],
                 tls_context: ssl.SSLContext | None = None) -> None:
        self.name = name
        self.make = make
        self.timeouts = timeouts
        self.tls_context = tls_context
        self.servers: list[asyncio.Server] = []
        self.connections: dict[asyncio.Task[None], Connection] = {}

    async def start_socket(self, sock: socket.socket, *,
                           implicit_tls: bool = False) -> asyncio.Server:
        """Serve on a bound, listening socket; `implicit_tls` handshakes first."""
        ssl_context = self.tls_context if implicit_tls else None
        if implicit_tls and ssl_context is None:
            raise RuntimeError(f"{self.name} -s needs tls_server_cert and tls_server_key")

        async def on_connect(reader: asyncio.StreamReader,
                             writer: asyncio.StreamWriter) -> None:
            await self.handle(reader, writer, tls_active=implicit_tls)

        if sock.family == socket.AF_UNIX:
            server = await asyncio.start_unix_server(on_connect, sock=sock, ssl=ssl_context,
                                                     limit=READ_LIMIT)
        else:
            server = await asyncio.start_server(on_connect, sock=sock, ssl=ssl_context,
                                                limit=READ_LIMIT)
        self.servers.append(server)
        return server

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *,
                     tls_active: bool) -> None:
        conn = Connection(reader, writer, timeouts=self.timeouts(), tls_active=tls_active)
        task = asyncio.current_task()
        if task is not None:
            self.connections[task] = conn
        try:
            made = await self.make(conn)
            if isinstance(made, bytes):
                await say_goodbye(conn, made)
                await conn.close()
            else:
                await serve(conn, made)
        finally:
            if task is not None:
                self.connections.pop(task, None)

    async def close(self) -> None:
        """Stop listening, say goodbye to every connection and wait for them."""
        for server in self.servers:
            server.close()
        for conn in self.connections.values():
            conn.shutdown()
        if self.connections:
            _, late = await asyncio.wait(list(self.connections), timeout=DRAIN_SECONDS)
            for task in late:
                task.cancel()
        for server in self.servers:
            await server.wait_closed()
        self.servers = []
