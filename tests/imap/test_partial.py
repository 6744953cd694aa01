"""PARTIAL (RFC 9394): SEARCH / UID SEARCH RETURN (PARTIAL range) with
ESEARCH, and UID FETCH ... (PARTIAL range): one page of the results,
counted from the oldest (`1:500`) or the newest (`-1:-100`)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import Site

from roost.imap import commands as c
from roost.imap.parse import Bad, parse_command
from roost.imap.partial import PartialRange
from roost.imap.wire import Line


@pytest.fixture
async def server(site: Site) -> AsyncIterator[RunningImap]:
    async with running_imap(site, messages=30) as running:
        yield running


@pytest.fixture
async def box(server: RunningImap) -> AsyncIterator[ImapTranscript]:
    """INBOX of 30 messages with UIDs 5:7 expunged: 27 left, UIDs 1:4,8:30
    (message numbers 1:27); UID 30 has the keyword $Junk."""
    client = await connect(server)
    await client.select("INBOX")
    await client.command(r"UID STORE 5:7 +FLAGS.SILENT (\Deleted)")
    await client.command("EXPUNGE")
    await client.command("UID STORE 30 +FLAGS.SILENT ($Junk)")
    yield client
    await client.close()


async def test_rfc9394_paging_from_the_oldest(box: ImapTranscript) -> None:
    """§3.1: the first page, the last (short) page, and a page past the end."""
    await box.play("""
        C: A01 UID SEARCH RETURN (PARTIAL 1:10) UNDELETED
        S: * ESEARCH (TAG "A01") UID PARTIAL (1:10 1:4,8:13)
        S: A01 OK {…}
        C: A02 UID SEARCH RETURN (PARTIAL 21:40) UNDELETED
        S: * ESEARCH (TAG "A02") UID PARTIAL (21:40 24:30)
        S: A02 OK {…}
        C: A03 UID SEARCH RETURN (PARTIAL 100:200) UNDELETED
        S: * ESEARCH (TAG "A03") UID PARTIAL (100:200 NIL)
        S: A03 OK {…}
    """)


async def test_rfc9394_paging_from_the_newest(box: ImapTranscript) -> None:
    """§3.1's example: the newest 100 (here 5) not deleted, not junk."""
    await box.play("""
        C: A04 UID SEARCH RETURN (PARTIAL -1:-5) UNDELETED UNKEYWORD $Junk
        S: * ESEARCH (TAG "A04") UID PARTIAL (-1:-5 25:29)
        S: A04 OK {…}
        C: A05 UID SEARCH RETURN (PARTIAL -26:-40) UNDELETED
        S: * ESEARCH (TAG "A05") UID PARTIAL (-26:-40 1:2)
        S: A05 OK {…}
    """)


async def test_message_numbers_counts_and_reversed_range(box: ImapTranscript) -> None:
    """SEARCH gives message numbers; MIN, MAX and COUNT stay of every match;
    500:400 is 400:500 (§3.1)."""
    await box.play("""
        C: b1 SEARCH RETURN (MIN COUNT PARTIAL 3:1) UNDELETED
        S: * ESEARCH (TAG "b1") MIN 1 COUNT 27 PARTIAL (1:3 1:3)
        S: b1 OK {…}
        C: b2 SEARCH RETURN (MAX PARTIAL -2:-1) UID 20:*
        S: * ESEARCH (TAG "b2") MAX 27 PARTIAL (-1:-2 26:27)
        S: b2 OK {…}
        C: b3 SEARCH RETURN (PARTIAL 1:5) KEYWORD $NoSuch
        S: * ESEARCH (TAG "b3") PARTIAL (1:5 NIL)
        S: b3 OK {…}
    """)


async def test_save_keeps_the_page(box: ImapTranscript) -> None:
    """SEARCHRES: with PARTIAL the page is what `$` holds (RFC 9394 §3.2)."""
    await box.play("""
        C: c1 UID SEARCH RETURN (SAVE PARTIAL -1:-2) ALL
        S: * ESEARCH (TAG "c1") UID PARTIAL (-1:-2 29:30)
        S: c1 OK {…}
        C: c2 UID FETCH $ (FLAGS)
        S: * 26 FETCH (UID 29 FLAGS ({…}))
        S: * 27 FETCH (UID 30 FLAGS ({…}))
        S: c2 OK {…}
    """)


