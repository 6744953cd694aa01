"""THE connection loop of every line protocol: feed, frame, handle, flush.

A protocol (IMAP, LMTP; later POP3, ManageSieve, NNTP) is a `LineProtocol`:
a sans-IO framer plus handlers that append replies to the connection's one
ordered `Output`. The loop owns everything else: it flushes before every
read (so pipelined commands get their replies in one write, in order:
RFC 2920 §3, RFC 9051 §5.5), enforces the clocks of `Connection`, and ends
every connection with exactly one log line, whatever the cause:

- the protocol finished (QUIT, LOGOUT): debug;
- a clock ran out, or the server shuts down: the protocol's goodbye
  (`* BYE ...`, `421 ...`) is sent if the client still reads, one info line;
- the client hung up or stopped reading its output: one info line saying
  how many bytes were left unsent, no traceback;
- a bug: one `log.exception`.

A new protocol (POP3, ManageSieve, NNTP) brings its sans-IO framer, a
`LineProtocol` over it, handlers that log in through `ctx.logins`
(`roost.auth.login`: `password()` for USER/PASS or AUTHINFO, `sasl()` for
AUTH/AUTHENTICATE) and a start function `(ctx, sock, *, implicit_tls,
maxchild)` that builds a `roost.net.listener.LineServer`, as
`roost.imap.server.start_imap` does.
"""

from __future__ import annotations

import logging
from typing import Protocol

from roost.net.connection import Connection, ReadTimeout
from roost.net.output import ConnectionClosed

log = logging.getLogger(__name__)


class LineProtocol(Protocol):
    """What one protocol gives the shared loop."""

    #: Short name for log lines ("imap", "lmtp").
    name: str

    def greeting(self) -> bytes:
        """The first bytes the server sends."""

    def feed(self, data: bytes) -> None:
        """Bytes read from the client, for the framer."""

    def next_event(self) -> object | None:
        """The next complete event of the framer, or None when it needs more bytes."""

    def mid_command(self) -> bool:
        """Whether part of a command is buffered (the command clock runs)."""

    def interruptible(self) -> bool:
        """Whether a shutdown may cut the wait for input short now (False
        while an LMTP DATA body, a delivery in flight, is read)."""

    async def handle(self, event: object) -> None:
        """Act on one event; replies go to the connection's output."""

    def finished(self) -> bool:
        """Whether the session is over (QUIT, LOGOUT)."""

    def goodbye(self, reason: str) -> bytes:
        """The last reply before the server hangs up; `reason` is a
        `ReadTimeout` reason ("idle", "command", "login", "shutdown",
        "ended") or
        "overloaded" (the service has maxchild connections)."""


async def serve(conn: Connection, proto: LineProtocol) -> None:
    """Run `proto` on `conn` until it ends; the transport is closed on return."""
    conn.output.append(proto.greeting())
    try:
        while not proto.finished():
            event = proto.next_event()
            if event is None:
                await conn.output.flush()
                proto.feed(await conn.receive(mid_command=proto.mid_command(),
                                              interruptible=proto.interruptible()))
            else:
                await proto.handle(event)
        await conn.output.flush()
        log.debug("%s %s: session ended", proto.name, conn.peer)
    except ReadTimeout as timeout:
        log.info("%s %s: closing: %s timeout", proto.name, conn.peer, timeout.reason)
        await say_goodbye(conn, proto.goodbye(timeout.reason))
    except ConnectionClosed as err:
        log.info("%s %s: connection closed (%s), %d bytes unsent",
                 proto.name, conn.peer, err, conn.output.unsent())
    except Exception:
        log.exception("%s %s: connection failed", proto.name, conn.peer)
    finally:
        await conn.close()


async def say_goodbye(conn: Connection, reply: bytes) -> None:
    """Send a last reply if the client still takes it."""
    conn.output.append(reply)
    try:
        await conn.output.flush()
    except ConnectionClosed:
        pass
