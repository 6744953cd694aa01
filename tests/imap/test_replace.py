"""REPLACE / UID REPLACE (RFC 8508): append the new message and expunge the
old one as one store operation: all or nothing, quota counted net, no
STORE reply, no flags inherited; selected state only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap, sample_message
from tests.harness.site import Site

from roost.imap import commands as c
from roost.imap.parse import Bad, parse_command
from roost.imap.wire import Line
from roost.store.api import AppendMessage, MessageNotFound

FIRST = ("Date: Thu, 1 Jan 2015 00:05:00 -0500 (EST)\r\n"
         "From: Fritz Schmidt <fritz.ze@example.org>\r\n"
         "Subject: happy new year !!\r\n"
         "To: miss.mitzy@example.org\r\n"
         "Message-Id: <B238822388-0100000@example.org>\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
         "\r\n"
         "Just saw the best fireworks show. Wish you were here.\r\n")
SECOND = (FIRST.replace("00:05:00", "00:06:00").replace("0100000@", "0100001@")
          + "Hopefully next year you can join us.\r\n")


def literal_lines(text: str) -> str:
    """`text` as transcript C: lines (its final CRLF ends the command)."""
    return "\n".join(f"C: {line}" for line in text.removesuffix("\r\n").split("\r\n"))


@pytest.fixture
async def server(site: Site) -> AsyncIterator[RunningImap]:
    """bob's Drafts holds 4 messages (UIDs 1:4), the 4th \\Flagged; Sent is empty."""
    async with running_imap(site, messages=0) as running:
        store = running.ctx.store
        drafts = await store.create_mailbox("user.bob.Drafts")
        await store.create_mailbox("user.bob.Sent")
        for n in range(1, 5):
            await store.append(drafts.id, sample_message(n),
                               flags=("\\Flagged",) if n == 4 else ())
        yield running


@pytest.fixture
async def drafts(server: RunningImap) -> AsyncIterator[ImapTranscript]:
    client = await connect(server)
    await client.select("Drafts")
    yield client
    await client.close()


async def test_rfc8508_examples(drafts: ImapTranscript) -> None:
    r"""§3.2 and §3.3, as written (our continuation text differs): the new
    message gets UID 5, then UID REPLACE 5 makes UID 6; the flags are the
    command's, not the old message's (§1). The new message is \Recent here
    (RFC 3501 §7.3.2), which the RFC's examples leave out."""
    await drafts.play(rf"""
        C: A003 REPLACE 4 Drafts (\Seen \Draft) {{{len(FIRST)}}}
        S: + {{…}}
        {literal_lines(FIRST)}
        C:
        S: * OK [APPENDUID {{…}} 5] Replacement Message ready
        S: * 4 EXPUNGE
        S: * 4 EXISTS
        S: * 4 RECENT
        S: A003 OK Replace completed
        C: A004 UID REPLACE 5 Drafts (\Seen \Draft) {{{len(SECOND)}}}
        S: + {{…}}
        {literal_lines(SECOND)}
        C:
        S: * OK [APPENDUID {{…}} 6] Replacement Message ready
        S: * 4 EXPUNGE
        S: * 4 EXISTS
        S: * 4 RECENT
        S: A004 OK Replace completed
        C: a5 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])
        S: * 1 FETCH (UID 1 FLAGS (\Recent) {{…}}
        S: {{…}}
        S: {{…}}
        S: )
        S: * 2 FETCH {{…}}
        S: {{…}}
        S: {{…}}
        S: )
        S: * 3 FETCH {{…}}
        S: {{…}}
        S: {{…}}
        S: )
        S: * 4 FETCH (UID 6 FLAGS (\Recent \Draft \Seen) BODY[HEADER.FIELDS (MESSAGE-ID)] {{…}}
        S: Message-Id: <B238822388-0100001@example.org>
        S:
        S: )
        S: a5 OK {{…}}
    """)


async def test_replace_into_another_mailbox(drafts: ImapTranscript) -> None:
    """§3.4: Drafts -> Sent after submission: EXPUNGE here, nothing EXISTS here."""
    await drafts.play(rf"""
        C: b1 REPLACE 2 Sent {{{len(FIRST)}+}}
        {literal_lines(FIRST)}
        C:
        S: * OK [APPENDUID {{…}} 1] Replacement Message ready
        S: * 2 EXPUNGE
        S: b1 OK Replace completed
        C: b2 STATUS Sent (MESSAGES)
        S: * STATUS "Sent" (MESSAGES 1)
        S: b2 OK {{…}}
    """)


async def test_quota_counts_the_net_change(drafts: ImapTranscript,
                                           server: RunningImap) -> None:
    """§3.4: with the message quota full an APPEND fails, a REPLACE does not."""
    await server.ctx.store.set_quota("user.bob", {"MESSAGE": 4})
    await drafts.play(rf"""
        C: q1 APPEND Drafts {{{len(FIRST)}+}}
        {literal_lines(FIRST)}
        C:
        S: q1 NO [OVERQUOTA] {{…}}
        C: q2 REPLACE 1 Drafts {{{len(FIRST)}+}}
        {literal_lines(FIRST)}
        C:
        S: * OK [APPENDUID {{…}} 5] {{…}}
        S: * 1 EXPUNGE
        S: * 4 EXISTS
        S: * 4 RECENT
        S: q2 OK {{…}}
        C: q3 REPLACE 1 Sent {{{len(FIRST)}+}}
        {literal_lines(FIRST)}
        C:
        S: * OK [APPENDUID {{…}} 1] {{…}}
        S: * 1 EXPUNGE
        S: q3 OK {{…}}
    """)


