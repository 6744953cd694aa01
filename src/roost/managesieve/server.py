"""ManageSieve on the shared connection loop (`roost.net.loop`): wire -> parse -> dispatch.

The framing is IMAP's (RFC 5804 §1.2 takes its strings from ACAP, as
IMAP does), so the IMAP wire (`roost.imap.wire.Wire`) frames commands
here too, with the same guarantees: limits checked before any literal
byte is accepted, and resynchronisation after a refused line or literal.
RFC 5804 knows no BAD, so every refusal is a NO and the session goes on:

- a line past maxlinelength: NO, the rest of the line is skipped;
- a literal past the command's budget: NO (for PUTSCRIPT `QUOTA/MAXSIZE`);
  a `{n+}` literal's bytes are read and dropped, a `{n}` one is never
  invited, so its bytes never come;
- `{n}` (synchronising, outside RFC 5804's grammar but ACAP's) is
  invited with `+ "go ahead"` (RFC 2244 §2.6.3's continuation).

Before login a command and its literals are bounded by PRELOGIN_INPUT in
all (an AUTHENTICATE with its initial response fits, a script does not);
after it PUTSCRIPT and CHECKSCRIPT may carry a script of
sieve_maxscriptsize plus a name, every other command a few names.
Clocks are IMAP's (Cyrus's timsieved reads imapd's `timeout`;
RFC 5804 §1.2 asks for at least 30 minutes after login).
"""

from __future__ import annotations

import asyncio
import re
import socket

from roost.imap.server import PRELOGIN_INPUT, imap_timeouts
from roost.imap.wire import Line, NeedLiteral, NeedMore, TooBig, TooLong, Wire
from roost.managesieve import dispatch
from roost.managesieve.errors import No
from roost.managesieve.handlers.auth import capabilities
from roost.managesieve.parse import Bad, command_name, parse_command, sasl_response
from roost.managesieve.responses import reply
from roost.managesieve.session import Session, State
from roost.master.context import ServerContext
from roost.master.line_service import start_line_service
from roost.net.connection import Connection
from roost.net.framed import Framed
from roost.telemetry import events

#: Literal bytes of a command that carries no script: names, a NOOP tag.
NAMES_BUDGET = 8192
_CARRIES_SCRIPT = re.compile(rb"\s*(PUTSCRIPT|CHECKSCRIPT)\b", re.IGNORECASE)


