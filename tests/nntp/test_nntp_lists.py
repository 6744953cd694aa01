"""LIST ACTIVE, ACTIVE.TIMES, NEWSGROUPS, OVERVIEW.FMT, HEADERS with
wildmats; NEWGROUPS; NEWNEWS only with allownewnews (RFC 3977 §7)."""

from __future__ import annotations

import pytest
from tests.nntp.conftest import Connect, NntpTranscript


async def test_list_active_shows_the_groups_bob_may_read(nntp: NntpTranscript) -> None:
    await nntp.play("""
        C: LIST
        S: 215 {…}
        S: test.one 3 1 y
        S: test.ro 0 1 n
        S: test.two 0 1 y
        S: .
        C: LIST ACTIVE test.*,!test.t*
        S: 215 {…}
        S: test.one 3 1 y
        S: test.ro 0 1 n
        S: .
        C: LIST ACTIVE nothing.matches
        S: 215 {…}
        S: .
        C: LIST ACTIVE [bad]
        S: 501 {…}
    """)


async def test_alice_sees_the_private_group(nntp_connect: Connect) -> None:
    alice = await nntp_connect("alice")
    await alice.play("""
        C: LIST ACTIVE p*
        S: 215 {…}
        S: private 1 1 y
        S: .
    """)


async def test_list_active_times_and_newsgroups(nntp: NntpTranscript) -> None:
    await nntp.play("""
        C: LIST ACTIVE.TIMES test.one
        S: 215 {…}
        S: test.one {…} news
        S: .
        C: LIST NEWSGROUPS *.two
        S: 215 {…}
        S: test.two\ttest.two
        S: .
    """)


async def test_overview_format_and_headers(nntp: NntpTranscript) -> None:
    await nntp.play("""
        C: LIST OVERVIEW.FMT
        S: 215 {…}
        S: Subject:
        S: From:
        S: Date:
        S: Message-ID:
        S: References:
        S: Bytes:
        S: Lines:
        S: .
        C: CAPABILITIES
        S: 101 {…}
    """)
    while await nntp.readline() != ".":
        pass
    await nntp.play("""
        C: LIST OVERVIEW.FMT
        S: 215 {…}
        S: Subject:
        S: From:
        S: Date:
        S: Message-ID:
        S: References:
        S: :bytes
        S: :lines
        S: .
        C: LIST HEADERS
        S: 215 {…}
        S: :
        S: :bytes
        S: :lines
        S: .
        C: LIST HEADERS RANGE
        S: 215 {…}
        S: :
        S: :bytes
        S: :lines
        S: .
        C: LIST HEADERS SOMETHING
        S: 501 {…}
        C: LIST DISTRIBUTIONS
        S: 501 {…}
    """)


async def test_newgroups_lists_groups_created_since(nntp: NntpTranscript) -> None:
    await nntp.play("""
        C: NEWGROUPS 20000101 000000 GMT
        S: 231 {…}
        S: test.one 3 1 y
        S: test.ro 0 1 n
        S: test.two 0 1 y
        S: .
        C: NEWGROUPS 21000101 000000 GMT
        S: 231 {…}
        S: .
        C: NEWGROUPS 20001301 000000
        S: 501 {…}
        C: NEWGROUPS 2000 000000
        S: 501 {…}
        C: NEWGROUPS 000101 000000 UTC
        S: 501 {…}
    """)


async def test_newnews_is_off_by_default(nntp: NntpTranscript) -> None:
    await nntp.play("""
        C: NEWNEWS * 20000101 000000 GMT
        S: 503 {…}
    """)


@pytest.mark.conf("allownewnews: yes\n")
async def test_newnews_lists_new_message_ids(nntp: NntpTranscript) -> None:
    await nntp.play("""
        C: NEWNEWS test.* 20000101 000000 GMT
        S: 230 {…}
        S: <1@news.example>
        S: <2@news.example>
        S: <3@news.example>
        S: .
        C: NEWNEWS *,!test.one 20000101 000000 GMT
        S: 230 {…}
        S: .
        C: NEWNEWS test.* 21000101 000000 GMT
        S: 230 {…}
        S: .
    """)


async def test_before_login_only_list_active_and_the_basics(nntp_anon: NntpTranscript) -> None:
    """As Cyrus: LIST ACTIVE shows what `anonymous` may read; reading needs a login."""
    await nntp_anon.play("""
        C: LIST
        S: 215 {…}
        S: test.one 3 1 y
        S: test.ro 0 1 n
        S: test.two 0 1 y
        S: .
        C: LIST NEWSGROUPS
        S: 480 {…}
        C: GROUP test.one
        S: 480 {…}
        C: OVER
        S: 480 {…}
        C: POST
        S: 480 {…}
        C: DATE
        S: 111 {…}
    """)
