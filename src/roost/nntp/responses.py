"""Replies -> bytes: status lines and dot-stuffed multi-line blocks.

RFC 3977 §3.2: a reply is a three-digit code and text on one line;
§3.1.1: a multi-line block follows it, each line starting with `.` gets
another `.`, and a line holding only `.` ends it. Article text is sent
as it is stored, a chunk at a time (`Stuffer`), never joined whole.
"""

from __future__ import annotations

from collections.abc import Iterable

TERMINATOR = b".\r\n"


def status(code: int, text: str) -> bytes:
    """One status line; the text is client-safe (no CR or LF)."""
    clean = text.replace("\r", " ").replace("\n", " ")
    return f"{code} {clean}\r\n".encode("utf-8", "replace")


def block(code: int, text: str, lines: Iterable[bytes | str]) -> bytes:
    """A status line, the dot-stuffed lines, the terminator."""
    out = [status(code, text)]
    for item in lines:
        data = item.encode("utf-8", "replace") if isinstance(item, str) else item
        out.append(b"." + data + b"\r\n" if data.startswith(b".") else data + b"\r\n")
    out.append(TERMINATOR)
    return b"".join(out)


class Stuffer:
    """Dot-stuffs stored text chunk by chunk (a line may span chunks) and
    ends it with a line end if it had none, then the terminator."""

    def __init__(self) -> None:
        self._line_start = True

    def chunk(self, data: bytes) -> bytes:
        if not data:
            return data
        stuffed = data.replace(b"\n.", b"\n..")
        if self._line_start and data.startswith(b"."):
            stuffed = b"." + stuffed
        self._line_start = data.endswith(b"\n")
        return stuffed

    def end(self) -> bytes:
        return TERMINATOR if self._line_start else b"\r\n" + TERMINATOR
