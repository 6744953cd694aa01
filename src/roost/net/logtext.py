"""Client-supplied text in log lines: escaped and truncated.

A user name, a mechanism name or a command comes from the client. Written
as is, a newline in it forges a second log line ("login: admin ...") and a
200 MB name writes 200 MB of log. `clean` makes any such text one short
printable run of ASCII: controls, backslashes and non-ASCII are escaped
the way Python escapes them (`\\x0a`, `\\x00`, `\\u2028`), and what is
left beyond `limit` characters is replaced by a count.
"""

from __future__ import annotations

#: Characters of client text kept in a log line.
LOG_LIMIT = 128


def clean(text: str | bytes, limit: int = LOG_LIMIT) -> str:
    """`text` as one printable ASCII token of at most about `limit` characters."""
    if isinstance(text, bytes):
        total = len(text)
        head = text[: limit + 1].decode("latin-1")
    else:
        total = len(text)
        head = text[: limit + 1]
    escaped = head.replace("\\", "\\\\").encode("ascii", "backslashreplace").decode("ascii")
    escaped = "".join(ch if 0x20 <= ord(ch) < 0x7F else f"\\x{ord(ch):02x}" for ch in escaped)
    if total > limit or len(escaped) > limit:
        return escaped[:limit] + f"...({total} chars)"
    return escaped
