"""THREADID (RFC 8474 §5.2): one id for the messages of a thread, from the
root their References name; kept by COPY and MOVE, the same in every
mailbox; SEARCH THREADID finds the thread."""

from __future__ import annotations

import re

from tests.harness.imap import ImapTranscript

ROOT = b"Message-ID: <root@example.com>\r\nSubject: trip\r\n\r\nroot\r\n"
REPLY = (b"Message-ID: <r1@example.com>\r\nIn-Reply-To: <root@example.com>\r\n"
         b"References: <root@example.com>\r\nSubject: Re: trip\r\n\r\nreply\r\n")
DEEP = (b"Message-ID: <r2@example.com>\r\nIn-Reply-To: <r1@example.com>\r\n"
        b"References: <root@example.com> <r1@example.com>\r\nSubject: Re: trip\r\n\r\nmore\r\n")
ONLY_IRT = b"Message-ID: <r3@example.com>\r\nIn-Reply-To: <root@example.com>\r\n\r\nx\r\n"
NO_IDS = b"Subject: alone\r\n\r\nnothing to thread by\r\n"


async def _append(imap: ImapTranscript, box: str, raw: bytes) -> None:
    await imap.send(b"t APPEND %s {%d+}\r\n%s\r\n" % (box.encode(), len(raw), raw))
    await imap.expect("t OK {…}")


async def _threadids(imap: ImapTranscript, seqs: str) -> list[str]:
    lines = await imap.command(f"FETCH {seqs} THREADID")
    return [m.group(1) for line in lines if (m := re.search(r"THREADID \((T[0-9a-f]+)\)", line))]


async def test_a_thread_shares_one_id(imap: ImapTranscript) -> None:
    await imap.command("CREATE Sent")
    for raw in (ROOT, REPLY, ONLY_IRT, NO_IDS):
        await _append(imap, "INBOX", raw)
    await _append(imap, "Sent", DEEP)
    await imap.select("INBOX")
    ids = await _threadids(imap, "3:6")
    assert len(ids) == 4 and ids[0] == ids[1] == ids[2], ids  # root, reply, In-Reply-To only
    assert ids[3] != ids[0]  # no ids at all: a thread of its own
    samples = await _threadids(imap, "1:2")
    assert samples[0] != samples[1] != ids[0]  # other Message-IDs, other threads
    await imap.play(rf"""
        C: a1 SEARCH THREADID {ids[0]}
        S: * SEARCH 3 4 5
        S: a1 OK {{…}}
        C: a2 UID SEARCH NOT THREADID {ids[0]}
        S: * SEARCH 1 2 6
        S: a2 OK {{…}}
        C: a3 COPY 3 Sent
        S: a3 OK {{…}}
    """)
    await imap.select("Sent")
    assert await _threadids(imap, "1:2") == [ids[0], ids[0]]  # DEEP, and the copy


async def test_rfc8474_example(imap: ImapTranscript) -> None:
    """RFC 8474 §5.2's example: Message A and its reply share a THREADID,
    Message C has its own; MOVE keeps both ids."""
    await imap.command("CREATE Box")
    await imap.command("CREATE foo")
    for raw in (b"Subject: Message A\r\nMessage-ID: <fake.1521475657.54797@example.com>\r\n\r\nA",
                (b"Subject: Re: Message A\r\nMessage-ID: <fake.1521475657.21213@example.org>\r\n"
                 b"References: <fake.1521475657.54797@example.com>\r\n\r\nB"),
                b"Subject: Message C\r\nMessage-ID: <fake.1521475657.60280@example.com>\r\n\r\nC"):
        await _append(imap, "Box", raw)
    await imap.select("Box")
    lines = await imap.command("FETCH 1:* (EMAILID THREADID)")
    pairs = [re.fullmatch(r"\* \d FETCH \(EMAILID \((E\w+)\) THREADID \((T\w+)\)\)", line)
             for line in lines[:3]]
    assert all(pairs), lines
    (e1, t1), (e2, t2), (e3, t3) = (m.groups() for m in pairs if m)
    assert t1 == t2 != t3 and len({e1, e2, e3}) == 3
    await imap.play(rf"""
        C: 23 MOVE 2 foo
        S: * OK [COPYUID {{…}} 2 1] {{…}}
        S: * 2 EXPUNGE
        S: 23 OK {{…}}
        C: 24 FETCH 1:* (EMAILID THREADID)
        S: * 1 FETCH (EMAILID ({e1}) THREADID ({t1}))
        S: * 2 FETCH (EMAILID ({e3}) THREADID ({t3}))
        S: 24 OK {{…}}
    """)
    await imap.select("foo")
    await imap.play(rf"""
        C: 26 FETCH 1:* (EMAILID THREADID)
        S: * 1 FETCH (EMAILID ({e2}) THREADID ({t1}))
        S: 26 OK {{…}}
    """)
