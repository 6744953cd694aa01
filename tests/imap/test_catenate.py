"""CATENATE (RFC 4469): APPEND built from TEXT literals and URLs to messages
and parts the user can read, the RFC's own examples among the cases; the
parser's round trip and its refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import make_site
from tests.imap.test_parse import parse

from roost.imap import commands as c
from roost.imap.parse import Bad, parse_command
from roost.imap.wire import Line

BOUNDARY = b"------------030308070208000400050907"
DELIM = b"--" + BOUNDARY
HEADER = (b"From: Bob Ar <bar@example.org>\r\nTo: foo@example.net\r\n"
          b"Subject: About our holiday trip\r\nMIME-Version: 1.0\r\n"
          b"Content-Type: multipart/mixed;\r\n boundary=\"" + BOUNDARY + b"\"\r\n\r\n")
P1_MIME = b"Content-Type: text/plain; charset=us-ascii\r\n\r\n"
P1_BODY = b"The schedule is attached."
P2_MIME = (b"Content-Type: application/x-zip-compressed; name=\"trip.zip\"\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\n")
P2_BODY = b"UEsDBBQAAAAIAA=="
DRAFT = (HEADER + DELIM + b"\r\n" + P1_MIME + P1_BODY + b"\r\n" + DELIM + b"\r\n"
         + P2_MIME + P2_BODY + b"\r\n" + DELIM + b"--\r\n")
OTHER = b"Subject: forwarded\r\n\r\nThe forwarded message.\r\n"


async def _drafts(server: RunningImap) -> int:
    """bob's Drafts holding the RFC's draft (UID 1) and another message (UID 2)."""
    info = await server.ctx.store.create_mailbox("user.bob.Drafts")
    await server.ctx.store.append(info.id, DRAFT)
    await server.ctx.store.append(info.id, OTHER)
    return info.uidvalidity


async def _bodies(server: RunningImap, name: str) -> list[bytes]:
    store = server.ctx.store
    records = await store.messages(await server.mailbox_id(name))
    return [await store.body(r.blob) for r in records]


async def test_capability_lists_catenate(imap: ImapTranscript) -> None:
    assert "CATENATE" in (await imap.command("CAPABILITY"))[0].split()


async def test_rfc4469_example_1_replaces_an_attachment(imap_server: RunningImap) -> None:
    """RFC 4469 Appendix A example 1, UIDs 20 and 30 being 1 and 2 here."""
    uv = await _drafts(imap_server)
    imap = await connect(imap_server)
    await imap.play(rf"""
        C: A003 APPEND Drafts (\Seen \Draft $MDNSent) CATENATE (URL "/Drafts;UIDVALIDITY={uv}/;UID=1/;section=HEADER" TEXT {{42}}
        S: + {{…}}
        C:
        C: {DELIM.decode()}
        C:  URL "/Drafts;UIDVALIDITY={uv}/;UID=1/;section=1.MIME" URL "/Drafts;UIDVALIDITY={uv}/;UID=1/;section=1" TEXT {{42}}
        S: + {{…}}
        C:
        C: {DELIM.decode()}
        C:  URL "/Drafts;UIDVALIDITY={uv}/;UID=2" TEXT {{44}}
        S: + {{…}}
        C:
        C: {DELIM.decode()}--
        C: )
        S: A003 OK [APPENDUID {uv} 3] {{…}}
    """)
    await imap.close()
    made = (await _bodies(imap_server, "user.bob.Drafts"))[2]
    assert made == (HEADER + b"\r\n" + DELIM + b"\r\n" + P1_MIME + P1_BODY + b"\r\n" + DELIM
                    + b"\r\n" + OTHER + b"\r\n" + DELIM + b"--\r\n")


async def test_rfc4469_example_2_replaces_edited_text(imap_server: RunningImap) -> None:
    """Example 2: new headers and text, the old attachment by URL; APPENDUID."""
    uv = await _drafts(imap_server)
    text = (HEADER.replace(b"About our holiday trip", b"Our holiday trip") + DELIM + b"\r\n"
            + P1_MIME + b"Our travel agent has sent the updated schedule.\r\n" + DELIM + b"\r\n")
    imap = await connect(imap_server)
    await imap.send(b"A003 APPEND Drafts (\\Seen \\Draft $MDNSent) CATENATE (TEXT {%d}\r\n"
                    % len(text))
    await imap.expect("+ {…}")
    await imap.send(text + b' URL "/Drafts;UIDVALIDITY=%d/;UID=1/;Section=2.MIME"'
                    b' URL "/Drafts;UIDVALIDITY=%d/;UID=1/;Section=2" TEXT {44}\r\n' % (uv, uv))
    await imap.expect("+ {…}")
    await imap.send(b"\r\n" + DELIM + b"--\r\n)\r\n")
    await imap.expect(f"A003 OK [APPENDUID {uv} 3] {{…}}")
    await imap.select("Drafts")
    await imap.play(r"""
        C: A005 UID STORE 1 +FLAGS.SILENT (\Deleted)
        S: A005 OK {…}
        C: A006 FETCH 3 (FLAGS BODY.PEEK[2])
        S: * 3 FETCH (FLAGS (\Recent \Draft \Seen $MDNSent) BODY[2] {16}
        S: UEsDBBQAAAAIAA==)
        S: A006 OK {…}
    """)
    await imap.close()
    made = (await _bodies(imap_server, "user.bob.Drafts"))[2]
    assert made == text + P2_MIME + P2_BODY + b"\r\n" + DELIM + b"--\r\n"


async def test_rfc4469_example_3_strips_an_attachment(imap_server: RunningImap) -> None:
    uv = await _drafts(imap_server)
    note = (b"\r\n" + DELIM + b"\r\nContent-type: text/plain; charset=\"us-ascii\"\r\n"
            b"Content-transfer-encoding: 7bit\r\n\r\nThis body part contained a Power Point"
            b" presentation that was\r\ndeleted upon your request.\r\n" + DELIM + b"--\r\n")
    imap = await connect(imap_server)
    await imap.send(b'A003 APPEND Drafts (\\Seen \\Draft $MDNSent) CATENATE (URL'
                    b' "/Drafts;UIDVALIDITY=%d/;UID=1/;section=HEADER" TEXT {42+}\r\n\r\n%s\r\n'
                    b' URL "/Drafts;UIDVALIDITY=%d/;UID=1/;section=1.MIME"'
                    b' URL "/Drafts;UIDVALIDITY=%d/;UID=1/;section=1" TEXT {%d+}\r\n%s)\r\n'
                    % (uv, DELIM, uv, uv, len(note), note))
    await imap.expect("A003 OK [APPENDUID {…} 3] {…}")
    await imap.close()
    made = (await _bodies(imap_server, "user.bob.Drafts"))[2]
    assert made == HEADER + b"\r\n" + DELIM + b"\r\n" + P1_MIME + P1_BODY + note


async def test_rfc4469_example_4_badurl_keeps_nothing(imap_server: RunningImap) -> None:
    """Example 4: a digest whose second URL names no message: NO [BADURL
    that URL], and Sent is as it was."""
    inbox = await imap_server.ctx.store.get_mailbox("user.bob")
    await imap_server.ctx.store.create_mailbox("user.bob.Sent")
    head = (b"From: Farren Oo <foo@example.org>\r\nSubject: Digest of the mailing list\r\n"
            b"Content-Type: multipart/digest;\r\n boundary=\"------------030308070208000400050904\""
            b"\r\n\r\n--------------030308070208000400050904\r\n")
    bad = f"/INBOX;UIDVALIDITY={inbox.uidvalidity}/;UID=113330/;section=1.5.9"
    imap = await connect(imap_server)
    await imap.send(b"A003 APPEND Sent (\\Seen $MDNSent) CATENATE (TEXT {%d+}\r\n%s"
                    b' URL "/INBOX;UIDVALIDITY=%d/;UID=1" TEXT {42+}\r\n'
                    b"\r\n--------------030308070208000400050904\r\n"
                    b' URL "%s" TEXT {44+}\r\n'
                    b"\r\n--------------030308070208000400050904--\r\n)\r\n"
                    % (len(head), head, inbox.uidvalidity, bad.encode()))
    await imap.expect(f"A003 NO [BADURL {bad}] {{…}}")
    await imap.play("""
        C: A004 NOOP
        S: A004 OK {…}
    """)
    await imap.close()
    assert await _bodies(imap_server, "user.bob.Sent") == []


async def test_multiappend_mixes_literals_and_catenate(imap_server: RunningImap) -> None:
    """RFC 3502 with RFC 4469: each message may be either form; one batch."""
    uv = await _drafts(imap_server)
    imap = await connect(imap_server)
    await imap.play(rf"""
        C: a1 APPEND Drafts {{10+}}
        C: Subject:
        C:  CATENATE (URL "/Drafts/;UID=2/;PARTIAL=0.9" TEXT {{4+}}
        C: x
        C: y) (\Flagged) CATENATE (URL "/Drafts/;UID=1/;SECTION=1")
        S: a1 OK [APPENDUID {uv} 3,4,5] {{…}}
    """)
    await imap.close()
    assert (await _bodies(imap_server, "user.bob.Drafts"))[2:] == [
        b"Subject:\r\n", b"Subject: x\r\ny", P1_BODY]


async def test_a_bad_url_in_a_multiappend_keeps_none(imap_server: RunningImap) -> None:
    """RFC 3502 §6: all or nothing, also when the second message's URL fails."""
    await _drafts(imap_server)
    imap = await connect(imap_server)
    await imap.play(r"""
        C: a1 APPEND Drafts CATENATE (URL "/Drafts/;UID=1") CATENATE (URL "/Drafts/;UID=9")
        S: a1 NO [BADURL /Drafts/;UID=9] {…}
        C: a2 STATUS Drafts (MESSAGES)
        S: * STATUS "Drafts" (MESSAGES 2)
        S: a2 OK {…}
    """)
    await imap.close()


