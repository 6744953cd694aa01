"""Reply values -> bytes: status lines and byte-stuffed message text. No I/O.

RFC 1939 §3: a multi-line response ends with "." CRLF, and every line of
it that begins with "." gets one more in front (byte-stuffing). The
message is sent as stored, as Cyrus's pop3d (`blat`) sends its message
files: the octet counts of LIST and STAT are the stored sizes, which are
of the CRLF form for everything LMTP delivered and every APPEND that
followed RFC 9051's CRLF rule; a message not ending in a line ending gets
a CRLF before the terminator.
"""

from __future__ import annotations


def err(code: str | None, text: str) -> bytes:
    """`-ERR [CODE] text` (RFC 2449 §8: the code in brackets first)."""
    prefix = f"[{code}] " if code else ""
    line = " ".join(text.splitlines())  # one line, whatever the text held
    return f"-ERR {prefix}{line}\r\n".encode("utf-8", "replace")


class Stuffer:
    """Byte-stuffs a message handed over in chunks of any size.

    Whether a chunk begins at the start of a line depends on the chunk
    before, so the stuffer carries that one bit across chunks.
    """

    def __init__(self) -> None:
        self.at_line_start = True

    def chunk(self, data: bytes) -> bytes:
        if not data:
            return data
        stuffed = data.replace(b"\n.", b"\n..")
        if self.at_line_start and data[:1] == b".":
            stuffed = b"." + stuffed
        self.at_line_start = data.endswith(b"\n")
        return stuffed

    def end(self) -> bytes:
        """The terminator: CRLF first if the message did not end a line."""
        return b".\r\n" if self.at_line_start else b"\r\n.\r\n"


class TopCutter:
    """Cuts a message after its header and `lines` body lines (RFC 1939 §7 TOP).

    As Cyrus's pop3d counts them: the header ends at the first empty line
    (sent too), then each line ending is one body line. Chunks may split
    lines anywhere; `done` is set once nothing more is wanted.
    """

    def __init__(self, lines: int) -> None:
        self.left = lines
        self.in_header = True
        self.head = b""  # the current line so far, at most 2 octets kept
        self.mid_line = False
        self.done = False

    def _satisfied(self) -> bool:
        return not self.mid_line and not self.in_header and self.left <= 0

    def take(self, data: bytes) -> bytes:
        """The part of `data` to send."""
        pos = 0
        while pos < len(data):
            if self._satisfied():
                self.done = True
                return data[:pos]
            end = data.find(b"\n", pos)
            if end < 0:
                self.head = (self.head + data[pos:pos + 2])[:2]
                self.mid_line = True
                return data
            line_start = (self.head + data[pos:end + 1])[:3]
            if self.in_header:
                self.in_header = line_start not in (b"\r\n", b"\n")
            else:
                self.left -= 1
            self.head, self.mid_line = b"", False
            pos = end + 1
        self.done = self._satisfied()
        return data
