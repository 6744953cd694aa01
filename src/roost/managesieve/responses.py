"""Reply values -> bytes (RFC 5804 §4 `response-oknobye`, capability lines).

Strings go through `roost.message.imapstr.string` (the one quoting rule:
quoted when the text can be, a literal `{n}` otherwise, e.g. for the
CRLF-separated list of a script's errors, RFC 5804 §2.6). A script's
contents always go out as a literal, byte for byte (§2.9).
"""

from __future__ import annotations

from dataclasses import dataclass

from roost.message.imapstr import string

__all__ = ["Done", "literal", "reply", "string"]


@dataclass(frozen=True, slots=True)
class Done:
    """What a handler returns: the text (and response code) of its OK.

    Usually none: Cyrus's sieveshell (perl/sieve/lib/request.c) reads an
    OK as bare or with `(SASL ...)` only, and Cyrus's timsieved sends it
    bare; RFC 5804 §4 makes both optional.
    """

    text: str = ""
    code: bytes | None = None


def reply(status: bytes, text: str = "", code: bytes | None = None) -> bytes:
    """`OK`, `NO` or `BYE`, then `(CODE)` and a human-readable string.

    `code` is rendered already (`QUOTA/MAXSIZE`, `TAG "x"`, `SASL "..."`).
    """
    out = status
    if code:
        out += b" (" + code + b")"
    if text:
        out += b" " + string(text)
    return out + b"\r\n"


def literal(data: bytes) -> bytes:
    """`{n}` CRLF and the octets: RFC 5804 §4 `literal-s2c`."""
    return b"{%d}\r\n%s" % (len(data), data)
