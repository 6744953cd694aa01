"""POP3 on the shared connection loop (`roost.net.loop`): Wire -> parse -> dispatch.

Limits: command lines of 255 octets (RFC 2449 §4), SASL responses of
SASL_LINE; idle time `poptimeout` minutes, never under 10 (Cyrus's
floor, RFC 1939 §3's autologout timer); `prelogin_timeout`,
`command_timeout` and `write_timeout` (see `roost.net.connection`).
Connections are always counted in the shared state: the row is what
the maildrop lock ([IN-USE]) belongs to, and it goes with the connection.
"""

from __future__ import annotations

import asyncio
import secrets
import socket

from roost import __version__
from roost.master.context import ServerContext
from roost.master.line_service import session_timeouts, start_line_service
from roost.net.connection import Connection, Timeouts
from roost.net.framed import Framed
from roost.pop3 import dispatch
from roost.pop3.parse import Bad, parse_command
from roost.pop3.responses import err
from roost.pop3.session import PopError, Session, State
from roost.pop3.wire import Line, NeedMore, TooLong, Wire
from roost.telemetry import events

#: Longest SASL response line (RFC 5034 §4: longer than commands; IMAP's
#: pre-login bound).
SASL_LINE = 8192


class Pop3Protocol(Framed):
    """POP3's part of the shared loop; also the session's line and TLS hooks."""

    name = "pop3"
    need_more = NeedMore
    wire: Wire

    def __init__(self, ctx: ServerContext, conn: Connection) -> None:
        self.ctx = ctx
        self.conn = conn
        self.wire = Wire()
        self.s = Session(ctx, conn.output, tls_active=conn.tls_active, peer=conn.peer,
                         peer_ip=conn.peer_ip, session_key=conn.session_key,
                         session_id=secrets.token_urlsafe(9), local_ip=conn.local_ip)
        self.s.read_line = self.read_line
        self.s.start_tls = self.start_tls
        self._logged_in = False

    def greeting(self) -> bytes:
        conf = self.ctx.conf
        name = conf.servername or socket.gethostname()
        if conf.serverinfo == "on":
            who = f"{name} Roost POP3 {__version__} server ready"
        elif conf.serverinfo == "min":
            who = f"{name} server ready"
        else:
            who = "server ready"
        return f"+OK {who}\r\n".encode()

    def finished(self) -> bool:
        return self.s.finished

    def goodbye(self, reason: str) -> bytes:
        """RFC 2449 §8.1.3 [SYS/TEMP]: the server ends the session, not the client."""
        text = {
            "idle": "Autologout; idle for too long",
            "login": "Autologout; no login in time",
            "command": "Command not completed in time",
            "overloaded": "Too many connections; try again later",
            "ended": "Session ended by an administrator",
        }.get(reason, "Server shutting down")
        return err("SYS/TEMP", text)

    async def handle(self, event: object) -> None:
        if isinstance(event, TooLong):
            self.s.out.append(err(None, "Line too long"))
        elif isinstance(event, Line):
            await self.command(event.text)

    async def command(self, line: bytes) -> None:
        try:
            cmd = parse_command(line)
        except Bad as bad:
            self.s.out.append(err(None, bad.text))
            return
        with events.command("pop3", type(cmd).__name__.upper()):
            await dispatch.run(self.s, cmd)
        if not self._logged_in and self.s.state is not State.AUTHORIZATION:
            self._logged_in = True
            self.conn.logged_in()
        if self.s.after_reply is not None:
            after, self.s.after_reply = self.s.after_reply, None
            await self.s.out.flush()
            await after()

    async def read_line(self) -> bytes:
        """One SASL response line (RFC 5034 §4)."""
        while True:
            event = self.wire.next(max_line=SASL_LINE)
            if isinstance(event, Line):
                return event.text
            if isinstance(event, TooLong):
                raise PopError("AUTH", "Response too long")
            await self.s.out.flush()
            self.wire.feed(await self.conn.receive(mid_command=True))

    async def start_tls(self) -> None:
        """RFC 2595 §4: the +OK went out in clear; anything pipelined behind
        STLS came in clear too and is dropped (CVE-2011-0411 class)."""
        ssl_ctx = self.ctx.ssl
        if ssl_ctx is None:
            raise RuntimeError("STLS accepted without a TLS context")
        self.wire.discard_buffer()
        await self.conn.start_tls(ssl_ctx)
        self.s.tls_active = True


def pop3_timeouts(ctx: ServerContext) -> Timeouts:
    """`poptimeout` minutes idle, never under Cyrus's 10."""
    return session_timeouts(ctx.conf, max(ctx.conf.poptimeout, 10))


async def start_pop3(ctx: ServerContext, sock: socket.socket, *,
                     implicit_tls: bool, maxchild: int = 0) -> asyncio.AbstractServer:
    """Serve POP3 on a listening socket (POP3S, cyrus.conf `pop3d -s`, when `implicit_tls`)."""
    async def make(conn: Connection) -> Pop3Protocol:
        return Pop3Protocol(ctx, conn)

    return await start_line_service(ctx, sock, name="pop3", program="pop3d", make=make,
                                    timeouts=lambda: pop3_timeouts(ctx),
                                    implicit_tls=implicit_tls, maxchild=maxchild)