async def test_urls_relative_to_the_selected_mailbox(imap: ImapTranscript) -> None:
    """RFC 4469 §3: when selected, the base URL is the selected mailbox."""
    await imap.play(r"""
        C: a1 APPEND INBOX CATENATE (URL ";UID=1")
        S: a1 NO [BADURL ;UID=1] {…}
    """)
    await imap.select("INBOX")
    await imap.play(r"""
        C: a3 APPEND INBOX CATENATE (URL ";UID=1/;SECTION=HEADER.FIELDS%20(SUBJECT)" TEXT {4+}
        C: ok
        C: )
        S: * 3 EXISTS
        S: * 3 RECENT
        S: a3 OK [APPENDUID {…} 3] {…}
        C: a4 FETCH 1:3 (FLAGS BODY.PEEK[])
        S: * 1 FETCH (FLAGS ({…}) BODY[] {…}
    """)
    for _ in range(200):  # the rest of message 1, then message 2 and 3
        line = await imap.readline()
        if line.startswith("* 3 FETCH"):
            break
    assert line == "* 3 FETCH (FLAGS (\\Recent) BODY[] {24}", line
    await imap.play("""
        S: Subject: Hello 1
        S:
        S: ok
        S: )
        S: a4 OK {…}
    """)


async def test_a_mailbox_the_user_cannot_read_is_a_badurl(imap_server: RunningImap) -> None:
    """The one rights decision: without `r` the URL names nothing, and
    CATENATE says so exactly as for a missing message."""
    alice = await connect(imap_server, "alice")
    bob = await connect(imap_server, "bob")
    await alice.play(r"""
        C: a1 SETACL INBOX bob l
        S: a1 OK {…}
    """)
    await bob.play(r"""
        C: b1 APPEND INBOX CATENATE (URL "/Other Users/alice/;UID=1")
        S: b1 NO [BADURL /Other Users/alice/;UID=1] {…}
        C: b2 APPEND INBOX CATENATE (URL "/INBOX/;UID=1/;SECTION=HEADER")
        S: b2 OK {…}
    """)
    await alice.play(r"""
        C: a2 APPEND INBOX {7+}
        C: Subj: x
        S: a2 OK {…}
        C: a3 SETACL INBOX bob lr
        S: a3 OK {…}
    """)
    await bob.play(r"""
        C: b3 APPEND INBOX CATENATE (URL "/Other%20Users/alice/;UID=1")
        S: b3 OK {…}
        C: b4 APPEND INBOX CATENATE (URL "imap://bob@localhost/INBOX/;UID=1")
        S: b4 NO [BADURL imap://bob@localhost/INBOX/;UID=1] {…}
    """)
    await alice.close()
    await bob.close()
    assert (await _bodies(imap_server, "user.bob"))[-1] == b"Subj: x"


