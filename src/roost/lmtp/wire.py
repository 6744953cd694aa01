"""Bytes from the client -> command lines and message bodies. No sockets.

The server feeds whatever it read and calls `next()` until it gets
`NeedMore`. In command mode the events are:

- `Line(text)`: one command line, line ending removed. Lines end in CRLF;
  a bare LF is accepted too (RFC 5321 §2.3.8 asks for CRLF, but the MTAs
  that talk LMTP to a store are trusted and some send LF).
- `TooLong()`: a command line went over `max_line`; it was dropped up to
  its end and the server answers `500 5.5.2` (RFC 5321 §4.5.3.1.10). The
  wire is in step again for the next line.

After the server has accepted DATA it calls `start_body(max_size)`; the
wire then yields one `Body(data)` (dot-unstuffed, RFC 5321 §4.5.2, every
line ending CRLF: bare LFs become CRLF) or `BodyTooBig(size)` once the
terminating `.` line arrived, and is back in command mode. Bytes after the
terminator stay buffered: the client may pipeline its next commands
behind the body (RFC 2920 §3.1).
"""

from __future__ import annotations

from dataclasses import dataclass

#: RFC 5321 §4.5.3.1.4 allows 512 octets; SIZE/BODY parameters
#: (RFC 1870 §3) and long addresses need more, and §4.5.3.1 lets a server
#: be liberal. Beyond this a line is refused, not buffered.
MAX_COMMAND_LINE = 4096

#: The line that ends a DATA body (RFC 5321 §4.1.1.4).
_TERMINATOR = b".\r\n"


@dataclass(frozen=True, slots=True)
class Line:
    """One command line without its line ending."""

    text: bytes


@dataclass(frozen=True, slots=True)
class TooLong:
    """A command line over the limit was dropped."""


@dataclass(frozen=True, slots=True)
class Body:
    """The message of a DATA command: unstuffed, CRLF line endings."""

    data: bytes


@dataclass(frozen=True, slots=True)
class BodyTooBig:
    """The message went over the size limit and was read and thrown away."""

    size: int


@dataclass(frozen=True, slots=True)
class NeedMore:
    """No complete event in the buffer yet."""


Event = Line | TooLong | Body | BodyTooBig | NeedMore


class Wire:
    """The LMTP byte stream of one connection, as events."""

    def __init__(self, max_line: int = MAX_COMMAND_LINE) -> None:
        self._buf = bytearray()
        self._max_line = max_line
        self._discarding = False          # inside an over-long command line
        self._in_body = False
        self._max_body = 0                # 0: no limit
        self._body: list[bytes] = []
        self._body_size = 0
        self._mid_line = False            # part of a body line was dropped
        self._scanned = 0                 # body mode: _buf[:_scanned] holds no LF

    def feed(self, data: bytes) -> None:
        self._buf += data

    def discard_buffer(self) -> None:
        """Forget unread bytes: RFC 3207 §4.2, nothing sent before TLS counts after."""
        self._buf.clear()
        self._scanned = 0

    @property
    def in_body(self) -> bool:
        return self._in_body

    @property
    def mid_command(self) -> bool:
        """Part of a command line or of a message is buffered or being read."""
        return self._in_body or self._discarding or bool(self._buf)

    def start_body(self, max_size: int) -> None:
        """Read a DATA body next; `max_size` 0 means no limit."""
        self._in_body = True
        self._max_body = max_size
        self._body = []
        self._body_size = 0
        self._mid_line = False
        self._scanned = 0

    def next(self) -> Event:
        if self._in_body:
            return self._next_body()
        return self._next_line()

    def _next_line(self) -> Event:
        end = self._buf.find(b"\n")
        if end < 0:
            if len(self._buf) > self._max_line:
                self._discarding = True
                self._buf.clear()
            return NeedMore()
        line = bytes(self._buf[:end])
        del self._buf[: end + 1]
        if self._discarding or end > self._max_line:
            self._discarding = False
            return TooLong()
        return Line(line[:-1] if line.endswith(b"\r") else line)

    def _next_body(self) -> Event:
        # Only whole lines are consumed; a partial line waits for its end.
        # The search starts where the last one stopped, so a line that keeps
        # growing costs each byte one look, not one per read.
        end = self._buf.rfind(b"\n", self._scanned)
        if end < 0:
            if self._over_limit(len(self._buf)) and not _TERMINATOR.startswith(self._buf):
                # A line with no end yet: count it and drop what we cannot keep.
                # "." or ".\r" may still be the terminator of a body at the limit.
                self._body_size += len(self._buf)
                self._buf.clear()
                self._mid_line = True
            self._scanned = len(self._buf)
            return NeedMore()
        chunk = bytes(self._buf[: end + 1])
        if not self._mid_line and chunk.count(b"\n") == chunk.count(b"\r\n"):
            event = self._crlf_lines(chunk)
        else:
            event = self._each_line(chunk)
        # Still in the body: everything up to the last LF was consumed.
        self._scanned = len(self._buf) if self._in_body else 0
        return event

    def _crlf_lines(self, chunk: bytes) -> Event:
        """Whole CRLF lines (what MTAs send): the terminator found, the lines
        unstuffed and kept with a few bytes operations over the chunk
        instead of a loop per line."""
        if chunk.startswith(b".\r\n"):
            term = 0
        else:
            found = chunk.find(b"\r\n.\r\n")
            term = found + 2 if found >= 0 else -1
        part = chunk if term < 0 else chunk[:term]
        if part.startswith(b"."):
            part = part[1:]
        self._keep(part.replace(b"\r\n.", b"\r\n"))  # RFC 5321 §4.5.2: transparency
        if term < 0:
            del self._buf[: len(chunk)]
            return NeedMore()
        del self._buf[: term + 3]
        return self._finish_body()

    def _each_line(self, chunk: bytes) -> Event:
        """Line by line: bare LFs become CRLF, and a line partly dropped
        (over the size limit) is skipped to its end."""
        consumed = 0
        for line in chunk.split(b"\n")[:-1]:
            consumed += len(line) + 1
            if self._mid_line:
                # The rest of a line already dropped: neither "." nor stuffed.
                self._mid_line = False
                self._body_size += len(line) + 1
                continue
            if line.endswith(b"\r"):
                line = line[:-1]
            if line == b".":
                del self._buf[:consumed]
                return self._finish_body()
            if line.startswith(b"."):
                line = line[1:]  # RFC 5321 §4.5.2: transparency
            self._keep(line + b"\r\n")
        del self._buf[:consumed]
        return NeedMore()

    def _keep(self, data: bytes) -> None:
        """Count `data` into the body; keep it while the body fits the limit."""
        self._body_size += len(data)
        if not self._over_limit(0):
            self._body.append(data)

    def _over_limit(self, pending: int) -> bool:
        return self._max_body > 0 and self._body_size + pending > self._max_body

    def _finish_body(self) -> Event:
        self._in_body = False
        size = self._body_size
        body, self._body = self._body, []
        if self._over_limit(0):
            return BodyTooBig(size)
        return Body(b"".join(body))
