"""Reading news: greeting, CAPABILITIES, MODE READER, GROUP, LISTGROUP,
ARTICLE/HEAD/BODY/STAT, NEXT/LAST, DATE, HELP, QUIT (RFC 3977 §5-§7)."""

from __future__ import annotations

import re

from tests.nntp.conftest import Connect, NntpTranscript


async def test_greeting_capabilities_and_mode_reader(nntp_connect: Connect) -> None:
    client = await nntp_connect(user=None)
    await client.play("""
        C: CAPABILITIES
        S: 101 Capability list follows
        S: VERSION 2
        S: IMPLEMENTATION Roost NNTP {…}
        S: LIST ACTIVE
        S: IHAVE
        S: STARTTLS
        S: AUTHINFO USER SASL
        S: SASL SCRAM-SHA-256 SCRAM-SHA-1 PLAIN LOGIN
        S: .
        C: MODE READER
        S: 200 roost.test Roost NNTP server ready, posting allowed
    """)
    await client.login()
    await client.play("""
        C: CAPABILITIES
        S: 101 Capability list follows
        S: VERSION 2
        S: IMPLEMENTATION Roost NNTP {…}
        S: READER
        S: POST
        S: HDR
        S: OVER MSGID
        S: LIST ACTIVE ACTIVE.TIMES NEWSGROUPS OVERVIEW.FMT HEADERS
        S: IHAVE
        S: .
    """)


async def test_group_and_article_by_number(nntp: NntpTranscript) -> None:
    await nntp.play("""
        C: GROUP test.one
        S: 211 3 1 3 test.one
        C: STAT
        S: 223 1 <1@news.example>
        C: HEAD 2
        S: 221 2 <2@news.example>
        S: Path: elsewhere!not-for-mail
        S: From: Alice <alice@example.com>
        S: Newsgroups: test.one
        S: Subject: Article 2
        S: Date: Mon, 7 Feb 1994 21:52:25 -0800
        S: Message-ID: <2@news.example>
        S: .
        C: BODY
        S: 222 2 <2@news.example>
        S: Body of article 2.
        S: ..A line starting with a dot.
        S: .
        C: ARTICLE 3
        S: 220 3 <3@news.example>
        S: Path: elsewhere!not-for-mail
        S: From: Alice <alice@example.com>
        S: Newsgroups: test.one
        S: Subject: Article 3
        S: Date: Mon, 7 Feb 1994 21:52:25 -0800
        S: Message-ID: <3@news.example>
        S: References: <1@news.example>
        S:
        S: Body of article 3.
        S: ..A line starting with a dot.
        S: .
    """)


async def test_article_by_message_id_keeps_the_current_article(nntp: NntpTranscript) -> None:
    await nntp.play("""
        C: GROUP test.one
        S: 211 3 1 3 test.one
        C: STAT <3@news.example>
        S: 223 0 <3@news.example>
        C: STAT
        S: 223 1 <1@news.example>
        C: BODY <2@news.example>
        S: 222 0 <2@news.example>
        S: Body of article 2.
        S: ..A line starting with a dot.
        S: .
        C: STAT <nowhere@news.example>
        S: 430 {…}
        C: STAT <9@news.example>
        S: 430 {…}
    """)


async def test_next_and_last_walk_the_group(nntp: NntpTranscript) -> None:
    await nntp.play("""
        C: NEXT
        S: 412 {…}
        C: GROUP test.one
        S: 211 3 1 3 test.one
        C: LAST
        S: 422 {…}
        C: NEXT
        S: 223 2 <2@news.example> {…}
        C: NEXT
        S: 223 3 <3@news.example> {…}
        C: NEXT
        S: 421 {…}
        C: LAST
        S: 223 2 <2@news.example> {…}
        C: GROUP test.two
        S: 211 0 1 0 test.two
        C: NEXT
        S: 420 {…}
        C: ARTICLE
        S: 420 {…}
    """)


async def test_listgroup_with_and_without_a_range(nntp: NntpTranscript) -> None:
    await nntp.play("""
        C: LISTGROUP
        S: 412 {…}
        C: LISTGROUP test.one
        S: 211 3 1 3 test.one list follows
        S: 1
        S: 2
        S: 3
        S: .
        C: LISTGROUP test.one 2-
        S: 211 3 1 3 test.one list follows
        S: 2
        S: 3
        S: .
        C: LISTGROUP test.one 2-2
        S: 211 3 1 3 test.one list follows
        S: 2
        S: .
        C: LISTGROUP test.one 3-1
        S: 211 3 1 3 test.one list follows
        S: .
        C: LISTGROUP
        S: 211 3 1 3 test.one list follows
        S: 1
        S: 2
        S: 3
        S: .
    """)


async def test_groups_that_are_not_there_or_not_readable_look_alike(
        nntp: NntpTranscript) -> None:
    await nntp.play("""
        C: GROUP no.such.group
        S: 411 No such newsgroup
        C: GROUP private
        S: 411 No such newsgroup
        C: GROUP user.bob
        S: 411 No such newsgroup
        C: GROUP *
        S: 411 No such newsgroup
        C: ARTICLE 1
        S: 412 {…}
        C: GROUP test.one
        S: 211 {…}
        C: ARTICLE 99
        S: 423 {…}
    """)


async def test_alice_reads_the_private_group(nntp_connect: Connect) -> None:
    alice = await nntp_connect("alice")
    await alice.play("""
        C: GROUP private
        S: 211 1 1 1 private
        C: STAT <9@news.example>
        S: 223 0 <9@news.example>
    """)


async def test_date_help_and_quit(nntp: NntpTranscript) -> None:
    date = (await nntp.play("""
        C: DATE
        S: 111 {…}
    """))[0]
    assert re.fullmatch(r"111 20\d{12}", date)
    await nntp.send(b"HELP\r\n")
    assert (await nntp.readline()).startswith("100 ")
    help_text = await nntp.block()
    assert any("OVER" in line for line in help_text)
    await nntp.play("""
        C: QUIT
        S: 205 {…}
    """)
    assert await nntp.reader.read() == b""
