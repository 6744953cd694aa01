"""asyncio glue: bytes in -> wire -> dispatch -> replies out.

Works on the default loop and on uvloop (only `asyncio.start_server`,
`start_unix_server` and `StreamWriter.start_tls` are used). Replies are
collected while complete commands are buffered and written when the wire
needs more input, so a pipelined group (RFC 2920 §3) gets its replies in
one write, in order.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import secrets
import socket
import ssl
from pathlib import Path
from typing import TYPE_CHECKING

from roost.auth.rights import Access
from roost.config import Config
from roost.lmtp import responses as r
from roost.lmtp.dispatch import dispatch, finish_message
from roost.lmtp.session import After, Session, State
from roost.lmtp.wire import Body, BodyTooBig, Line, NeedMore, TooLong, Wire
from roost.master.shutdown import Shutdown, ShuttingDown
from roost.store.api import Store

if TYPE_CHECKING:
    from roost.master.context import ServerContext

log = logging.getLogger(__name__)

READ_CHUNK = 65536


class LmtpService:
    """The LMTP service of one store: start it on TCP, a unix socket, or a bound socket.

    `tls_context` (from `roost.net.tls.server_context`) enables STARTTLS;
    None leaves it unadvertised. `shutdown` is the worker's (the master's
    ServerContext.shutdown); a service started alone has its own.
    """

    def __init__(self, conf: Config, store: Store,
                 tls_context: ssl.SSLContext | None = None,
                 shutdown: Shutdown | None = None) -> None:
        self.conf = conf
        self.store = store
        self.access = Access(store, conf)
        self.tls_context = tls_context
        self.shutdown = shutdown or Shutdown()
        self.servername = str(conf.servername) or socket.gethostname()
        self._servers: list[asyncio.Server] = []

    async def start_tcp(self, host: str, port: int) -> asyncio.Server:
        """Listen on host:port (port 0 picks a free one: see `server.sockets`)."""
        _refuse_smtp_port(port)
        return self._listening(
            await asyncio.start_server(self.handle, host, port, limit=READ_CHUNK))

    async def start_unix(self, path: str | Path) -> asyncio.Server:
        """Listen on a unix socket at `path` (the usual MTA -> store link)."""
        return self._listening(
            await asyncio.start_unix_server(self.handle, str(path), limit=READ_CHUNK))

    async def start_socket(self, sock: socket.socket, *,
                           implicit_tls: bool = False) -> asyncio.Server:
        """Serve on an already bound, listening socket (TCP or unix), e.g. from the master.

        `implicit_tls` (cyrus.conf `lmtpd -s`) handshakes before the greeting.
        """
        if sock.family != socket.AF_UNIX:
            _refuse_smtp_port(sock.getsockname()[1])
        ssl_context = self.tls_context if implicit_tls else None
        if implicit_tls and ssl_context is None:
            raise RuntimeError("lmtpd -s needs tls_server_cert and tls_server_key")
        handler = functools.partial(self.handle, implicit_tls=implicit_tls)
        if sock.family == socket.AF_UNIX:
            server = await asyncio.start_unix_server(handler, sock=sock, ssl=ssl_context,
                                                     limit=READ_CHUNK)
        else:
            server = await asyncio.start_server(handler, sock=sock, ssl=ssl_context,
                                                limit=READ_CHUNK)
        return self._listening(server)

    def _listening(self, server: asyncio.Server) -> asyncio.Server:
        self._servers.append(server)
        return server

    async def close(self) -> None:
        """Stop listening, tell open connections `421` and wait for them to end.

        A delivery in progress (DATA accepted) finishes and gets its replies first.
        """
        for server in self._servers:
            server.close()
        self.shutdown.begin()
        await self.shutdown.sessions_ended()
        for server in self._servers:
            await server.wait_closed()
        self._servers = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     implicit_tls: bool = False) -> None:
        """Serve one connection until QUIT, EOF, idle timeout or a broken link."""
        peer = writer.get_extra_info("peername")
        session = Session(
            conf=self.conf, store=self.store, access=self.access, servername=self.servername,
            session_id=secrets.token_urlsafe(9), tls_context=self.tls_context,
            peer_ip=peer[0] if isinstance(peer, tuple) else None, tls_active=implicit_tls,
        )
        connection = _Connection(session, reader, writer, self.shutdown)
        try:
            with self.shutdown.session():
                await connection.run()
        except (ConnectionError, TimeoutError, ssl.SSLError) as err:
            log.info("lmtp %s: connection lost: %r", session.session_id, err)
        except Exception:
            log.exception("lmtp %s: connection failed", session.session_id)
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, ssl.SSLError):
                pass


def _refuse_smtp_port(port: int) -> None:
    """RFC 2033 §5: LMTP MUST NOT be offered on TCP port 25."""
    if port == 25:
        raise ValueError("RFC 2033 §5: LMTP must not listen on port 25")


async def start_lmtp(ctx: ServerContext, sock: socket.socket, *,
                     implicit_tls: bool) -> asyncio.AbstractServer:
    """The master's entry point (cyrus.conf `cmd="lmtpd"`): serve LMTP on `sock`."""
    service = LmtpService(ctx.conf, ctx.store, ctx.ssl, ctx.shutdown)
    return await service.start_socket(sock, implicit_tls=implicit_tls)


