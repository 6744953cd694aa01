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
from datetime import datetime


def trace_headers(*, sender: str, lhlo_host: str, peer_ip: str | None,
                  servername: str, tls: bool, message_id: str,
                  recipients: list[str], now: datetime | None = None) -> bytes:
    """Return-Path and Received, folded, CRLF-terminated."""
    stamp = email.utils.format_datetime(now or datetime.now().astimezone())
    clauses = [f"from {lhlo_host}" + (f" ([{peer_ip}])" if peer_ip else ""),
               f"by {servername} (Roost)",
               f"with {'LMTPS' if tls else 'LMTP'} id {message_id}"]
    if len(recipients) == 1:
        clauses.append(f"for <{recipients[0]}>")
    received = "\r\n\t".join(clauses) + f"; {stamp}"
    return (f"Return-Path: <{sender}>\r\n"
            f"Received: {received}\r\n").encode("ascii", "replace")