async def test_the_source_stays_unseen(imap: ImapTranscript) -> None:
    """RFC 4469 §3: catenating a part does not set \\Seen on its message
    (EXAMINE shows it \\Recent: no session has claimed it)."""
    await imap.play(r"""
        C: a1 APPEND INBOX CATENATE (URL "/INBOX/;UID=2")
        S: a1 OK {…}
    """)
    await imap.command("EXAMINE INBOX")
    await imap.play(r"""
        C: a3 FETCH 2 FLAGS
        S: * 2 FETCH (FLAGS (\Recent))
        S: a3 OK {…}
    """)


@pytest.fixture
async def small(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningImap]:
    """maxmessagesize 400: two sample messages fit, three do not."""
    async with running_imap(make_site(tmp_path / "site", cert_dir,
                                      "maxmessagesize: 400\n")) as server:
        yield server


async def test_a_message_past_maxmessagesize_is_toobig(small: RunningImap) -> None:
    """RFC 4469 §4.2: TOOBIG for a result past the server's limit, checked
    on the parts, so the URLs can be many while the command line is short."""
    imap = await connect(small)
    three = " ".join(['URL "/INBOX/;UID=1"'] * 3)
    await imap.play(rf"""
        C: a1 APPEND INBOX CATENATE ({three})
        S: a1 NO [TOOBIG] {{…}}
        C: a2 APPEND INBOX CATENATE (URL "/INBOX/;UID=1" URL "/INBOX/;UID=2")
        S: a2 OK {{…}}
        C: a3 STATUS INBOX (MESSAGES)
        S: * STATUS "INBOX" (MESSAGES 3)
        S: a3 OK {{…}}
    """)
    await imap.close()


