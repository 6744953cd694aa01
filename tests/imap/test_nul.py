"""Transcripts: NUL octets at the edges (RFC 9051 §4.3.1, RFC 3516 §4.2-4.4).

APPEND of a message holding NUL is refused unless sent as a literal8
`~{n}` (NO, as Cyrus answers); a message that holds NUL anyway (delivered
over LMTP, or appended as a literal8) is never sent with NUL inside a `{n}`
literal: as Dovecot does, each NUL goes out as 0x80 (the client here shows
that octet as U+FFFD), while BINARY[...] sends the stored octets in a
literal8.
"""

from __future__ import annotations

import asyncio
import smtplib

from tests.harness.imap import ImapTranscript, RunningImap
from tests.harness.site import Site

from roost.imap.handlers.fetch_items import literal
from roost.lmtp import LmtpService
from roost.net.tls import server_context

WITH_NUL = b"Subject: a\x00b\r\n\r\nc\x00d\r\n"  # 21 octets, NUL in header and body


def test_literal_never_holds_nul() -> None:
    assert literal(b"c\x00d") == b"{3}\r\nc\x80d"
    assert literal(b"c\x00d", binary=True) == b"~{3}\r\nc\x00d"
    assert literal(b"cd", binary=True) == b"{2}\r\ncd"


async def test_append_with_nul_needs_a_literal8(imap: ImapTranscript) -> None:
    await imap.play("""
        C: a1 APPEND INBOX {21}
        S: + {…}
        C: Subject: a\x00b
        C: 
        C: c\x00d
        C: 
        S: a1 NO Message contains NUL characters{…}
        C: a2 NOOP
        S: a2 OK {…}
        C: a3 APPEND INBOX ~{21}
        S: + {…}
        C: Subject: a\x00b
        C: 
        C: c\x00d
        C: 
        S: a3 OK [APPENDUID {…} 3] {…}
    """)
    await imap.select("INBOX")
    await imap.play("""
        C: a5 FETCH 3 (RFC822.SIZE BINARY.PEEK[] BODY.PEEK[TEXT])
        S: * 3 FETCH (RFC822.SIZE 21 BINARY[] ~{21}
        S: Subject: a\x00b
        S: 
        S: c\x00d
        S:  BODY[TEXT] {5}
        S: c\ufffdd
        S: )
        S: a5 OK {…}
    """)


async def test_delivered_nul_goes_out_as_0x80(imap: ImapTranscript, imap_server: RunningImap,
                                              site: Site) -> None:
    service = LmtpService(site.conf, imap_server.ctx.store, server_context(site.conf))
    server = await service.start_tcp("127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]

    def deliver() -> None:
        with smtplib.LMTP("127.0.0.1", port) as lmtp:
            lmtp.sendmail("x@example.com", ["bob"], WITH_NUL)

    try:
        await asyncio.to_thread(deliver)
    finally:
        await service.close()
    await imap.select("INBOX")
    await imap.play("""
        C: a1 FETCH 3 (BODY.PEEK[TEXT] BODY.PEEK[HEADER.FIELDS (Subject)])
        S: * 3 FETCH (BODY[TEXT] {5}
        S: c\ufffdd
        S:  BODY[HEADER.FIELDS (Subject)] {16}
        S: Subject: a\ufffdb
        S: 
        S: )
        S: a1 OK {…}
        C: a2 FETCH 3 BINARY.PEEK[1]
        S: * 3 FETCH (BINARY[1] ~{5}
        S: c\x00d
        S: )
        S: a2 OK {…}
    """)