class _Connection:
    """The read-dispatch-write loop of one connection."""

    def __init__(self, session: Session, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter, stop: Shutdown) -> None:
        self.s = session
        self.stop = stop
        self.reader = reader
        self.writer = writer
        self.wire = Wire()
        self.pending: list[r.Reply] = []
        self.timeout = float(session.conf.lmtp_timeout)

    async def flush(self) -> None:
        if self.pending:
            self.writer.write(r.render_all(self.pending))
            self.pending = []
            async with asyncio.timeout(self.timeout):
                await self.writer.drain()

    def shutdown(self) -> None:
        """Server shutdown: the pending replies, then 421 (RFC 5321 §3.8), then close."""
        if not self.writer.is_closing():
            self.pending.append(r.reply(421, "4.3.2", f"{self.s.servername} Service shutting down"))
            self.writer.write(r.render_all(self.pending))
            self.pending = []
            self.writer.close()

    async def run(self) -> None:
        greeting = f"{self.s.servername} LMTP" + (
            " Roost ready" if self.s.conf.serverinfo != "off" else " ready")
        self.pending.append(r.reply(220, "", greeting))
        while True:
            if self.stop.requested and not self.s.state & (State.MAIL | State.RCPT):
                self.shutdown()  # no new transaction once the worker stops
                return
            event = self.wire.next()
            if isinstance(event, NeedMore):
                await self.flush()
                try:
                    # A DATA body being read is a delivery in flight: it finishes.
                    with self.stop.interrupts(when=not self.wire.in_body):
                        async with asyncio.timeout(self.timeout):
                            data = await self.reader.read(READ_CHUNK)
                except ShuttingDown:
                    self.shutdown()
                    return
                except TimeoutError:
                    # RFC 5321 §4.5.3.2: the server may close an idle connection.
                    self.pending.append(r.reply(421, "4.4.2",
                                                f"{self.s.servername} Idle timeout, closing"))
                    await self.flush()
                    return
                if not data:
                    return
                self.wire.feed(data)
            elif isinstance(event, Line):
                if not await self.command(event.text):
                    return
            elif isinstance(event, TooLong):
                self.pending.append(r.LINE_TOO_LONG)
            elif isinstance(event, Body):
                self.pending.extend(await finish_message(self.s, event.data))
            elif isinstance(event, BodyTooBig):
                self.pending.extend(await finish_message(self.s, None))

    async def command(self, line: bytes) -> bool:
        """Run one command; False when the connection is to close."""
        self.pending.append(await dispatch(self.s, line))
        if self.s.after is After.READ_BODY:
            self.wire.start_body(int(self.s.conf.maxmessagesize))
        elif self.s.after is After.START_TLS and self.s.tls_context is not None:
            await self.flush()
            # RFC 3207 §4.2: nothing pipelined behind STARTTLS may be acted on.
            self.wire.discard_buffer()
            await self.writer.start_tls(self.s.tls_context)
            self.s.restart_after_tls()
        elif self.s.after is After.CLOSE:
            await self.flush()
            return False
        return True