async def test_malformed_catenate_is_bad_and_harmless(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 APPEND INBOX CATENATE ()
        S: a1 BAD {…}
        C: a2 APPEND INBOX CATENATE (FOO "x")
        S: a2 BAD {…}
        C: a3 APPEND INBOX CATENATE (URL)
        S: a3 BAD {…}
        C: a4 APPEND INBOX CATENATE (TEXT ~{1+}
        C: x)
        S: a4 BAD {…}
        C: a5 APPEND INBOX CATENATE (TEXT "quoted")
        S: a5 BAD {…}
        C: a6 APPEND INBOX CATENATE URL "/INBOX/;UID=1"
        S: a6 BAD {…}
        C: a7 APPEND INBOX CATENATE (URL "/INBOX/;UID=1/;SECTION=9.9" TEXT {1+}
        C: x)
        S: a7 NO [BADURL /INBOX/;UID=1/;SECTION=9.9] {…}
        C: a8 APPEND INBOX CATENATE (URL "/INBOX/;UID=1/;SECTION=FOO")
        S: a8 NO [BADURL /INBOX/;UID=1/;SECTION=FOO] {…}
        C: a9 APPEND INBOX CATENATE (TEXT {2+}
        C: ab URL "/INBOX/;UID=1/;PARTIAL=x")
        S: a9 NO [BADURL {…}] {…}
        C: b1 STATUS INBOX (MESSAGES)
        S: * STATUS "INBOX" (MESSAGES 2)
        S: b1 OK {…}
    """)


# -- the parser ---------------------------------------------------------------

def _render(parts: list[c.CatText | c.CatUrl]) -> bytes:
    out = []
    for part in parts:
        if isinstance(part, c.CatUrl):
            out.append(b'URL "' + part.url.encode() + b'"')
        elif part.utf8:
            out.append(b"UTF8 (~{%d+}\r\n%s)" % (len(part.data), part.data))
        else:
            out.append(b"TEXT {%d+}\r\n%s" % (len(part.data), part.data))
    return b"t APPEND Drafts CATENATE (" + b" ".join(out) + b")"


_URL = st.from_regex(r"/[A-Za-z]{1,8}/;UID=[1-9][0-9]{0,4}(/;SECTION=[1-9](\.MIME)?)?",
                     fullmatch=True).map(c.CatUrl)
_TEXT = st.builds(c.CatText, st.binary(min_size=0, max_size=40).filter(lambda b: b"\0" not in b),
                  st.booleans())


@given(st.lists(st.one_of(_URL, _TEXT), min_size=1, max_size=6))
def test_catenate_round_trip(parts: list[c.CatText | c.CatUrl]) -> None:
    cmd = parse(_render(parts))
    assert cmd == c.Append("t", "Drafts", (c.AppendMessage((), None, b"", catenate=tuple(parts)),))


@given(st.binary(max_size=200))
def test_random_catenate_arguments_are_bad_or_parse(junk: bytes) -> None:
    line = Line((b"t APPEND INBOX CATENATE (" + junk.replace(b"\n", b"").replace(b"\r", b""),), ())
    try:
        cmd = parse_command(line)
    except Bad as err:
        assert err.tag == "t"
    else:
        assert isinstance(cmd, c.Append)
