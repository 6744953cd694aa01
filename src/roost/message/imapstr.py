"""IMAP string rendering: quoted string, literal, NIL, parenthesised lists.

RFC 9051 §4.3: a string is a quoted string or a literal. A quoted string
cannot hold CR, LF, NUL or 8-bit octets, so those values go out as a literal
`{n}\\r\\n<octets>`. NUL cannot appear in a non-binary literal either
(RFC 9051 §4.3.1), so it is dropped: a header value with NUL in it is
malformed and the envelope carries the rest. `nstring` adds NIL for absent
values (RFC 9051 §4.5). The IMAP protocol package imports these renderers so
every string on the wire is rendered by one rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NIL = b"NIL"

# Octets that force a literal: CR, LF, NUL and anything outside 7-bit ASCII.
_NEEDS_LITERAL = re.compile(rb"[\x00\r\n\x80-\xff]")
# Quoted strings are fine up to any length; very long ones read better and
# cost nothing extra as literals, and some clients cap quoted string length.
_MAX_QUOTED = 1024


def string(value: bytes | str) -> bytes:
    """Render `value` as an IMAP string: quoted if it can be, else a literal.

    A `str` is encoded as UTF-8 (RFC 9051 §4.3: UTF-8 strings are allowed
    in literals and, with UTF8=ACCEPT, in quoted strings).
    """
    data = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")
    if len(data) > _MAX_QUOTED or _NEEDS_LITERAL.search(data) is not None:
        return b"{%d}\r\n%s" % (len(data), data)
    if b"\\" in data or b'"' in data:
        data = data.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    return b'"' + data + b'"'


def nstring(value: bytes | str | None) -> bytes:
    """Render NIL for None, else `string(value)` (RFC 9051 §4.5)."""
    if value is None:
        return NIL
    return string(value)


def number(value: int) -> bytes:
    """Render a non-negative integer (RFC 9051 §4.2)."""
    return b"%d" % value


def plist(items: Iterable[bytes]) -> bytes:
    """Join already-rendered items into a parenthesised list `(a b c)`."""
    return b"(" + b" ".join(items) + b")"