async def test_failures_change_nothing(drafts: ImapTranscript) -> None:
    """§3.4: on error no EXPUNGE, the old message stays, nothing is added."""
    await drafts.play(rf"""
        C: f1 REPLACE 1 Nowhere {{{len(FIRST)}+}}
        {literal_lines(FIRST)}
        C:
        S: f1 NO [TRYCREATE] {{…}}
        C: f2 UID REPLACE 99 Sent {{{len(FIRST)}+}}
        {literal_lines(FIRST)}
        C:
        S: f2 NO [NONEXISTENT] {{…}}
        C: f3 REPLACE 9 Sent {{{len(FIRST)}+}}
        {literal_lines(FIRST)}
        C:
        S: f3 BAD {{…}}
        C: f4 STATUS Sent (MESSAGES)
        S: * STATUS "Sent" (MESSAGES 0)
        S: f4 OK {{…}}
        C: f5 NOOP
        S: f5 OK {{…}}
    """)
    examined = await drafts.command("EXAMINE Drafts")
    assert "* 4 EXISTS" in examined and "* OK [UIDNEXT 5] Predicted next UID" in examined
    await drafts.play(rf"""
        C: f7 REPLACE 1 Sent {{{len(FIRST)}+}}
        {literal_lines(FIRST)}
        C:
        S: f7 NO [READ-ONLY] {{…}}
    """)


async def test_only_in_selected_state(server: RunningImap) -> None:
    """§3.5: REPLACE and UID REPLACE are not valid in the authenticated state."""
    client = await connect(server)
    await client.play(rf"""
        C: g1 REPLACE 1 Sent {{{len(FIRST)}+}}
        {literal_lines(FIRST)}
        C:
        S: g1 BAD {{…}}
        C: g2 NOOP
        S: g2 OK {{…}}
    """)
    await client.close()


async def test_store_replace_is_one_transaction(server: RunningImap) -> None:
    """The store call itself: a missing UID leaves both mailboxes as they were."""
    store = server.ctx.store
    drafts = await store.get_mailbox("user.bob.Drafts")
    sent = await store.get_mailbox("user.bob.Sent")
    with pytest.raises(MessageNotFound):
        await store.replace(drafts.id, 77, sent.id, AppendMessage(FIRST.encode()))
    assert [r.uid for r in await store.messages(drafts.id)] == [1, 2, 3, 4]
    assert await store.messages(sent.id) == []
    result = await store.replace(drafts.id, 3, sent.id, AppendMessage(FIRST.encode()))
    assert result.uid == 1
    assert [r.uid for r in await store.messages(drafts.id)] == [1, 2, 4]


@pytest.mark.parametrize("line", [
    b"a REPLACE 0 Drafts {1}",      # nz-number
    b"a REPLACE * Drafts {1}",
    b"a REPLACE 1:2 Drafts {1}",    # one message, not a set
    b"a REPLACE 1 Drafts",          # no literal
    b"a UID REPLACE 1",
])
def test_malformed_replace_is_bad(line: bytes) -> None:
    chunks, literals = ((line, b""), (b"x",)) if line.endswith(b"}") else ((line,), ())
    with pytest.raises(Bad):
        parse_command(Line(chunks, literals))


def test_parsed_replace() -> None:
    cmd = parse_command(Line((b'a UID REPLACE 7 Sent (\\Seen) "01-Jan-2015 00:05:00 -0500" {1}', b""),
                             (b"x",)))
    assert isinstance(cmd, c.Replace)
    assert (cmd.uid, cmd.number, cmd.mailbox, cmd.message.flags, cmd.message.data) == (
        True, 7, "Sent", ("\\Seen",), b"x")


async def test_replace_takes_catenate(drafts: ImapTranscript) -> None:
    """RFC 8508 §4.2: with CATENATE advertised too, REPLACE takes its syntax;
    the new message is the old one's text after a new header."""
    await drafts.play(r"""
        C: a1 UID FETCH 4 UID
        S: * 4 FETCH (UID 4)
        S: a1 OK {…}
        C: a2 REPLACE 4 Drafts CATENATE (TEXT {22+}
        C: Subject: catenated
        C: 
        C:  URL "/Drafts/;UID=4/;SECTION=TEXT")
        S: * OK [APPENDUID {…} 5] Replacement Message ready
        S: * 4 EXPUNGE
        S: * 4 EXISTS
        S: * 4 RECENT
        S: a2 OK Replace completed
        C: a3 FETCH 4 (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])
        S: * 4 FETCH (UID 5 BODY[HEADER.FIELDS (SUBJECT)] {22}
        S: Subject: catenated
        S: 
        S: )
        S: a3 OK {…}
    """)
