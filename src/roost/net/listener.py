"""Accepting connections for one service, and stopping them all gracefully.

`LineServer` listens on sockets (TCP or unix, optionally implicit TLS),
builds a `Connection` and the protocol for each client and runs the shared
loop. With a `SharedState` it counts its connections across worker
processes: past `maxchild` (cyrus.conf SERVICES) a client gets the
protocol's goodbye for reason "overloaded" (`* BYE [UNAVAILABLE]`, `421`)
instead of a session, and the row it holds lets the login flow count
logged-in sessions (maxlogins_per_host / maxlogins_per_user). `close()` stops listening and tells every open connection that the
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

from roost.master.shutdown import Shutdown
from roost.net.connection import Connection, Timeouts
from roost.net.loop import LineProtocol, say_goodbye, serve
from roost.net.shared_state import EndWatch, SharedState
from roost.telemetry.session import open_session

log = logging.getLogger(__name__)

#: How long `close()` waits for connections to finish their command.
DRAIN_SECONDS = 10.0
#: Reader buffer of each connection (StreamReader `limit`).
READ_LIMIT = 65536

MakeProtocol = Callable[[Connection], Awaitable[LineProtocol]]


class LineServer(asyncio.AbstractServer):
    """One service's listeners and open connections; `close()` and
    `wait_closed()` as on asyncio's servers, with the goodbyes above.

    `make(conn)` returns the protocol to run on a new connection. `shared`
    (None: connections are not counted) and `maxchild` (0: no limit) as
    described above.
    """

    def __init__(self, name: str, make: MakeProtocol, timeouts: Callable[[], Timeouts],
                 tls_context: ssl.SSLContext | None = None, *,
                 shared: SharedState | None = None, maxchild: int = 0,
                 shutdown: Shutdown | None = None) -> None:
        self.name = name
        self.make = make
        self.timeouts = timeouts
        self.tls_context = tls_context
        self.shared = shared
        self.maxchild = maxchild
        # The worker's (it begins it once, after closing every server), or our own.
        self._own_shutdown = shutdown is None
        self.shutdown = shutdown or Shutdown()
        self.servers: list[asyncio.Server] = []
        self.connections: dict[asyncio.Task[None], Connection] = {}

    async def start_socket(self, sock: socket.socket, *,
                           implicit_tls: bool = False) -> asyncio.Server:
        """Add a listener; its asyncio server (for `.sockets`) is returned."""
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
        with self.shutdown.session():
            try:
                await self._serve(reader, writer, tls_active)
            except asyncio.CancelledError:
                if not self.shutdown.requested:
                    raise
                # The stopping worker's loop cancels what is left (a session
                # row being written): the connection just closes.
                writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     tls_active: bool) -> None:
        conn = Connection(reader, writer, timeouts=self.timeouts(), tls_active=tls_active,
                          shutdown=self.shutdown)
        conn.attach_telemetry(open_session(self.name))
        task = asyncio.current_task()
        if task is not None:
            self.connections[task] = conn
        try:
            if self.shared is not None:
                conn.session_key = await asyncio.to_thread(
                    self.shared.open_session, self.name, conn.peer_ip or "", self.maxchild)
                if conn.session_key is not None:
                    conn.end_watch = EndWatch(self.shared, conn.session_key)
            proto = await self.make(conn)
            if self.shared is not None and conn.session_key is None:
                log.info("%s %s: refused: %d connections (maxchild)", self.name, conn.peer,
                         self.maxchild)
                await say_goodbye(conn, proto.goodbye("overloaded"))
                await conn.close()
            else:
                await serve(conn, proto)
        except Exception:
            log.exception("%s %s: connection set-up failed", self.name, conn.peer)
            await conn.close()
        finally:
            if task is not None:
                self.connections.pop(task, None)
            if self.shared is not None and conn.session_key is not None:
                if self.shutdown.requested:
                    # No await while the worker stops: the loop's teardown
                    # cancels what is left, and one small write is quick.
                    self.shared.close_session(conn.session_key)
                else:
                    await asyncio.to_thread(self.shared.close_session, conn.session_key)

    def close(self) -> None:
        """Stop listening and tell every connection the server shuts down."""
        for server in self.servers:
            server.close()
        if self._own_shutdown and not self.shutdown.requested:
            self.shutdown.begin()

    async def wait_closed(self) -> None:
        """Wait (at most DRAIN_SECONDS) for the connections to end, then for the listeners.

        With the worker's shutdown, the worker begins it and waits for the
        sessions itself (roost.master.worker)."""
        if self.connections:
            _, late = await asyncio.wait(list(self.connections), timeout=DRAIN_SECONDS)
            for task in late:
                task.cancel()
        for server in self.servers:
            await server.wait_closed()
        self.servers = []

    def is_serving(self) -> bool:
        return any(server.is_serving() for server in self.servers)

    def get_loop(self) -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    async def start_serving(self) -> None:
        """Listeners serve from `start_socket` on."""

    async def serve_forever(self) -> None:
        await asyncio.gather(*(server.serve_forever() for server in self.servers))
