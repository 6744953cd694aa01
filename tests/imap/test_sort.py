"""Transcripts: SORT / UID SORT (RFC 5256 §3), ESORT (RFC 5267 §3) and the
DISPLAY keys (RFC 5957 §3)."""

import pytest
from tests.harness.imap import ImapTranscript, RunningImap
from tests.imap.sortcorpus import arrival, fill, message

#: UID: subject / from / to / cc / date / size differ so that each key
#: gives its own order.
CORPUS = [
    (message("Re: banana", frm="Zed <zed@example.org>", to="bob@example.com",
             date="Tue, 2 Jan 2024 10:00:00 +0000"), arrival(5)),
    (message("apple", frm='"Anne" <y@example.org>', to="Carl <carl@example.com>",
             cc="x@example.com", date="Tue, 2 Jan 2024 09:00:00 -0200"), arrival(4)),
    (message("[list] Banana (fwd)", frm="alice@example.org",
             date="Mon, 1 Jan 2024 23:00:00 +0000", body="x" * 500), arrival(3)),
    (message(None, frm="=?UTF-8?Q?=C3=89mile?= <emile@example.org>", to="ann@example.com",
             cc="a@example.com", date="not a date"), arrival(1)),
    (message("Fwd: Apple", to="", date="Wed, 3 Jan 2024 08:00:00 +0100"), arrival(2)),
]


@pytest.fixture
async def box(imap: ImapTranscript, imap_server: RunningImap) -> ImapTranscript:
    await fill(imap, imap_server, "Sorted", CORPUS)
    return imap


async def test_capabilities_advertised(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CAPABILITY
        S: * CAPABILITY {…} SORT SORT=DISPLAY ESORT CONTEXT=SEARCH CONTEXT=SORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES {…}
        S: a1 OK {…}
    """)


async def test_each_key(box: ImapTranscript) -> None:
    # SUBJECT: "" (4), apple (2, 5: tie by sequence), banana (1, 3).
    # DATE: 4 has no usable Date: so its INTERNALDATE (1 Jan 12:00) counts;
    # 2 is 11:00 UTC, 1 10:00 UTC, 3 1 Jan 23:00, 5 3 Jan 07:00 UTC.
    # FROM: "" (5), alice, emile, y, zed. TO: "" (3, 5), ann, bob, carl.
    # CC: "" (1, 3, 5), a, x. SIZE: 3 has the long body.
    await box.play(r"""
        C: a1 SORT (SUBJECT) UTF-8 ALL
        S: * SORT 4 2 5 1 3
        S: a1 OK {…}
        C: a2 SORT (DATE) UTF-8 ALL
        S: * SORT 4 3 1 2 5
        S: a2 OK {…}
        C: a3 SORT (ARRIVAL) US-ASCII ALL
        S: * SORT 4 5 3 2 1
        S: a3 OK {…}
        C: a4 SORT (FROM) UTF-8 ALL
        S: * SORT 5 3 4 2 1
        S: a4 OK {…}
        C: a5 SORT (TO) UTF-8 ALL
        S: * SORT 3 5 4 1 2
        S: a5 OK {…}
        C: a6 SORT (CC) UTF-8 ALL
        S: * SORT 1 3 5 4 2
        S: a6 OK {…}
        C: a7 SORT (REVERSE SIZE) UTF-8 ALL
        S: * SORT 3 {…}
        S: a7 OK {…}
    """)


async def test_display_keys(box: ImapTranscript) -> None:
    # DISPLAYFROM: "" (5), alice@example.org, Anne, Émile, Zed.
    # DISPLAYTO: "" (3, 5), ann@example.com, bob@example.com, Carl.
    await box.play(r"""
        C: a1 SORT (DISPLAYFROM) UTF-8 ALL
        S: * SORT 5 3 2 4 1
        S: a1 OK {…}
        C: a2 SORT (DISPLAYTO) UTF-8 ALL
        S: * SORT 3 5 4 1 2
        S: a2 OK {…}
    """)


async def test_reverse_keeps_sequence_tie_break(box: ImapTranscript) -> None:
    # RFC 5256 §3: REVERSE SUBJECT is not SUBJECT reversed; ties stay 2 5, 1 3.
    await box.play(r"""
        C: a1 SORT (REVERSE SUBJECT) UTF-8 ALL
        S: * SORT 1 3 2 5 4
        S: a1 OK {…}
        C: a2 SORT (SUBJECT REVERSE DATE) UTF-8 ALL
        S: * SORT 4 5 2 1 3
        S: a2 OK {…}
    """)


async def test_search_part_and_uid_sort(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 STORE 2,3 +FLAGS (\Deleted)
        S: * 2 FETCH {…}
        S: * 3 FETCH {…}
        S: a1 OK {…}
        C: a2 EXPUNGE
        S: * 3 EXPUNGE
        S: * 2 EXPUNGE
        S: a2 OK {…}
        C: a3 SORT (SUBJECT) UTF-8 UNDELETED
        S: * SORT 2 3 1
        S: a3 OK {…}
        C: a4 UID SORT (SUBJECT) UTF-8 ALL
        S: * SORT 4 5 1
        S: a4 OK {…}
        C: a5 SORT (SUBJECT) US-ASCII TEXT "not in mailbox"
        S: * SORT
        S: a5 OK {…}
        C: a6 UID SORT (DATE) UTF-8 FROM "=" UID 1:4
        S: * SORT
        S: a6 OK {…}
    """)


