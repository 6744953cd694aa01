"""One client connection: reads bounded in time, the ordered output, STARTTLS.

Three clocks bound how long a client may hold a connection without making
progress, whatever the protocol:

- `idle_timeout`: between commands (IMAP `timeout`, LMTP `lmtp_timeout`);
- `command_timeout`: from the first byte of a command to its last, literals
  included, so a trickle of one byte every few seconds cannot keep one
  command (and its buffers) alive forever;
- `login_timeout`: from accept until the client authenticated, for
  protocols with a login (RFC 9051 §5.4 allows a short pre-authentication
  timer; Dovecot gives 3 minutes, CLIENT_LOGIN_TIMEOUT_MSECS).

A read that hits one of them raises `ReadTimeout` naming which, and the
protocol says its goodbye. The worker's shutdown (roost.master.shutdown)
ends the read the connection waits in, or its next one, the same way
with reason "shutdown"; a command being handled finishes first.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass

from roost.master.shutdown import Shutdown, ShuttingDown
from roost.net.deflate import Deflate, DeflateError
from roost.net.output import ConnectionClosed, Output
from roost.net.shared_state import EndWatch
from roost.telemetry.session import SessionTelemetry

READ_SIZE = 65536


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds; 0 disables a clock (`login` 0: the protocol has no login)."""

    idle: float
    command: float
    login: float
    write: float


