"""asyncio glue: bytes in -> Wire -> parse -> dispatch -> bytes out.

One coroutine per connection on the worker's event loop. Limits: line
length (maxlinelength), literal size (maxmessagesize), idle time
(`timeout` minutes, never under 30 as RFC 9051 §5.4 asks).
"""

from __future__ import annotations

import asyncio
import logging
import socket

from roost import __version__
from roost.imap import dispatch
from roost.imap.capabilities import capability_list
from roost.imap.parse import Bad, parse_command
from roost.imap.parse_search import CHARSETS, UnknownCharset
from roost.imap.responses import tagged
from roost.imap.session import ConnectionClosed, Session, State
from roost.imap.wire import Line, NeedLiteral, NeedMore, TooBig, TooLong, Wire
from roost.master.context import ServerContext
from roost.master.shutdown import ShuttingDown

log = logging.getLogger(__name__)
UNLIMITED_LITERAL = 1 << 30
READ_SIZE = 65536


class Connection:
    """One client connection: reads, frames, dispatches and writes."""

    def __init__(self, ctx: ServerContext, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter, tls_active: bool) -> None:
        conf = ctx.conf
        self.ctx = ctx
        self.reader = reader
        self.writer = writer
        self.idle_timeout = max(conf.timeout, 30) * 60.0
        self.wire = self.new_wire()
        peer = writer.get_extra_info("peername")
        where = f"[{peer[0]}]:{peer[1]}" if isinstance(peer, tuple) else "local"
        self.s = Session(ctx, tls_active=tls_active, peer=where)
        self.s.continuation = self.continuation
        self.s.send_continuation = self.send_continuation
        self.s.read_raw_line = self.read_raw_line
        self.s.start_tls = self.start_tls
        self.s.flush = self.flush

    async def flush(self) -> None:
        if self.s.out:
            self.writer.write(b"".join(self.s.out))
            self.s.out.clear()
        await self.writer.drain()

    async def _read(self) -> None:
        try:
            with self.ctx.shutdown.interrupts():
                data = await asyncio.wait_for(self.reader.read(READ_SIZE), self.idle_timeout)
        except ShuttingDown:
            # RFC 9051 §7.1.5: BYE, then close, when the server shuts down.
            self.writer.write(b"* BYE Server shutting down\r\n")
            raise ConnectionClosed() from None
        except (TimeoutError, ConnectionError) as err:
            raise ConnectionClosed() from err
        if not data:
            raise ConnectionClosed()
        self.wire.feed(data)

    async def read_raw_line(self) -> bytes:
        """One client line with no literal parsing (AUTHENTICATE, IDLE's DONE)."""
        while True:
            event = self.wire.next_raw_line()
            if isinstance(event, bytes):
                return event
            if isinstance(event, TooLong):
                return b"*"  # an over-long answer cancels, like the client's "*"
            await self._read()

    async def send_continuation(self, text: bytes) -> None:
        """Send `+ text` now (RFC 9051 §7.5)."""
        self.s.out.append(b"+ " + text + b"\r\n")
        await self.flush()

    async def continuation(self, text: bytes) -> bytes:
        """Send `+ text` and return the client's answer line."""
        await self.send_continuation(text)
        return await self.read_raw_line()

    async def start_tls(self) -> None:
        """RFC 9051 §6.2.1: the tagged OK goes out in clear, then the handshake."""
        await self.flush()
        ssl_ctx = self.s.ctx.ssl
        assert ssl_ctx is not None
        # Anything pipelined after STARTTLS was sent in clear: drop it (CVE-2011-0411 class).
        self.wire = self.new_wire()
        await self.writer.start_tls(ssl_ctx)
        self.s.tls_active = True

    def new_wire(self) -> Wire:
        """A framer with the configured limits (LITERAL+: no LITERAL- bound)."""
        conf = self.ctx.conf
        return Wire(conf.maxlinelength, conf.maxmessagesize or UNLIMITED_LITERAL)

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

    async def serve(self) -> None:
        self.writer.write(self.greeting())
        try:
            while self.s.state is not State.LOGOUT:
                event = self.wire.next()
                if isinstance(event, NeedMore):
                    await self.flush()
                    await self._read()
                elif isinstance(event, NeedLiteral):
                    if event.sync:
                        self.writer.write(b"+ go ahead\r\n")
                        await self.writer.drain()
                elif isinstance(event, TooLong):
                    self.too_long(event)
                else:
                    await self.command(event)
            await self.flush()
        except ConnectionClosed:
            pass
        except Exception:
            log.exception("IMAP connection failed")
        finally:
            self.writer.close()

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
        await dispatch.run(self.s, cmd)
        if self.s.after_reply is not None:
            after, self.s.after_reply = self.s.after_reply, None
            await self.flush()
            await after()


async def start_imap(ctx: ServerContext, sock: socket.socket, *,
                     implicit_tls: bool) -> asyncio.AbstractServer:
    """Serve IMAP on a listening socket (IMAPS when `implicit_tls`)."""
    if implicit_tls and ctx.ssl is None:
        raise RuntimeError("imapd -s needs tls_server_cert and tls_server_key")

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with ctx.shutdown.session():
            await Connection(ctx, reader, writer, tls_active=implicit_tls).serve()

    ssl_ctx = ctx.ssl if implicit_tls else None
    if sock.family == socket.AF_UNIX:
        return await asyncio.start_unix_server(on_connect, sock=sock, ssl=ssl_ctx)
    return await asyncio.start_server(on_connect, sock=sock, ssl=ssl_ctx, limit=READ_SIZE)

