"""Bytes from the client -> whole IMAP commands, literals included. No sockets.

The server feeds whatever it read and calls ``next()`` until it gets
``NeedMore``. Events:

- ``Line``: one complete command. ``chunks[i]`` is the text before literal
  ``i`` (ending with its marker ``{n}``, ``{n+}`` or ``~{n}``, CRLF removed)
  and ``literals[i]`` its contents, so the parser knows which strings were
  literals and which were binary (RFC 3516 §4.2 ``literal8``).
- ``NeedLiteral(n, sync)``: a literal was announced. When ``sync`` the
  server must send ``+ go ahead`` (RFC 9051 §7.5); ``{n+}`` literals
  (RFC 7888 §3) are reported with ``sync=False`` for information only.
- ``TooLong(tag, kind)``: the command broke a limit and is dropped; the
  server answers ``tag BAD [TOOBIG]`` (or ``NO [TOOBIG]`` for a refused
  synchronising literal, RFC 9051 §7.1) and simply keeps calling ``next()``:
  the wire resynchronises on its own. A refused synchronising literal is
  never sent by the client, so the next line is a new command; a refused
  non-synchronising literal is read and thrown away (RFC 7888 §4, choice 1)
  together with the rest of its command.
- ``NeedMore``: feed more bytes.

``next_raw_line()`` reads one line with no literal interpretation, for the
continuation lines of AUTHENTICATE (RFC 9051 §6.2.2) and ``DONE`` after
IDLE (RFC 2177 §3). Lines may end in CRLF or a bare LF.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass

#: RFC 9051 §9 ``literal`` / RFC 3516 ``literal8``; at most 20 digits so a
#: hostile length cannot make int() slow.
_MARKER = re.compile(rb"(~?)\{([0-9]{1,20})(\+?)\}\Z")
#: RFC 9051 §9 ``tag``: ASTRING-CHAR except "+".
TAG = re.compile(rb"[!#$&',-\[\]^-z|}~]+")
#: How much of a discarded line is kept to spot a literal marker at its end.
_TAIL = 32
#: RFC 7888 §5: the LITERAL- bound on non-synchronising literals.
LITERAL_MINUS_MAX = 4096


@dataclass(frozen=True, slots=True)
class Line:
    """One command: text chunks and the literals between them."""

    chunks: tuple[bytes, ...]
    literals: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class NeedMore:
    """No complete event in the buffer yet."""


@dataclass(frozen=True, slots=True)
class NeedLiteral:
    """A literal of ``size`` bytes was announced; ``sync`` needs ``+ go ahead``."""

    size: int
    sync: bool


class TooBig(enum.Enum):
    """Which limit a dropped command broke."""

    LINE = "line"
    SYNC_LITERAL = "sync-literal"
    NONSYNC_LITERAL = "nonsync-literal"


@dataclass(frozen=True, slots=True)
class TooLong:
    """A command was dropped for breaking a limit; reply with ``[TOOBIG]``."""

    tag: str
    kind: TooBig


Event = Line | NeedMore | NeedLiteral | TooLong
LiteralLimit = Callable[[bytes], int]


class _Mode(enum.Enum):
    TEXT = 1  # reading command text up to LF
    LITERAL = 2  # reading ``_want`` literal bytes
    SKIP = 3  # throwing away ``_want`` bytes of a refused literal
    DISCARD = 4  # throwing away text up to LF of a refused command


def tag_of(text: bytes) -> str:
    """The tag at the start of a command, or ``*`` when there is none."""
    m = TAG.match(text)
    if m is None or (m.end() < len(text) and text[m.end()] != 0x20):
        return "*"
    return m.group().decode("ascii")


class Wire:
    """Incremental IMAP command framer with line and literal limits.

    Invariants: the command being read holds at most ``max_line`` bytes of
    text and its literal budget (``max_literal``, or what ``literal_limit``
    gives for it) of literals in all, so many small literals cannot add up
    to more than one big one; limits change only between commands; after
    any ``TooLong`` the next event starts at a command boundary.
    """

    def __init__(
        self, max_line: int, max_literal: int, max_nonsync_literal: int | None = None
    ) -> None:
        """``max_nonsync_literal`` is ``LITERAL_MINUS_MAX`` under LITERAL-."""
        self._max_line = max_line
        self._max_literal = max_literal
        self._literal_limit: LiteralLimit | None = None
        self._command_literal_max = max_literal
        self._max_nonsync = max_nonsync_literal
        self._buf = bytearray()
        self._scan = 0  # no LF in _buf[:_scan]
        self._mode = _Mode.TEXT
        self._want = 0
        self._chunks: list[bytes] = []
        self._literals: list[bytes] = []
        self._text_used = 0  # text bytes of the current command so far
        self._literal_used = 0  # literal bytes of the current command so far
        self._tail = b""  # end of the text being discarded
        self._raw_discard = False  # the line being discarded is a raw line

    def set_limits(self, max_line: int, max_literal: int,
                   literal_limit: LiteralLimit | None = None) -> None:
        """New bounds from the next command on (e.g. once the client logged in).

        ``literal_limit(first_chunk)`` gives the literal budget of a command
        from its text up to the first literal (APPEND is bounded by
        maxmessagesize, other commands by maxliteral); ``max_literal``
        otherwise.
        """
        self._max_line = max_line
        self._max_literal = max_literal
        self._literal_limit = literal_limit

    @property
    def mid_command(self) -> bool:
        """Part of a command (or of a refused one) is buffered or awaited."""
        return (self._mode is not _Mode.TEXT or bool(self._chunks)
                or bool(self._buf))

    def feed(self, data: bytes) -> None:
        """Append bytes read from the connection."""
        self._buf += data

    def take_buffered(self) -> bytes:
        """Remove and return the bytes not yet framed (between commands only:
        they are the start of a new layer's stream, RFC 4978 §3 COMPRESS)."""
        rest = bytes(self._buf)
        self._buf.clear()
        self._scan = 0
        return rest

    def next(self) -> Event:
        """The next event; ``NeedMore`` when the buffer holds no further one."""
        while True:
            if self._mode is _Mode.TEXT:
                line = self._take_line(self._max_line - self._text_used)
                if line is None:
                    return NeedMore()
                if isinstance(line, TooLong):
                    return line
                event = self._end_of_text(line)
                if event is not None:
                    return event
            elif self._mode is _Mode.LITERAL:
                if len(self._buf) < self._want:
                    return NeedMore()
                self._literals.append(bytes(self._buf[: self._want]))
                del self._buf[: self._want]
                self._scan = 0
                self._mode = _Mode.TEXT
            elif self._mode is _Mode.SKIP:
                if not self._skip():
                    return NeedMore()
            elif not self._discard():
                return NeedMore()

    def next_raw_line(self) -> bytes | NeedMore | TooLong:
        """One line with its line ending removed and no literal parsing.

        Only meaningful between commands (after a tagged reply was due).
        """
        if self._mode is _Mode.DISCARD and not self._discard():
            return NeedMore()  # still inside a refused raw line
        if self._mode is not _Mode.TEXT or self._chunks:
            raise RuntimeError("raw line requested in the middle of a command")
        line = self._take_line(self._max_line)
        if line is None:
            return NeedMore()
        if isinstance(line, TooLong):
            self._raw_discard = True  # a raw line carries no literal to skip
            return TooLong("*", TooBig.LINE)
        return line

    def _take_line(self, room: int) -> bytes | TooLong | None:
        """Split off one line; ``TooLong`` (and start discarding) past ``room``."""
        lf = self._buf.find(b"\n", self._scan)
        if lf < 0:
            self._scan = len(self._buf)
            if len(self._buf) <= room:
                return None
            return self._drop_line(bytes(self._buf[:room]))
        end = lf - 1 if lf > 0 and self._buf[lf - 1] == 0x0D else lf
        if end > room:
            return self._drop_line(bytes(self._buf[:room]))
        line = bytes(self._buf[:end])
        del self._buf[: lf + 1]
        self._scan = 0
        return line

    def _drop_line(self, start: bytes) -> TooLong:
        """Refuse the command whose text outgrew the limit; discard to LF."""
        tag = tag_of(self._chunks[0] if self._chunks else start)
        self._reset()
        self._mode, self._tail = _Mode.DISCARD, b""
        return TooLong(tag, TooBig.LINE)

    def _end_of_text(self, text: bytes) -> Event | None:
        """A text chunk ended: finish the command or start its literal."""
        marker = _MARKER.search(text)
        if marker is None:
            self._chunks.append(text)
            line = Line(tuple(self._chunks), tuple(self._literals))
            self._reset()
            return line
        size = int(marker.group(2))
        sync = marker.group(3) == b""
        first = self._chunks[0] if self._chunks else text
        tag = tag_of(first)
        if not self._chunks:
            self._command_literal_max = (self._max_literal if self._literal_limit is None
                                         else self._literal_limit(first))
        room = self._command_literal_max - self._literal_used
        if sync and size > room:
            # RFC 9051 §7.5: the client waits for "+", so nothing follows.
            self._reset()
            return TooLong(tag, TooBig.SYNC_LITERAL)
        if not sync and (
            size > room
            or (self._max_nonsync is not None and size > self._max_nonsync)
        ):
            self._reset()
            self._mode, self._want = _Mode.SKIP, size
            return TooLong(tag, TooBig.NONSYNC_LITERAL)
        self._chunks.append(text)
        self._text_used += len(text)
        self._literal_used += size
        self._mode, self._want = _Mode.LITERAL, size
        return NeedLiteral(size, sync)

    def _skip(self) -> bool:
        """Throw away refused literal bytes; True once all are gone."""
        n = min(self._want, len(self._buf))
        del self._buf[:n]
        self._want -= n
        self._scan = 0
        if self._want:
            return False
        self._mode, self._tail = _Mode.DISCARD, b""
        return True

    def _discard(self) -> bool:
        """Throw away text of a refused command up to LF; True at its end."""
        lf = self._buf.find(b"\n")
        if lf < 0:
            self._tail = (self._tail + bytes(self._buf))[-_TAIL:]
            self._buf.clear()
            self._scan = 0
            return False
        text = (self._tail + bytes(self._buf[:lf])).rstrip(b"\r")
        del self._buf[: lf + 1]
        self._scan, self._tail = 0, b""
        marker = None if self._raw_discard else _MARKER.search(text)
        self._raw_discard = False
        if marker is not None and marker.group(3) == b"+":
            # The client sends a non-synchronising literal regardless.
            self._mode, self._want = _Mode.SKIP, int(marker.group(2))
        else:
            # No literal, or a synchronising one the client waits in vain for.
            self._mode = _Mode.TEXT
        return True

    def _reset(self) -> None:
        self._chunks, self._literals = [], []
        self._text_used = self._literal_used = 0
        self._mode = _Mode.TEXT
