"""IMAP on the shared connection loop (`roost.net.loop`): Wire -> parse -> dispatch.

Limits: line length (maxlinelength), literals, idle time (`timeout`
minutes, never under 30 as RFC 9051 §5.4 asks), `prelogin_timeout`,
`command_timeout` and `write_timeout` (see `roost.net.connection`).

Literals before login are bounded by PRELOGIN_INPUT in all per command:
LOGIN's two strings and an ID list fit, a 1 GiB APPEND announced by a
stranger does not (RFC 9051 §5.4 lets a server protect itself before
authentication; Dovecot bounds its pre-login input the same way,
LOGIN_MAX_AUTH_BUF_SIZE 8192). After login APPEND literals are bounded by
maxmessagesize and every other command's by maxliteral (0: the same).
"""

from __future__ import annotations

import asyncio
import re
import socket

from roost import __version__
from roost.imap import dispatch
from roost.imap.capabilities import capability_list
from roost.imap.parse import Bad, parse_command
from roost.imap.parse_search import CHARSETS, UnknownCharset
from roost.imap.responses import tagged
from roost.imap.session import Session, State
from roost.imap.wire import Line, NeedLiteral, NeedMore, TooBig, TooLong, Wire
from roost.master.context import ServerContext
from roost.master.line_service import session_timeouts, start_line_service
from roost.net.connection import Connection, Timeouts
from roost.net.framed import Framed
from roost.telemetry import events

UNLIMITED_LITERAL = 1 << 30
#: Bytes of literals (and of one line) a client may send before it logged in.
PRELOGIN_INPUT = 8192
_APPEND = re.compile(rb"[^ ]+ (?:APPEND|(?:UID )?REPLACE) ", re.IGNORECASE)  # RFC 8508


