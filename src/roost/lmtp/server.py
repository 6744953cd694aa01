"""LMTP on the shared connection loop (`roost.net.loop`): wire -> dispatch -> replies.

Works on the default loop and on uvloop. Replies are queued while complete
commands are buffered and written when the wire needs more input, so a
pipelined group (RFC 2920 §3) gets its replies in one write, in order.
"""

from __future__ import annotations

import secrets
import socket
import ssl
from pathlib import Path
from typing import TYPE_CHECKING

from roost.auth.rights import Access
from roost.config import Config
from roost.delivery import SieveDelivery
from roost.lmtp import responses as r
from roost.lmtp.dispatch import dispatch, finish_message
from roost.lmtp.session import After, Session
from roost.lmtp.wire import Body, BodyTooBig, Line, NeedMore, TooLong, Wire
from roost.master.shutdown import Shutdown
from roost.net.connection import Connection, Timeouts
from roost.net.framed import Framed
from roost.net.listener import LineServer
from roost.net.shared_state import SharedState
from roost.store.api import Store
from roost.store.scripts import ScriptStore

if TYPE_CHECKING:
    import asyncio

    from roost.master.context import ServerContext


class LmtpService:
    """The LMTP service of one store: start it on TCP, a unix socket, or a bound socket.

    `tls_context` (from `roost.net.tls.server_context`) enables STARTTLS;
    None leaves it unadvertised.
    """

    def __init__(self, conf: Config, store: Store,
                 tls_context: ssl.SSLContext | None = None, *,
                 shared: SharedState | None = None, maxchild: int = 0,
                 shutdown: Shutdown | None = None,
                 scripts: ScriptStore | None = None) -> None:
        """`shared` and `maxchild` (cyrus.conf) cap concurrent connections
        across workers (`roost.net.listener`); `shutdown` is the worker's
        (ServerContext.shutdown), a service started alone has its own;
        `scripts` holds the users' Sieve scripts that delivery runs."""
        self.conf = conf
        self.store = store
        self.access = Access(store, conf)
        self.sieve = (SieveDelivery.from_config(conf, scripts, shutdown)
                      if scripts is not None else None)
        self.tls_context = tls_context
        self.servername = str(conf.servername) or socket.gethostname()
        self.server = LineServer("lmtp", self._protocol, self._timeouts, tls_context,
                                 shared=shared if maxchild > 0 else None, maxchild=maxchild,
                                 shutdown=shutdown)

    def _timeouts(self) -> Timeouts:
        timeout = float(self.conf.lmtp_timeout)
        # An MTA logs in by connecting: no login clock.
        return Timeouts(idle=timeout, command=float(self.conf.command_timeout),
                        login=0.0, write=timeout)

    async def _protocol(self, conn: Connection) -> LmtpProtocol:
        session = Session(
            conf=self.conf, store=self.store, access=self.access, servername=self.servername,
            session_id=secrets.token_urlsafe(9), tls_context=self.tls_context,
            peer_ip=conn.peer_ip, tls_active=conn.tls_active, sieve=self.sieve,
        )
        return LmtpProtocol(session, conn)

    async def start_tcp(self, host: str, port: int) -> asyncio.Server:
        """Listen on host:port (port 0 picks a free one: see `server.sockets`)."""
        _refuse_smtp_port(port)
        sock = socket.create_server((host, port), family=_family(host), backlog=128)
        sock.setblocking(False)
        return await self.server.start_socket(sock)

    async def start_unix(self, path: str | Path) -> asyncio.Server:
        """Listen on a unix socket at `path` (the usual MTA -> store link)."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(path))
        sock.listen(128)
        sock.setblocking(False)
        return await self.server.start_socket(sock)

    async def start_socket(self, sock: socket.socket, *,
                           implicit_tls: bool = False) -> asyncio.Server:
        """Serve on an already bound, listening socket (TCP or unix), e.g. from the master.

        `implicit_tls` (cyrus.conf `lmtpd -s`) handshakes before the greeting.
        """
        if sock.family != socket.AF_UNIX:
            _refuse_smtp_port(sock.getsockname()[1])
        return await self.server.start_socket(sock, implicit_tls=implicit_tls)

    async def close(self) -> None:
        """Stop listening, tell open connections `421` and wait for them to end.

        A delivery in progress finishes first and is acknowledged; the
        connection then gets its 421 instead of the next command's reply.
        """
        self.server.close()
        await self.server.wait_closed()
        if self.sieve is not None:
            await self.sieve.outgoing.drain()


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _refuse_smtp_port(port: int) -> None:
    """RFC 2033 §5: LMTP MUST NOT be offered on TCP port 25."""
    if port == 25:
        raise ValueError("RFC 2033 §5: LMTP must not listen on port 25")


async def start_lmtp(ctx: ServerContext, sock: socket.socket, *,
                     implicit_tls: bool, maxchild: int = 0) -> asyncio.AbstractServer:
    """The master's entry point (cyrus.conf `cmd="lmtpd"`): serve LMTP on `sock`."""
    service = LmtpService(ctx.conf, ctx.store, ctx.ssl, shared=ctx.shared, maxchild=maxchild,
                          shutdown=ctx.shutdown, scripts=ctx.scripts)
    await service.start_socket(sock, implicit_tls=implicit_tls)
    return service.server


class LmtpProtocol(Framed):
    """LMTP's part of the shared loop: the wire's events and their replies."""

    name = "lmtp"
    need_more = NeedMore
    wire: Wire

    def __init__(self, session: Session, conn: Connection) -> None:
        self.s = session
        self.conn = conn
        self.wire = Wire()
        self._done = False

    def greeting(self) -> bytes:
        greeting = f"{self.s.servername} LMTP" + (
            " Roost ready" if self.s.conf.serverinfo != "off" else " ready")
        return r.reply(220, "", greeting).render()

    def interruptible(self) -> bool:
        # A DATA body being read is a delivery in flight: it finishes.
        return not self.wire.in_body

    def finished(self) -> bool:
        return self._done

    def goodbye(self, reason: str) -> bytes:
        name = self.s.servername
        if reason == "shutdown":
            return r.reply(421, "4.3.2", f"{name} shutting down").render()
        if reason == "overloaded":
            return r.reply(421, "4.3.2", f"{name} Too many connections, try again later").render()
        # RFC 5321 §4.5.3.2: the server may close a connection that stalls.
        what = "Idle timeout" if reason == "idle" else "Command timeout"
        return r.reply(421, "4.4.2", f"{name} {what}, closing").render()

    def _send(self, replies: list[r.Reply]) -> None:
        self.conn.output.append(r.render_all(replies))

    async def handle(self, event: object) -> None:
        if isinstance(event, Line):
            await self.command(event.text)
        elif isinstance(event, TooLong):
            self._send([r.LINE_TOO_LONG])
        elif isinstance(event, Body):
            self._send(await finish_message(self.s, event.data))
        elif isinstance(event, BodyTooBig):
            self._send(await finish_message(self.s, None))

    async def command(self, line: bytes) -> None:
        self._send([await dispatch(self.s, line)])
        if self.s.after is After.READ_BODY:
            self.wire.start_body(int(self.s.conf.maxmessagesize))
        elif self.s.after is After.START_TLS and self.s.tls_context is not None:
            # RFC 3207 §4.2: nothing pipelined behind STARTTLS may be acted on.
            self.wire.discard_buffer()
            await self.conn.start_tls(self.s.tls_context)
            self.s.restart_after_tls()
        elif self.s.after is After.CLOSE:
            self._done = True



