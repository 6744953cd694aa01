"""Bytes from the client -> command lines and article bodies. No sockets.

NNTP frames exactly as LMTP does (RFC 3977 §3.1.1 multi-line blocks use
RFC 5321 §4.5.2's dot-stuffing and `.` terminator), so the framer is the
one `roost.lmtp.wire.Wire`, with NNTP's line bound: RFC 3977 §3.1, a
command line is at most 512 octets with its CRLF; a longer one is dropped
up to its end and answered 501, and the framer is in step for the next.

After a POST or IHAVE the server has answered 340/335 to, it calls
`start_body(max_size)`: bytes past `max_size` are counted and dropped as
they arrive (never buffered), and once the terminating `.` line is in,
the wire yields `Body` or `BodyTooBig`, then reads commands again.
"""

from __future__ import annotations

from roost.lmtp.wire import Body, BodyTooBig, Line, NeedMore, TooLong, Wire

#: RFC 3977 §3.1: 512 octets including the CRLF (the framer's bound is
#: the line without its LF).
MAX_COMMAND_LINE = 511


def nntp_wire() -> Wire:
    return Wire(max_line=MAX_COMMAND_LINE)


__all__ = ["Body", "BodyTooBig", "Line", "NeedMore", "TooLong", "Wire", "nntp_wire"]