class ImapProtocol(Framed):
    """IMAP's part of the shared loop; also the session's line and TLS hooks."""

    name = "imap"
    need_more = NeedMore
    wire: Wire

    def __init__(self, ctx: ServerContext, conn: Connection) -> None:
        self.ctx = ctx
        self.conn = conn
        self.wire = Wire(min(ctx.conf.maxlinelength, PRELOGIN_INPUT), PRELOGIN_INPUT)
        self.s = Session(ctx, conn.output, tls_active=conn.tls_active, peer=conn.peer,
                         peer_ip=conn.peer_ip, session_key=conn.session_key,
                         local_ip=conn.local_ip)
        self.s.continuation = self.continuation
        self.s.send_continuation = self.send_continuation
        self.s.read_raw_line = self.read_raw_line
        self.s.start_tls = self.start_tls
        self.s.start_compress = self.start_compress
        if conn.tls_compression():  # implicit TLS that compresses
            self.s.compression = "TLS"
        self._authenticated = False

    # -- the loop's side
    def greeting(self) -> bytes:
        conf = self.s.conf
        caps = " ".join(capability_list(conf, tls_active=self.s.tls_active,
                                        tls_available=self.s.tls_available,
                                        authenticated=False))
        name = conf.servername or socket.gethostname()
        if conf.serverinfo == "on":
            who = f"{name} Roost IMAP {__version__} server ready"
        elif conf.serverinfo == "min":
            who = f"{name} Roost IMAP server ready"
        else:
            who = "server ready"
        return f"* OK [CAPABILITY {caps}] {who}\r\n".encode()

    def finished(self) -> bool:
        return self.s.state is State.LOGOUT

    def goodbye(self, reason: str) -> bytes:
        """RFC 9051 §7.1.5: BYE before the server closes the connection."""
        text = {
            "idle": "Autologout; idle for too long",
            "login": "Autologout; no login in time",
            "command": "Command not completed in time",
            "overloaded": "[UNAVAILABLE] Too many connections; try again later",
            "ended": "Session ended by an administrator",
        }.get(reason, "[UNAVAILABLE] Server shutting down")
        return f"* BYE {text}\r\n".encode()

    async def handle(self, event: object) -> None:
        if isinstance(event, NeedLiteral):
            if event.sync:
                # Behind every reply already queued (RFC 9051 §5.5: replies in order).
                self.s.out.append(b"+ go ahead\r\n")
        elif isinstance(event, TooLong):
            self.too_long(event)
        elif isinstance(event, Line):
            await self.command(event)

    def too_long(self, event: TooLong) -> None:
        if event.kind is TooBig.SYNC_LITERAL:
            self.s.out.append(tagged(event.tag, b"NO", "Literal too big", "TOOBIG"))
        else:
            self.s.out.append(tagged(event.tag, b"BAD", "Command too long", "TOOBIG"))

    async def command(self, line: Line) -> None:
        try:
            cmd = parse_command(line)
        except UnknownCharset as err:
            # RFC 9051 §6.4.4: an unknown SEARCH charset is NO [BADCHARSET], not BAD.
            known = " ".join(sorted(CHARSETS))
            self.s.out.append(tagged(err.tag, b"NO", f"Unknown charset {err.charset}",
                                     f"BADCHARSET ({known})"))
            return
        except Bad as err:
            self.s.out.append(tagged(err.tag, b"BAD", err.text))
            return
        with events.command("imap", type(cmd).__name__.upper()):
            await dispatch.run(self.s, cmd)
        if not self._authenticated and self.s.state & (State.AUTHENTICATED | State.SELECTED):
            self._logged_in()
        elif self._authenticated and self.s.state is State.NOT_AUTHENTICATED:
            await self._logged_out()
        if self.s.after_reply is not None:
            after, self.s.after_reply = self.s.after_reply, None
            await self.s.flush()
            await after()

    def _logged_in(self) -> None:
        """Lift the pre-login bounds: the configured limits apply from now on."""
        self._authenticated = True
        self.conn.logged_in()
        conf = self.ctx.conf
        message_max = conf.maxmessagesize or UNLIMITED_LITERAL
        other_max = conf.maxliteral or message_max

        def literal_limit(first_chunk: bytes) -> int:
            return message_max if _APPEND.match(first_chunk) else other_max

        self.wire.set_limits(conf.maxlinelength, max(message_max, other_max), literal_limit)

    async def _logged_out(self) -> None:
        """RFC 8437 §3 UNAUTHENTICATE: the pre-login bounds and clock again,
        and the session no longer counts as the user's (maxlogins_per_user)."""
        self._authenticated = False
        self.conn.logged_out()
        self.wire.set_limits(min(self.ctx.conf.maxlinelength, PRELOGIN_INPUT), PRELOGIN_INPUT)
        if self.s.session_key is not None:
            await asyncio.to_thread(self.ctx.shared.log_out, self.s.session_key)

    # -- the session's side
    async def read_raw_line(self) -> bytes:
        """One client line with no literal parsing (AUTHENTICATE, IDLE's DONE)."""
        while True:
            event = self.wire.next_raw_line()
            if isinstance(event, bytes):
                return event
            if isinstance(event, TooLong):
                return b"*"  # an over-long answer cancels, like the client's "*"
            await self.s.flush()
            self.wire.feed(await self.conn.receive(mid_command=False))

    async def send_continuation(self, text: bytes) -> None:
        """Send `+ text` now, behind everything queued (RFC 9051 §7.5)."""
        self.s.out.append(b"+ " + text + b"\r\n")
        await self.s.flush()

    async def continuation(self, text: bytes) -> bytes:
        """Send `+ text` and return the client's answer line."""
        await self.send_continuation(text)
        return await self.read_raw_line()

    async def start_tls(self) -> None:
        """RFC 9051 §6.2.1: the tagged OK goes out in clear, then the handshake."""
        ssl_ctx = self.s.ctx.ssl
        assert ssl_ctx is not None
        # Anything pipelined after STARTTLS was sent in clear: drop it (CVE-2011-0411 class).
        self.wire = Wire(min(self.ctx.conf.maxlinelength, PRELOGIN_INPUT), PRELOGIN_INPUT)
        await self.conn.start_tls(ssl_ctx)
        self.s.tls_active = True
        if self.conn.tls_compression():
            self.s.compression = "TLS"

    async def start_compress(self) -> None:
        """RFC 4978 §3: compress from right after the tagged OK (flushed by
        `command`). Bytes the client sent after COMPRESS came compressed."""
        held = self.wire.take_buffered()
        self.wire.feed(self.conn.start_deflate(held))
        self.s.compression = "COMPRESS"


def imap_timeouts(ctx: ServerContext) -> Timeouts:
    """`timeout` minutes idle, never under RFC 9051 §5.4's 30."""
    return session_timeouts(ctx.conf, max(ctx.conf.timeout, 30))


async def start_imap(ctx: ServerContext, sock: socket.socket, *,
                     implicit_tls: bool, maxchild: int = 0) -> asyncio.AbstractServer:
    """Serve IMAP on a listening socket (IMAPS when `implicit_tls`).

    Connections are counted across workers, for `maxchild` (cyrus.conf),
    maxlogins_per_host, maxlogins_per_user, and to end a renamed user's
    sessions (`LoginFlow.end_sessions_of`).
    """
    async def make(conn: Connection) -> ImapProtocol:
        return ImapProtocol(ctx, conn)

    return await start_line_service(ctx, sock, name="imap", program="imapd", make=make,
                                    timeouts=lambda: imap_timeouts(ctx),
                                    implicit_tls=implicit_tls, maxchild=maxchild)
