"""Content-Transfer-Encoding decoding (RFC 2045 §6).

`decode_strict` serves FETCH BINARY: identity for 7bit/8bit/binary,
base64 and quoted-printable decoded, anything else raises
UnknownTransferEncoding so the IMAP layer answers [UNKNOWN-CTE]
(RFC 3516 §4.3). `decode_lenient` serves search and preview: an unknown
encoding is read as identity. Both tolerate damaged base64 (junk
characters, bad padding) rather than fail: the octets that can be
recovered are returned.
"""

from __future__ import annotations

import binascii
import re

from roost.message.encoded_words import decode_b64_lenient

IDENTITY = frozenset({b"7bit", b"8bit", b"binary", b""})
_QP_OCTET = re.compile(rb"=([0-9A-Fa-f]{2})")
_HEX = {b"%02x" % n: bytes((n,)) for n in range(256)}


class UnknownTransferEncoding(Exception):
    """The part's Content-Transfer-Encoding is not one RFC 2045 defines."""

    def __init__(self, encoding: bytes) -> None:
        super().__init__(encoding.decode("ascii", "replace"))
        self.encoding = encoding


def _base64(data: bytes) -> bytes:
    try:
        return binascii.a2b_base64(data)  # fast path: tolerates line breaks
    except (binascii.Error, ValueError):
        return decode_b64_lenient(data)


def _quoted_printable(data: bytes) -> bytes:
    """RFC 2045 §6.7, line by line: trailing white space is transport
    padding and goes (rule 3), so `= ` at a line end is still a soft line
    break (rule 5); a hard line break, CRLF or a bare LF as stored, is CRLF
    in the decoded octets (rule 4); `=XX` in either case is an octet (rule
    1); any other `=` stays as it is (§6.7 note 2, "robust")."""
    lines = data.split(b"\n")
    out: list[bytes] = []
    for index, line in enumerate(lines):
        line = line.rstrip(b" \t\r")
        if line.endswith(b"="):
            line, eol = line[:-1], b""
        else:
            eol = b"" if index == len(lines) - 1 else b"\r\n"
        if b"=" in line:
            line = _QP_OCTET.sub(lambda m: _HEX[m[1].lower()], line)
        out.append(line + eol)
    return b"".join(out)


def decode_strict(data: bytes, cte: bytes) -> bytes:
    """Decode `data` per `cte` (lower-case); raise on an unknown encoding."""
    if cte in IDENTITY:
        return data
    if cte == b"base64":
        return _base64(data)
    if cte == b"quoted-printable":
        return _quoted_printable(data)
    raise UnknownTransferEncoding(cte)


def decode_lenient(data: bytes, cte: bytes) -> bytes:
    """Decode `data` per `cte`; an unknown encoding passes the data through."""
    try:
        return decode_strict(data, cte)
    except UnknownTransferEncoding:
        return data