async def test_rfc9394_uid_fetch_partial(box: ImapTranscript) -> None:
    """§3.3's example: the newest 3 of a UID range; then the oldest 2 of
    those changed since a modseq (CHANGEDSINCE first, then the page)."""
    await box.play(r"""
        C: 10 UID FETCH 2:29 (UID FLAGS) (PARTIAL -1:-3)
        S: * 24 FETCH (UID 27 FLAGS ({…}))
        S: * 25 FETCH (UID 28 FLAGS ({…}))
        S: * 26 FETCH (UID 29 FLAGS ({…}))
        S: 10 OK {…}
    """)
    status = await box.command("STATUS INBOX (HIGHESTMODSEQ)")
    modseq = int(re.findall(r"HIGHESTMODSEQ (\d+)", " ".join(status))[-1])
    await box.play(rf"""
        C: 11 UID STORE 10,12,14 +FLAGS.SILENT (\Flagged)
        S: * {{…}} FETCH {{…}}
        S: * {{…}} FETCH {{…}}
        S: * {{…}} FETCH {{…}}
        S: 11 OK {{…}}
        C: 12 UID FETCH 1:* (FLAGS) (CHANGEDSINCE {modseq} PARTIAL 1:2)
        S: * 7 FETCH (UID 10 FLAGS ({{…}}) MODSEQ ({{…}}))
        S: * 9 FETCH (UID 12 FLAGS ({{…}}) MODSEQ ({{…}}))
        S: 12 OK {{…}}
        C: 13 UID FETCH 1:* (UID) (PARTIAL 50:60)
        S: 13 OK {{…}}
    """)


@pytest.mark.parametrize("command", [
    "SEARCH RETURN (PARTIAL 1:5 ALL) ALL",        # §3.1: one PARTIAL or ALL
    "SEARCH RETURN (PARTIAL 1:5 PARTIAL 6:9) ALL",
    "SEARCH RETURN (PARTIAL) ALL",
    "SEARCH RETURN (PARTIAL 0:5) ALL",            # §4: nz-number
    "SEARCH RETURN (PARTIAL -1:5) ALL",           # same sign
    "SEARCH RETURN (PARTIAL 1:*) ALL",            # no "*"
    "SEARCH RETURN (PARTIAL 5) ALL",
    "FETCH 1:* (FLAGS) (PARTIAL 1:5)",            # §3.3: UID FETCH
    "UID FETCH 1:* (FLAGS) (PARTIAL 1:5 PARTIAL 1:5)",
    "ESEARCH IN (personal) RETURN (PARTIAL 1:5) ALL",
])
def test_malformed_partial_is_bad(command: str) -> None:
    with pytest.raises(Bad):
        parse_command(Line((b"a " + command.encode(),), ()))


async def test_bad_partial_leaves_session_usable(box: ImapTranscript) -> None:
    await box.play("""
        C: d1 UID SEARCH RETURN (ALL PARTIAL 1:2) ALL
        S: d1 BAD {…}
        C: d2 UID SEARCH RETURN (PARTIAL 1:2) ALL
        S: * ESEARCH (TAG "d2") UID PARTIAL (1:2 1:2)
        S: d2 OK {…}
    """)


def test_parsed_ranges() -> None:
    cmd = parse_command(Line((b"a UID SEARCH RETURN (partial -100:-1 count) ALL",), ()))
    assert isinstance(cmd, c.Search)
    assert cmd.partial == PartialRange(1, 100, from_end=True)
    assert cmd.returns == {"PARTIAL", "COUNT"}
    fetch = parse_command(Line((b"a UID FETCH 1:* FLAGS (PARTIAL 4294967295:1)",), ()))
    assert isinstance(fetch, c.Fetch)
    assert fetch.partial == PartialRange(1, 4294967295)


@given(st.integers(1, 40), st.integers(1, 40), st.booleans(), st.integers(0, 30))
def test_pick_is_the_positions_named(a: int, b: int, from_end: bool, count: int) -> None:
    """A reference by positions: 1-based from the start, or -1 the last."""
    results = list(range(100, 100 + count))
    page = PartialRange(min(a, b), max(a, b), from_end)
    positions = range(page.low, page.high + 1)
    expected = [x for i, x in enumerate(results, 1)
                if (count - i + 1 if from_end else i) in positions]
    assert page.pick(results) == expected
    text = page.render().decode()
    cmd = parse_command(Line((f"a SEARCH RETURN (PARTIAL {text}) ALL".encode(),), ()))
    assert isinstance(cmd, c.Search) and cmd.partial == page


async def test_sort_partial_pages_in_sort_order(box: ImapTranscript) -> None:
    """RFC 9394 §3.1 updates ESORT (RFC 5267 §4.4): the page is counted in
    sort order, and its set keeps that order. Subjects "Hello N" sort as
    text: 1, 10..19, 2, 20..29, 3, 30, 4, 8, 9 (UIDs 5:7 are gone)."""
    await box.play("""
        C: e1 UID SORT RETURN (PARTIAL 1:3) (SUBJECT) UTF-8 UNDELETED
        S: * ESEARCH (TAG "e1") UID PARTIAL (1:3 1,10:11)
        S: e1 OK {…}
        C: e2 SORT RETURN (COUNT PARTIAL -1:-2) (SUBJECT) UTF-8 ALL
        S: * ESEARCH (TAG "e2") COUNT 27 PARTIAL (-1:-2 5:6)
        S: e2 OK {…}
        C: e4 UID SORT RETURN (PARTIAL 1:3) (REVERSE SUBJECT) UTF-8 ALL
        S: * ESEARCH (TAG "e4") UID PARTIAL (1:3 9,8,4)
        S: e4 OK {…}
        C: e3 SORT RETURN (ALL PARTIAL 1:2) (ARRIVAL) UTF-8 ALL
        S: e3 BAD {…}
    """)