async def test_esort_return_options(box: ImapTranscript) -> None:
    # RFC 5267 §3.1: MIN and MAX by sort order; ALL in sort order, ranges
    # only where numbers rise (§3.2).
    await box.play(r"""
        C: a1 SORT RETURN (MIN MAX COUNT) (SUBJECT) UTF-8 ALL
        S: * ESEARCH (TAG "a1") MIN 4 MAX 3 COUNT 5
        S: a1 OK {…}
        C: a2 UID SORT RETURN () (REVERSE ARRIVAL) UTF-8 ALL
        S: * ESEARCH (TAG "a2") UID ALL 1:3,5,4
        S: a2 OK {…}
        C: a3 SORT RETURN (ALL) (ARRIVAL) UTF-8 ALL
        S: * ESEARCH (TAG "a3") ALL 4:5,3,2,1
        S: a3 OK {…}
        C: a4 SORT RETURN (COUNT MIN) (ARRIVAL) UTF-8 SUBJECT nothing
        S: * ESEARCH (TAG "a4") COUNT 0
        S: a4 OK {…}
        C: a5 SORT RETURN (ALL) (SIZE) UTF-8 1:2,4:5
        S: * ESEARCH (TAG "a5") ALL {…}
        S: a5 OK {…}
    """)


async def test_unknown_charset_is_badcharset(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 SORT (SUBJECT) X-NOPE ALL
        S: a1 NO [BADCHARSET {…}] {…}
        C: a2 SORT (SUBJECT) ISO-8859-1 SUBJECT "apple"
        S: * SORT 2 5
        S: a2 OK {…}
    """)


@pytest.mark.parametrize("command", [
    "SORT", "SORT ()", "SORT () UTF-8 ALL", "SORT (SUBJECT)", "SORT (SUBJECT) UTF-8",
    "SORT (NOSUCH) UTF-8 ALL", "SORT (REVERSE) UTF-8 ALL", "SORT (REVERSE REVERSE DATE) UTF-8 ALL",
    "SORT SUBJECT UTF-8 ALL", "SORT (SUBJECT UTF-8 ALL", "SORT RETURN (SAVE) (DATE) UTF-8 ALL",
    "SORT RETURN (ALL) UTF-8 ALL", "SORT (DATE) UTF-8 NOSUCHKEY", "SORT (DATE)  UTF-8 ALL",
])
async def test_malformed_sort_is_bad_and_session_goes_on(box: ImapTranscript, command: str) -> None:
    await box.play(f"""
        C: b1 {command}
        S: b1 BAD {{…}}
        C: b2 SORT (ARRIVAL) UTF-8 ALL
        S: * SORT 4 5 3 2 1
        S: b2 OK {{…}}
    """)


async def test_sort_needs_a_selected_mailbox(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 SORT (DATE) UTF-8 ALL
        S: a1 BAD {…}
    """)


async def test_modseq_key_reports_the_highest_modseq(box: ImapTranscript) -> None:
    # RFC 7162 §3.1.5: SORT with MODSEQ ends with "(MODSEQ n)"; ESORT as ESEARCH.
    lines = await box.play(r"""
        C: a1 STORE 2 +FLAGS.SILENT (\Flagged)
        S: a1 OK {…}
        C: a2 SORT (SUBJECT) UTF-8 MODSEQ 1
        S: * SORT 4 2 5 1 3 (MODSEQ {…})
        S: a2 OK {…}
        C: a3 SORT RETURN (COUNT) (SUBJECT) UTF-8 MODSEQ 1
        S: * ESEARCH (TAG "a3") COUNT 5 MODSEQ {…}
        S: a3 OK {…}
    """)
    assert lines[1].split("MODSEQ ")[1].rstrip(")") == lines[3].split("MODSEQ ")[1]
