"""Bytes from the client -> command lines. No sockets.

`Wire.next()` gives `Line(text)` (line ending removed; CRLF, or a bare LF
as Cyrus's pop3d also takes), `TooLong()` once a line over the limit has
been read to its end and dropped, or `NeedMore()`. The buffer never holds
more than the limit plus one read: an over-long line is thrown away as it
arrives, and the wire is in step again for the next line, so the server
answers -ERR and the connection stays usable.

RFC 2449 §4: a command line is at most 255 octets, CRLF included. SASL
responses (RFC 5034 §4: "can be much longer than normal POP3 commands")
are read with `next(max_line=...)` and a larger bound.
"""

from __future__ import annotations

from dataclasses import dataclass

#: RFC 2449 §4: 255 octets, including the terminating CRLF.
MAX_COMMAND = 255


@dataclass(frozen=True, slots=True)
class Line:
    """One client line without its line ending."""

    text: bytes


@dataclass(frozen=True, slots=True)
class TooLong:
    """A line over the limit was read to its end and dropped."""


@dataclass(frozen=True, slots=True)
class NeedMore:
    """No complete line in the buffer yet."""


Event = Line | TooLong | NeedMore


class Wire:
    """The POP3 byte stream of one connection, as lines."""

    def __init__(self, max_line: int = MAX_COMMAND) -> None:
        self._buf = bytearray()
        self.max_line = max_line
        self._discarding = False  # inside an over-long line

    def feed(self, data: bytes) -> None:
        self._buf += data

    def discard_buffer(self) -> None:
        """Forget unread bytes: RFC 2595 §4, nothing pipelined behind STLS counts."""
        self._buf.clear()
        self._discarding = False

    @property
    def mid_command(self) -> bool:
        """Part of a line is buffered (the command clock runs)."""
        return self._discarding or bool(self._buf)

    def next(self, max_line: int | None = None) -> Event:
        """The next event; `max_line` (octets with the line ending) overrides the limit."""
        limit = self.max_line if max_line is None else max_line
        end = self._buf.find(b"\n")
        if end < 0:
            if len(self._buf) >= limit:
                self._discarding = True
                self._buf.clear()
            return NeedMore()
        line = bytes(self._buf[:end])
        del self._buf[: end + 1]
        if self._discarding or end + 1 > limit:
            self._discarding = False
            return TooLong()
        return Line(line[:-1] if line.endswith(b"\r") else line)
