"""RFC 2047 encoded-words in header values -> str.

RFC 2047 §6.2: linear whitespace between two adjacent encoded-words is
ignored, so `=?a?Q?x?= =?a?Q?y?=` reads "xy". Adjacent words in the same
charset are joined as bytes before decoding, because senders split one
multi-octet UTF-8 character across two words. RFC 2231 §5 allows a language
suffix in the charset (`utf-8*en`); it is dropped. Malformed words are left
as they are; decoding never raises.
"""

from __future__ import annotations

import binascii
import re

from roost.message import charsets

_WORD = re.compile(rb"=\?([^?\s]+)\?([QqBb])\?([^?]*?)\?=")
_WSP_ONLY = re.compile(rb"[ \t\r\n]*")
_QP_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")
_FOLD = re.compile(rb"\r?\n(?=[ \t])|\r?\n")


def _decode_q(text: bytes) -> bytes:
    """RFC 2047 §4.2: "_" is space, =XX is a hex octet."""
    text = text.replace(b"_", b" ")
    return _QP_HEX.sub(lambda m: bytes((int(m.group(1), 16),)), text)


def decode_b64_lenient(text: bytes) -> bytes:
    """Base64 that tolerates junk characters and missing or extra padding."""
    clean = re.sub(rb"[^A-Za-z0-9+/]", b"", text)
    if len(clean) % 4 == 1:  # a lone trailing sextet carries no whole octet
        clean = clean[:-1]
    clean += b"=" * (-len(clean) % 4)
    try:
        return binascii.a2b_base64(clean)
    except (binascii.Error, ValueError):
        return b""


def _decode_word(encoding: bytes, text: bytes) -> bytes:
    if encoding in (b"B", b"b"):
        return decode_b64_lenient(text)
    return _decode_q(text)


def unfold(value: bytes) -> bytes:
    """RFC 5322 §2.2.3: remove the CRLF of folded lines (stray CR/LF too)."""
    if b"\n" not in value and b"\r" not in value:
        return value
    return _FOLD.sub(b"", value).replace(b"\r", b"")


def decode_header_value(value: str | bytes) -> str:
    """Unfold a raw header value and decode its RFC 2047 encoded-words.

    Text outside encoded-words is read as UTF-8 (RFC 6532) or windows-1252.
    A `str` argument is treated as its UTF-8 octets.
    """
    raw = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
    raw = unfold(raw)
    if b"=?" not in raw:
        return charsets.header_bytes_to_str(raw)
    out: list[str] = []
    pos = 0
    pending_charset: str | None = None
    pending: bytes = b""
    for match in _WORD.finditer(raw):
        gap = raw[pos : match.start()]
        adjacent = pending_charset is not None and _WSP_ONLY.fullmatch(gap) is not None
        charset = match.group(1).split(b"*", 1)[0].decode("ascii", "replace").lower()
        decoded = _decode_word(match.group(2), match.group(3))
        if adjacent and charset == pending_charset:
            pending += decoded
        else:
            if pending_charset is not None:
                out.append(charsets.decode(pending, pending_charset))
            if not adjacent:
                out.append(charsets.header_bytes_to_str(gap))
            pending_charset, pending = charset, decoded
        pos = match.end()
    if pending_charset is not None:
        out.append(charsets.decode(pending, pending_charset))
    out.append(charsets.header_bytes_to_str(raw[pos:]))
    return "".join(out)
