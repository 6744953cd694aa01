"""The RFC 9051 §9 grammar atoms every command parser is built from.

A ``Cursor`` walks a ``wire.Line``: text chunks with literals between
them. A string that was sent as a literal is taken whole from the Line,
never re-scanned, so literal contents can hold any byte. Every failure is
``Bad(tag, text)``; the tag is ``*`` until the tag itself has been read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TypeVar

from roost.imap.sequence import SequenceSet
from roost.imap.wire import TAG, Line

T = TypeVar("T")


class Bad(Exception):
    """Malformed command: the server answers ``tag BAD text``."""

    def __init__(self, tag: str, text: str) -> None:
        super().__init__(tag, text)
        self.tag = tag
        self.text = text


_ATOM = re.compile(rb"[!#$&'+,-\[^-z|}~]+")  # ATOM-CHAR (no "]")
_ASTRING = re.compile(rb"[!#$&'+,-\[\]^-z|}~]+")  # ASTRING-CHAR
_LIST_MAILBOX = re.compile(rb"[!#-'*+,-\[\]^-z|}~]+")  # list-char: + "%" "*"
_QUOTED = re.compile(rb'"((?:[^"\\\r\n\x00]|\\["\\])*)"')
_LITERAL = re.compile(rb"(~?)\{([0-9]{1,20})\+?\}\Z")
_NUMBER = re.compile(rb"[0-9]+")
_SEQ_SET = re.compile(rb"[0-9*$:,]+")
NUMBER64_MAX = 2**63 - 1  # RFC 9051 §9 number64
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DATE = re.compile(rb'("?)([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})\1')
_DATE_TIME = re.compile(
    rb'"([ 0-9]?[0-9])-([A-Za-z]{3})-([0-9]{4}) '
    rb'([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})"'
)


class Cursor:
    """Position in a Line; methods consume one grammar element or raise Bad."""

    def __init__(self, line: Line) -> None:
        self._chunks = line.chunks
        self._literals = line.literals
        self._ci = 0
        self._pos = 0
        self.tag = "*"

    def bad(self, text: str) -> Bad:
        """A Bad for the current command, to be raised by the caller."""
        return Bad(self.tag, text)

    @property
    def _text(self) -> bytes:
        return self._chunks[self._ci]

    def at_end(self) -> bool:
        """Whether the whole command has been consumed."""
        return self._ci == len(self._chunks) - 1 and self._pos == len(self._text)

    def peek(self, prefix: bytes) -> bool:
        """Whether the text at the cursor starts with ``prefix`` (any case)."""
        end = self._pos + len(prefix)
        return self._text[self._pos : end].upper() == prefix.upper()

    def skip(self, prefix: bytes) -> bool:
        """Consume ``prefix`` (any case) if it is next; say whether it was."""
        if not self.peek(prefix):
            return False
        self._pos += len(prefix)
        return True

    def expect(self, prefix: bytes) -> None:
        """Consume ``prefix`` or fail."""
        if not self.skip(prefix):
            raise self.bad(f"expected {prefix.decode('ascii')!r}")

    def sp(self) -> None:
        """One space (RFC 9051 §9 ``SP``)."""
        self.expect(b" ")

    def end(self) -> None:
        """Nothing may follow."""
        if not self.at_end():
            raise self.bad("unexpected text at end of command")

    def token(self, pattern: re.Pattern[bytes], what: str) -> bytes:
        """Consume a match of ``pattern`` or fail saying ``what`` was expected."""
        return self._match_obj(pattern, what).group()

    def maybe(self, pattern: re.Pattern[bytes]) -> bytes | None:
        """Consume a match of ``pattern`` if there is one."""
        m = pattern.match(self._text, self._pos)
        if m is None:
            return None
        self._pos = m.end()
        return m.group()

    def _match_obj(self, pattern: re.Pattern[bytes], what: str) -> re.Match[bytes]:
        m = pattern.match(self._text, self._pos)
        if m is None:
            raise self.bad(f"expected {what}")
        self._pos = m.end()
        return m

    def read_tag(self) -> str:
        """The command tag; from here on errors carry it."""
        self.tag = self.token(TAG, "tag").decode("ascii")
        return self.tag

    def atom(self) -> str:
        """RFC 9051 §9 ``atom``."""
        return self.token(_ATOM, "atom").decode("ascii")

    def astring_atom(self) -> str:
        """1*ASTRING-CHAR, e.g. a keyword that may contain ``]``."""
        return self.token(_ASTRING, "atom").decode("ascii")

    def number(self, limit: int = 2**32 - 1) -> int:
        """RFC 9051 §9 ``number`` (or ``number64`` with a larger limit)."""
        digits = self.token(_NUMBER, "number")
        if len(digits) > 20 or int(digits) > limit:
            raise self.bad("number too large")
        return int(digits)

    def nz_number(self, limit: int = 2**32 - 1) -> int:
        """RFC 9051 §9 ``nz-number``."""
        n = self.number(limit)
        if n == 0:
            raise self.bad("number must not be zero")
        return n

    def literal(self) -> tuple[bytes, bool]:
        """A literal (APPEND data): its bytes and whether it was ``~{n}``."""
        lit = self._literal()
        if lit is None:
            raise self.bad("expected literal")
        return lit

    def _literal(self) -> tuple[bytes, bool] | None:
        m = _LITERAL.match(self._text, self._pos)
        if m is None or self._ci >= len(self._literals):
            return None
        data = self._literals[self._ci]
        self._ci += 1
        self._pos = 0
        return data, m.group(1) == b"~"

    def string_bytes(self) -> bytes:
        """RFC 9051 §9 ``string``: quoted or literal."""
        if self.peek(b'"'):
            m = _QUOTED.match(self._text, self._pos)
            if m is None:
                raise self.bad("bad quoted string")
            self._pos = m.end()
            return re.sub(rb"\\(.)", rb"\1", m.group(1))
        lit = self._literal()
        if lit is None:
            raise self.bad("expected string")
        if lit[1]:
            raise self.bad("literal8 not allowed here")  # RFC 3516 §4.2: APPEND only
        if b"\x00" in lit[0]:
            raise self.bad("NUL in literal")  # RFC 9051 §4.3
        return lit[0]

    def is_string(self) -> bool:
        """Whether a quoted string or literal starts at the cursor."""
        return self.peek(b'"') or _LITERAL.match(self._text, self._pos) is not None

    def astring_bytes(self) -> bytes:
        """RFC 9051 §9 ``astring``."""
        if self.is_string():
            return self.string_bytes()
        return self.token(_ASTRING, "astring")

    def utf8(self, raw: bytes) -> str:
        """Decode ``raw`` as UTF-8 (RFC 9051 §4.3) or fail."""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise self.bad("invalid UTF-8") from None

    def string(self) -> str:
        """A string as text."""
        return self.utf8(self.string_bytes())

    def astring(self) -> str:
        """An astring as text."""
        return self.utf8(self.astring_bytes())

    def nstring(self) -> str | None:
        """RFC 9051 §9 ``nstring``: string or NIL."""
        if self.skip_word(b"NIL"):
            return None
        return self.string()

    def skip_word(self, word: bytes) -> bool:
        """Consume ``word`` (any case) only if no atom char follows it."""
        m = _ASTRING.match(self._text, self._pos)
        if m is None or m.group().upper() != word.upper():
            return False
        self._pos = m.end()
        return True

    def mailbox(self) -> str:
        """RFC 9051 §9 ``mailbox``: an astring; ``INBOX`` in any case is INBOX."""
        name = self.astring()
        return "INBOX" if name.upper() == "INBOX" else name

    def list_mailbox(self) -> str:
        """RFC 9051 §9 ``list-mailbox``: wildcards allowed unquoted."""
        if self.is_string():
            return self.string()
        return self.token(_LIST_MAILBOX, "mailbox pattern").decode("ascii")

    def flag(self) -> str:
        """RFC 9051 §9 ``flag``: ``\\atom`` or a keyword atom."""
        if self.skip(b"\\"):
            return "\\" + self.atom()
        return self.atom()

    def flag_list(self) -> tuple[str, ...]:
        """RFC 9051 §9 ``flag-list``: ``(flag *(SP flag))`` or ``()``."""
        return tuple(self.paren_list(self.flag))

    def paren_list(self, item: Callable[[], T]) -> list[T]:
        """``"(" [item *(SP item)] ")"``, the shape of most IMAP lists."""
        self.expect(b"(")
        items: list[T] = []
        if self.skip(b")"):
            return items
        while True:
            items.append(item())
            if self.skip(b")"):
                return items
            self.sp()

    def sequence_set(self) -> SequenceSet:
        """RFC 9051 §9 ``sequence-set`` (with RFC 5182 ``$``)."""
        text = self.token(_SEQ_SET, "sequence set").decode("ascii")
        try:
            return SequenceSet.parse(text)
        except ValueError as exc:
            raise self.bad(str(exc)) from None

    def date(self) -> dt.date:
        """RFC 9051 §9 ``date``: ``1-Feb-1994``, optionally quoted."""
        m = self._match_obj(_DATE, "date")
        return self._make_date(m.group(4), m.group(3), m.group(2))

    def date_time(self) -> dt.datetime:
        """RFC 9051 §9 ``date-time``: ``"17-Jul-1996 02:44:25 -0700"``.

        A one-digit day without the padding space is accepted too: some
        clients send it, and it cannot be misread.
        """
        m = self._match_obj(_DATE_TIME, "date-time")
        day = self._make_date(m.group(3), m.group(2), m.group(1).strip())
        hh, mm, ss, zh, zm = (int(m.group(i)) for i in (4, 5, 6, 8, 9))
        if hh > 23 or mm > 59 or ss > 60 or zm > 59:
            raise self.bad("bad time")
        offset = dt.timedelta(hours=zh, minutes=zm) * (-1 if m.group(7) == b"-" else 1)
        return dt.datetime(day.year, day.month, day.day, hh, mm, min(ss, 59),
                           tzinfo=dt.timezone(offset))

    def _make_date(self, year: bytes, month: bytes, day: bytes) -> dt.date:
        try:
            return dt.date(int(year), _MONTHS.index(month.decode("ascii").upper()) + 1, int(day))
        except ValueError:
            raise self.bad("bad date") from None