class ManageSieveProtocol(Framed):
    """ManageSieve's part of the shared loop; also the session's I/O hooks."""

    name = "sieve"
    need_more = NeedMore
    wire: Wire

    def __init__(self, ctx: ServerContext, conn: Connection) -> None:
        self.ctx = ctx
        self.conn = conn
        self.wire = self._prelogin_wire()
        self.s = Session(ctx, conn.output, tls_active=conn.tls_active, peer=conn.peer,
                         peer_ip=conn.peer_ip, session_key=conn.session_key,
                         local_ip=conn.local_ip)
        self.s.read_sasl_response = self.read_sasl_response
        self.s.start_tls = self.start_tls
        self._limits_lifted = False

    def _prelogin_wire(self) -> Wire:
        return Wire(min(self.ctx.conf.maxlinelength, PRELOGIN_INPUT), PRELOGIN_INPUT)

    # -- the loop's side
    def greeting(self) -> bytes:
        """RFC 5804 §1.7: the capabilities, then a bare OK (Cyrus's
        sieveshell takes nothing after the OK of a capability list)."""
        return capabilities(self.s) + reply(b"OK")

    def finished(self) -> bool:
        return self.s.state is State.LOGOUT

    def goodbye(self, reason: str) -> bytes:
        """RFC 5804 §1.2: BYE, then the server hangs up."""
        if reason == "overloaded":
            return reply(b"BYE", "Too many connections; try again later", b"TRYLATER")
        if reason == "shutdown":
            return reply(b"BYE", "Server shutting down", b"TRYLATER")
        return reply(b"BYE", {
            "idle": "Disconnecting: idle for too long",
            "login": "Disconnecting: no login in time",
            "ended": "Disconnecting: session ended by an administrator",
        }.get(reason, "Disconnecting: command not completed in time"))

    async def handle(self, event: object) -> None:
        if isinstance(event, NeedLiteral):
            if event.sync:
                self.s.out.append(b'+ "go ahead"\r\n')
        elif isinstance(event, TooLong):
            self.s.out.append(self.too_long(event))
        elif isinstance(event, Line):
            await self.command(event)

    def too_long(self, event: TooLong) -> bytes:
        """The NO for a refused line or literal; the wire resynchronises."""
        if event.kind is TooBig.LINE:
            return reply(b"NO", "Line too long")
        command = event.tag.upper()
        if command in ("PUTSCRIPT", "CHECKSCRIPT") and self._limits_lifted:
            text = f"Script too big; the limit is {self.s.options.max_script_size} bytes"
            # RFC 5804 §2.12: CHECKSCRIPT says nothing of quota.
            return reply(b"NO", text, b"QUOTA/MAXSIZE" if command == "PUTSCRIPT" else None)
        return reply(b"NO", "Literal too big")

    async def command(self, line: Line) -> None:
        try:
            cmd = parse_command(line)
        except Bad as err:
            name = command_name(line)
            self.s.out.append(reply(b"NO", f"{name}: {err.text}" if name else err.text))
            return
        with events.command("sieve", type(cmd).__name__.upper()):
            await dispatch.run(self.s, cmd)
        authenticated = self.s.state is State.AUTHENTICATED
        if authenticated != self._limits_lifted:
            self._set_limits(authenticated)
        if self.s.after_reply is not None:
            after, self.s.after_reply = self.s.after_reply, None
            await self.s.out.flush()
            await after()

    def _set_limits(self, authenticated: bool) -> None:
        """After login the configured limits; after UNAUTHENTICATE the pre-login ones."""
        self._limits_lifted = authenticated
        if not authenticated:
            self.wire.set_limits(min(self.ctx.conf.maxlinelength, PRELOGIN_INPUT),
                                 PRELOGIN_INPUT)
            return
        self.conn.logged_in()
        script_budget = self.s.options.max_script_size + NAMES_BUDGET

        def literal_limit(first_chunk: bytes) -> int:
            return script_budget if _CARRIES_SCRIPT.match(first_chunk) else NAMES_BUDGET

        self.wire.set_limits(self.ctx.conf.maxlinelength, script_budget, literal_limit)

    # -- the session's side
    async def read_sasl_response(self) -> bytes | None:
        """The client's next line in a SASL exchange, as one string (RFC
        5804 §2.1); None when it cancelled. A refused or malformed line
        ends the exchange with NO."""
        while True:
            event = self.wire.next()
            if isinstance(event, NeedMore):
                await self.s.out.flush()
                self.wire.feed(await self.conn.receive(mid_command=False))
            elif isinstance(event, NeedLiteral):
                if event.sync:
                    self.s.out.append(b'+ "go ahead"\r\n')
            elif isinstance(event, TooLong):
                raise No(None, "SASL response too long")
            else:
                assert isinstance(event, Line)
                try:
                    return sasl_response(event)
                except Bad as err:
                    raise No(None, f"Bad SASL response: {err.text}") from None

    async def start_tls(self) -> None:
        """RFC 5804 §2.2: the OK went out in clear; then the handshake.
        Anything pipelined after STARTTLS came in clear and is dropped."""
        ssl_ctx = self.ctx.ssl
        assert ssl_ctx is not None
        self.wire = self._prelogin_wire()
        await self.conn.start_tls(ssl_ctx)
        self.s.tls_active = True


async def start_managesieve(ctx: ServerContext, sock: socket.socket, *,
                            implicit_tls: bool, maxchild: int = 0) -> asyncio.AbstractServer:
    """Serve ManageSieve on a listening socket (cyrus.conf `cmd="timsieved"`).

    `implicit_tls` (`timsieved -s`) is not in RFC 5804, but costs nothing
    here and serves sites that wrap 4190 in TLS. Connections are counted
    across workers (`maxchild`, maxlogins_per_*, and a renamed user's
    sessions ended: `LoginFlow.end_sessions_of`).
    """
    async def make(conn: Connection) -> ManageSieveProtocol:
        return ManageSieveProtocol(ctx, conn)

    return await start_line_service(ctx, sock, name="sieve", program="timsieved", make=make,
                                    timeouts=lambda: imap_timeouts(ctx),
                                    implicit_tls=implicit_tls, maxchild=maxchild)