class ReadTimeout(ConnectionClosed):
    """No (complete) input in time; `reason` is "idle", "command", "login",
    "shutdown", or "ended" (an administrator ended the session). A ConnectionClosed, so handlers that read (AUTHENTICATE,
    IDLE) let it through like a hang-up; the loop then says goodbye."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def peer_of(writer: asyncio.StreamWriter) -> tuple[str | None, str]:
    """(client address or None on a unix socket, `[addr]:port` for logs)."""
    peer = writer.get_extra_info("peername")
    if isinstance(peer, tuple) and peer:
        return str(peer[0]), f"[{peer[0]}]:{peer[1]}"
    return None, "local"


def local_of(writer: asyncio.StreamWriter) -> str | None:
    """The server address the client connected to (None on a unix socket):
    `virtdomains: on` names the login domain after it."""
    local = writer.get_extra_info("sockname")
    return str(local[0]) if isinstance(local, tuple) and local else None


class Connection:
    """The transport side of one client, shared by every protocol."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *,
                 timeouts: Timeouts, tls_active: bool, shutdown: Shutdown) -> None:
        self.reader = reader
        self.writer = writer
        self.timeouts = timeouts
        self.tls_active = tls_active
        self.output = Output(writer, timeouts.write)
        self.peer_ip, self.peer = peer_of(writer)
        self.local_ip = local_of(writer)
        now = time.monotonic()
        self._login_deadline = now + timeouts.login if timeouts.login else None
        self._command_deadline: float | None = None
        self.shutdown = shutdown
        self.bytes_read = 0
        #: Its row in the shared sessions table, when connections are counted.
        self.session_key: int | None = None
        #: Whether an administrator ended its session (a renamed user's), then.
        self.end_watch: EndWatch | None = None
        #: Its telemetry (roost.telemetry.session), set by the listener.
        self.telemetry: SessionTelemetry | None = None

        #: The DEFLATE layer once a protocol turned it on (RFC 4978).
        self.deflate: Deflate | None = None

    def attach_telemetry(self, telemetry: SessionTelemetry) -> None:
        """Every byte both ways goes to `telemetry` from now on (it keeps
        them only once its user's protocol log is on)."""
        self.telemetry = telemetry
        self.output.tap = telemetry.server

    def logged_in(self) -> None:
        """The client authenticated: the pre-login clock stops."""
        self._login_deadline = None

    def logged_out(self) -> None:
        """The client left its login (IMAP UNAUTHENTICATE): the clock starts again."""
        login = self.timeouts.login
        self._login_deadline = time.monotonic() + login if login else None

    def _deadline(self, mid_command: bool) -> tuple[float, str]:
        now = time.monotonic()
        if not mid_command:
            self._command_deadline = None
        elif self._command_deadline is None and self.timeouts.command:
            self._command_deadline = now + self.timeouts.command
        if mid_command and self._command_deadline is not None:
            deadline, reason = self._command_deadline, "command"
        else:
            deadline, reason = now + self.timeouts.idle, "idle"
        if self._login_deadline is not None and self._login_deadline < deadline:
            deadline, reason = self._login_deadline, "login"
        return deadline, reason

    async def receive(self, *, mid_command: bool, interruptible: bool = True) -> bytes:
        """The next bytes from the client (never empty).

        `mid_command`: part of a command is already buffered, so the
        command clock runs. `interruptible`: the worker's shutdown may cut
        this wait short (not while an LMTP DATA body, a delivery in flight,
        is read). ConnectionClosed at EOF or a broken link.
        """
        deadline, reason = self._deadline(mid_command)
        while True:
            data = await self._read(deadline, reason, interruptible)
            if self.deflate is not None:
                try:
                    data = self.deflate.inflate(data)
                except DeflateError as err:
                    raise ConnectionClosed(str(err)) from None
                if not data:
                    continue  # a deflate block may end between reads: read on
            if self.telemetry is not None:
                self.telemetry.client(data)  # what the client said, not how it was packed
            return data

    async def _read(self, deadline: float, reason: str, interruptible: bool) -> bytes:
        """Bytes held back by the deflate bound, else the next bytes off the transport."""
        if self.deflate is not None and self.deflate.pending():
            return b""
        try:
            with self.shutdown.interrupts(when=interruptible):
                async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                    data = await self.reader.read(READ_SIZE)
        except ShuttingDown:
            raise ReadTimeout("shutdown") from None
        except TimeoutError:
            raise ReadTimeout(reason) from None
        except (ConnectionError, ssl.SSLError) as err:
            raise ConnectionClosed(f"read failed: {err!r}") from None
        if not data:
            raise ConnectionClosed("client closed the connection")
        if self.end_watch is not None and await self.end_watch.ended():
            raise ReadTimeout("ended")  # its command is not run: the user is gone
        self.bytes_read += len(data)
        return data

    def tls_compression(self) -> bool:
        """Whether TLS itself compresses (OpenSSL's default refuses to; a
        site's build might not)."""
        ssl_object = self.writer.get_extra_info("ssl_object")
        return isinstance(ssl_object, ssl.SSLObject) and ssl_object.compression() is not None

    def start_deflate(self, held: bytes = b"") -> bytes:
        """Compress both ways from now on (RFC 4978 §3: right after the tagged OK,
        which the caller has flushed). `held`: bytes the client sent after the
        command that the framer already holds; they came compressed, and are
        returned inflated (the rest, past the bound, comes from `receive`)."""
        self.deflate = Deflate(READ_SIZE)
        self.output.deflate = self.deflate
        try:
            return self.deflate.inflate(held) if held else b""
        except DeflateError as err:
            raise ConnectionClosed(str(err)) from None


    async def start_tls(self, context: ssl.SSLContext) -> None:
        """Flush what is queued in clear, then handshake (RFC 9051 §6.2.1, RFC 3207 §4.2).

        The caller drops whatever input it had buffered: it came in clear.
        """
        await self.output.flush()
        # Bytes that came in clear while the reply went out are not the
        # client's TLS data: drop them too (CVE-2011-0411 class).
        buffered = getattr(self.reader, "_buffer", None)
        if isinstance(buffered, bytearray):
            buffered.clear()
        try:
            async with asyncio.timeout(self.timeouts.write):
                await self.writer.start_tls(context)
        except (TimeoutError, ConnectionError, ssl.SSLError, OSError) as err:
            raise ConnectionClosed(f"TLS handshake failed: {err!r}") from None
        self.tls_active = True

    async def close(self) -> None:
        """Close the transport. Output the client has not taken is dropped
        (abort): a graceful close would wait for a client that does not read,
        and keep the socket and its buffers alive."""
        if self.telemetry is not None:
            await self.telemetry.close()
        self.output.discard()
        transport = self.writer.transport
        if transport.is_closing() and not transport.get_write_buffer_size():
            return
        if transport.get_write_buffer_size():
            transport.abort()
            return
        self.writer.close()
        try:
            async with asyncio.timeout(self.timeouts.write or None):
                await self.writer.wait_closed()
        except TimeoutError:
            transport.abort()
        except (ConnectionError, ssl.SSLError, OSError):
            pass
