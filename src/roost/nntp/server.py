"""NNTP on the shared connection loop (`roost.net.loop`): wire -> dispatch -> replies.

Limits: command lines of 512 octets (RFC 3977 §3.1), articles of
`maxmessagesize`, or of `DEFAULT_ARTICLE_LIMIT` when it is 0 (counted and
dropped past the bound, never buffered),
`nntptimeout` minutes idle (at least 3, as Cyrus), `prelogin_timeout`,
`command_timeout` and `write_timeout` (roost.net.connection).
"""

from __future__ import annotations

import asyncio
import socket

from roost.master.context import ServerContext
from roost.master.line_service import session_timeouts, start_line_service
from roost.net.connection import Connection, Timeouts
from roost.net.framed import Framed
from roost.nntp import responses as r
from roost.nntp.dispatch import dispatch, finish_article
from roost.nntp.handlers.connection import greeting_text
from roost.nntp.newsgroups import Newsgroups
from roost.nntp.overview import OverviewCache
from roost.nntp.session import After, Session
from roost.nntp.wire import Body, BodyTooBig, Line, NeedMore, TooLong, Wire, nntp_wire

#: The article bound when maxmessagesize is 0 (no limit configured): an
#: article is held in memory until it is stored, so "no limit" must still be
#: one. INN's default `maxartsize` (1,000,000 octets), which news admins
#: know; a server carrying binaries sets maxmessagesize.
DEFAULT_ARTICLE_LIMIT = 1_000_000


class NntpProtocol(Framed):
    """NNTP's part of the shared loop; also the session's SASL exchange."""

    name = "nntp"
    need_more = NeedMore
    wire: Wire

    def __init__(self, ctx: ServerContext, conn: Connection, news: Newsgroups,
                 overviews: OverviewCache, *, reader: bool, feeder: bool) -> None:
        self.conn = conn
        self.wire = nntp_wire()
        self.s = Session(ctx, conn.output, news, conn.peer, conn.peer_ip, conn.tls_active,
                         conn.session_key, reader=reader, feeder=feeder, overviews=overviews)
        self.s.exchange = self.exchange
        self._logged_in = False

    def greeting(self) -> bytes:
        return r.status(*greeting_text(self.s))

    def interruptible(self) -> bool:
        return not self.wire.in_body

    def finished(self) -> bool:
        return self.s.after is After.CLOSE

    def goodbye(self, reason: str) -> bytes:
        """RFC 3977 §3.2.1: 400 when the service ends the connection."""
        text = {"idle": "Idle timeout, closing", "login": "No login in time, closing",
                "command": "Command not completed in time, closing",
                "overloaded": "Too many connections, try again later"}.get(
            reason, "Server shutting down")
        return r.status(400, text)

    async def handle(self, event: object) -> None:
        if isinstance(event, TooLong):
            self.s.send(r.status(501, "Line too long"))
        elif isinstance(event, Line):
            await dispatch(self.s, event.text)
            await self._after()
        elif isinstance(event, Body):
            await finish_article(self.s, event.data)
        elif isinstance(event, BodyTooBig):
            await finish_article(self.s, None)
        if self.s.authenticated and not self._logged_in:
            self._logged_in = True
            self.conn.logged_in()

    async def _after(self) -> None:
        after = self.s.after
        if after is After.READ_ARTICLE:
            self.s.after = After.CONTINUE
            self.wire.start_body(article_limit(self.s))
        elif after is After.START_TLS and self.s.ctx.ssl is not None:
            self.s.after = After.CONTINUE
            # RFC 4642 §2.2.2: nothing pipelined behind STARTTLS is acted on.
            self.wire.discard_buffer()
            await self.conn.start_tls(self.s.ctx.ssl)
            self.s.restart_after_tls()

    async def exchange(self, challenge: bytes) -> bytes:
        """Send a SASL challenge line now and return the client's answer line."""
        self.s.send(challenge)
        await self.conn.output.flush()
        while True:
            event = self.wire.next()
            if isinstance(event, Line):
                return event.text
            if isinstance(event, TooLong):
                return b"*"  # an answer past the bound cancels
            self.wire.feed(await self.conn.receive(mid_command=True))


def article_limit(s: Session) -> int:
    """The largest article POST or IHAVE accepts (RFC 3977 §6.3: 441 / 437 past it)."""
    return int(s.conf.maxmessagesize) or DEFAULT_ARTICLE_LIMIT


def nntp_timeouts(ctx: ServerContext) -> Timeouts:
    """`nntptimeout` minutes idle, never under Cyrus's 3."""
    return session_timeouts(ctx.conf, max(ctx.conf.nntptimeout, 3))


async def start_nntp(ctx: ServerContext, sock: socket.socket, *, implicit_tls: bool,
                     maxchild: int = 0, reader: bool = True,
                     feeder: bool = True) -> asyncio.AbstractServer:
    """Serve NNTP on a listening socket (NNTPS, port 563, when `implicit_tls`).

    `reader` / `feeder` as Cyrus's `nntpd -r` / `-f` (both by default).
    """
    news = Newsgroups(ctx.conf)
    overviews = OverviewCache()

    async def make(conn: Connection) -> NntpProtocol:
        return NntpProtocol(ctx, conn, news, overviews, reader=reader, feeder=feeder)

    conf = ctx.conf
    counted = maxchild > 0 or conf.maxlogins_per_host > 0 or conf.maxlogins_per_user > 0
    return await start_line_service(ctx, sock, name="nntp", program="nntpd", make=make,
                                    timeouts=lambda: nntp_timeouts(ctx),
                                    implicit_tls=implicit_tls, maxchild=maxchild,
                                    counted=counted)
