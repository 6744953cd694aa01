"""Transcripts: THREAD / UID THREAD (RFC 5256 §3 ORDEREDSUBJECT and
REFERENCES, §4 thread-data)."""

import pytest
from tests.harness.imap import ImapTranscript, RunningImap
from tests.imap.sortcorpus import arrival, fill, message


def _msg(n: int, subject: str, mid: str | None, **refs: str) -> tuple[bytes, object]:
    date = f"Mon, 1 Jan 2024 {n:02d}:00:00 +0000"
    return message(subject, frm="x@example.org", date=date, message_id=mid, **refs), arrival(9)


# Sequence numbers in the comments; sent at n:00 for message n.
CORPUS = [
    _msg(1, "Plan", "<a@x>"),
    _msg(2, "Re: Plan", "<b@x>", references="<a@x>"),
    _msg(3, "re: PLAN", "<c@x>", references="<a@x>\r\n <b@x>"),
    _msg(4, "Re: Plan", "<d@x>", in_reply_to="<a@x> (John's message of today)"),
    _msg(5, "Lost", "<e@x>", references="<gone@x>"),  # a dummy parent
    _msg(6, "Re: Lost", "<f@x>", references="<gone@x>"),
    _msg(7, "Solo", None),  # no Message-ID
    _msg(8, "Re: Solo", "<h@x>"),  # a reply by subject only: merged under 7
    _msg(9, "Other", "<a@x>"),  # a duplicate id: gets a unique one
    _msg(10, "Other", "<j@x>"),  # same subject, neither a reply: a dummy over both
    _msg(11, "Loop", "<k@x>", references="<l@x>"),
    _msg(12, "Loop", "<l@x>", references="<k@x>"),  # would close a loop
    _msg(13, "Quoted", '<"m.q"@x>'),
    _msg(14, "Re: Quoted", "<n@x>", in_reply_to="<m.q@x>"),  # quoting normalized
    _msg(15, "Deep", "<o@x>", references="<p1@x> <p2@x>"),  # nested dummies pruned
]


@pytest.fixture
async def box(imap: ImapTranscript, imap_server: RunningImap) -> ImapTranscript:
    await fill(imap, imap_server, "Threads", CORPUS)  # type: ignore[arg-type]
    return imap


async def test_references(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 THREAD REFERENCES UTF-8 ALL
        S: * THREAD (1 (2 3)(4))((5)(6))(7 8)((9)(10))(12 11)(13 14)(15)
        S: a1 OK {…}
    """)


async def test_ordered_subject(box: ImapTranscript) -> None:
    # RFC 5256 §3: one root per base subject, the rest its children, no
    # grandchildren; threads by the sent date of their first message.
    await box.play(r"""
        C: a1 THREAD ORDEREDSUBJECT UTF-8 ALL
        S: * THREAD (1 (2)(3)(4))(5 6)(7 8)(9 10)(11 12)(13 14)(15)
        S: a1 OK {…}
    """)


async def test_search_part_dummies_and_uid_thread(box: ImapTranscript) -> None:
    # Without message 1, its replies hang from a dummy: ((2 3)(4)).
    await box.play(r"""
        C: a1 THREAD REFERENCES UTF-8 2:4
        S: * THREAD ((2 3)(4))
        S: a1 OK {…}
        C: a2 STORE 1 +FLAGS.SILENT (\Deleted)
        S: a2 OK {…}
        C: a3 EXPUNGE
        S: * 1 EXPUNGE
        S: a3 OK {…}
        C: a4 UID THREAD REFERENCES UTF-8 UID 2:6
        S: * THREAD ((2 3)(4))((5)(6))
        S: a4 OK {…}
        C: a5 THREAD REFERENCES UTF-8 1:5
        S: * THREAD ((1 2)(3))((4)(5))
        S: a5 OK {…}
        C: a6 THREAD ORDEREDSUBJECT US-ASCII TEXT "gewp"
        S: * THREAD
        S: a6 OK {…}
    """)


@pytest.mark.parametrize("command", [
    "THREAD", "THREAD REFERENCES", "THREAD REFERENCES UTF-8", "THREAD NOSUCH UTF-8 ALL",
    "THREAD (REFERENCES) UTF-8 ALL", "THREAD REFERENCES UTF-8 NOSUCHKEY",
    "UID THREAD ORDEREDSUBJECT UTF-8 (ALL", "THREAD REFERENCES  UTF-8 ALL",
])
async def test_malformed_thread_is_bad_and_session_goes_on(box: ImapTranscript,
                                                           command: str) -> None:
    await box.play(f"""
        C: b1 {command}
        S: b1 BAD {{…}}
        C: b2 THREAD ORDEREDSUBJECT UTF-8 1:2
        S: * THREAD (1 2)
        S: b2 OK {{…}}
    """)


async def test_unknown_charset(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 THREAD REFERENCES X-NOPE ALL
        S: a1 NO [BADCHARSET {…}] {…}
    """)
