"""Bytes -> str with a declared charset, never raising.

Mail declares charsets that Python does not know, mislabels them, or names
bytes-to-bytes codecs (`base64`, `zlib`) that must never run on mail. The
rule here: try the declared charset as a text codec with replacement; if it
is unknown or not a text codec, fall back to UTF-8 when the bytes are valid
UTF-8, else windows-1252 (which every browser uses for "iso-8859-1" and
which maps nearly every octet). `us-ascii` is read as UTF-8 since 8-bit
octets in "ASCII" text are nearly always UTF-8 in practice.
"""

from __future__ import annotations

import codecs

# Labels that mail uses but that mean "we do not know": go to the fallback.
_UNKNOWN = frozenset({"", "unknown", "unknown-8bit", "x-unknown", "default", "x-user-defined"})
_ALIASES = {
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "utf8": "utf-8",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}


def fallback_decode(data: bytes) -> str:
    """Decode bytes of unknown charset: UTF-8 if valid, else windows-1252."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def decode(data: bytes, charset: str | None) -> str:
    """Decode `data` as `charset` with replacement characters; never raises."""
    name = (charset or "").strip().strip('"').lower()
    if name in _UNKNOWN:
        return fallback_decode(data)
    name = _ALIASES.get(name, name)
    try:
        codecs.lookup(name)
        # bytes.decode refuses non-text codecs (zlib, base64) with LookupError.
        return data.decode(name, "replace")
    except (LookupError, UnicodeError, ValueError, TypeError):
        return fallback_decode(data)


def header_bytes_to_str(data: bytes) -> str:
    """Raw (un-encoded) header octets to str: UTF-8 (RFC 6532) else cp1252."""
    if data.isascii():
        return data.decode("ascii")
    return fallback_decode(data)
