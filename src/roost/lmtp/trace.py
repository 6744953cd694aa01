"""The trace fields a final delivery prepends: Return-Path and Received.

RFC 5321 §4.4: the delivering server inserts `Return-Path: <reverse-path>`
at the top, and every server a message passes adds a `Received:` line:
`from <LHLO name> ([ip]) by <servername> (Roost) with <protocol> id <id>
[for <rcpt>]; <date>`. The protocol is `LMTP` or `LMTPS` over TLS
(RFC 3848 §1). One body serves every recipient, so `for` is written only
when there is a single recipient.
"""

from __future__ import annotations

import email.utils
import time
from datetime import datetime


def trace_headers(*, sender: str, lhlo_host: str, peer_ip: str | None,
                  servername: str, tls: bool, message_id: str,
                  recipients: list[str], now: datetime | None = None) -> bytes:
    """Return-Path and Received, folded, CRLF-terminated."""
    stamp = email.utils.format_datetime(now) if now is not None else _stamps.now()
    clauses = [f"from {lhlo_host}" + (f" ([{peer_ip}])" if peer_ip else ""),
               f"by {servername} (Roost)",
               f"with {'LMTPS' if tls else 'LMTP'} id {message_id}"]
    if len(recipients) == 1:
        clauses.append(f"for <{recipients[0]}>")
    received = "\r\n\t".join(clauses) + f"; {stamp}"
    return (f"Return-Path: <{sender}>\r\n"
            f"Received: {received}\r\n").encode("ascii", "replace")


class _SecondStamps:
    """The RFC 5322 §3.3 date of the current second, local time, made once a
    second: every delivery writes one, and formatting it is most of the cost
    of the trace fields."""

    def __init__(self) -> None:
        self._second = -1
        self._stamp = ""

    def now(self) -> str:
        second = int(time.time())
        if second != self._second:
            when = datetime.fromtimestamp(second).astimezone()
            self._second, self._stamp = second, email.utils.format_datetime(when)
        return self._stamp


_stamps = _SecondStamps()
