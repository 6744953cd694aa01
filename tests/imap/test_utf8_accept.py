"""UTF8=ACCEPT (RFC 6855): after ENABLE, mailbox names are UTF-8 both ways
(never modified UTF-7), headers may be UTF-8 in APPEND's `UTF8 (~{n})`,
and SEARCH names no CHARSET; sessions that did not enable it keep modified
UTF-7 for the very same mailboxes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from tests.harness.imap import ImapTranscript, RunningImap, connect
from tests.imap.test_parse import parse

from roost.imap import commands as c
from roost.imap.parse_lexer import Cursor
from roost.imap.responses import mailbox_name
from roost.imap.wire import Line

UTF8_HEADERS = "Subject: Grüße\r\nFrom: Jörg <jörg@example.com>\r\n\r\nHallo\r\n".encode()


async def test_capability_and_enable(imap: ImapTranscript) -> None:
    assert "UTF8=ACCEPT" in (await imap.command("CAPABILITY"))[0].split()
    await imap.play("""
        C: e1 ENABLE UTF8=ACCEPT
        S: * ENABLED UTF8=ACCEPT
        S: e1 OK {…}
        C: e2 ENABLE UTF8=ACCEPT
        S: * ENABLED
        S: e2 OK {…}
    """)


async def test_names_are_utf8_after_enable_and_mutf7_before(imap_server: RunningImap) -> None:
    """One mailbox, two spellings on the wire: whichever the session asked for."""
    new = await connect(imap_server)
    old = await connect(imap_server)
    await new.play("""
        C: a1 ENABLE UTF8=ACCEPT
        S: * ENABLED UTF8=ACCEPT
        S: a1 OK {…}
        C: a2 CREATE "Привет"
        S: a2 OK {…}
        C: a3 LIST "" "При*"
        S: * LIST (\\HasNoChildren) "/" "Привет"
        S: a3 OK {…}
        C: a4 STATUS "Привет" (MESSAGES)
        S: * STATUS "Привет" (MESSAGES 0)
        S: a4 OK {…}
        C: a5 SUBSCRIBE "Привет"
        S: a5 OK {…}
        C: a6 LSUB "" "*"
        S: * LSUB () "/" "Привет"
        S: a6 OK {…}
        C: a7 CREATE "A&B"
        S: a7 OK {…}
    """)
    await old.play("""
        C: b1 LIST "" "*"
        S: * LIST (\\HasNoChildren) "/" "INBOX"
        S: * LIST (\\HasNoChildren) "/" "A&-B"
        S: * LIST (\\HasNoChildren) "/" "&BB8EQAQ4BDIENQRC-"
        S: b1 OK {…}
        C: b2 CREATE "Entw&APw-rfe"
        S: b2 OK {…}
    """)
    await new.play("""
        C: a8 LIST "" "Entw*"
        S: * LIST (\\HasNoChildren) "/" "Entwürfe"
        S: a8 OK {…}
    """)
    assert (await new.select('"Entwürfe"'))[0] == "* 0 EXISTS"
    await new.play("""
        C: b1 STATUS "Entw&APw-rfe" (MESSAGES)
        S: b1 NO {…}
    """)
    await new.close()
    await old.close()


async def test_imap4rev2_names_are_utf8_too(imap: ImapTranscript) -> None:
    """RFC 9051 §5.1 and Appendix E (16): an IMAP4rev2 client gets UTF-8."""
    await imap.play("""
        C: a1 CREATE "Entw&APw-rfe"
        S: a1 OK {…}
        C: a2 ENABLE IMAP4rev2
        S: * ENABLED IMAP4REV2
        S: a2 OK {…}
        C: a3 LIST "" "Entw*"
        S: * LIST (\\HasNoChildren) "/" "Entwürfe"
        S: a3 OK {…}
    """)


async def test_names_with_controls_are_bad(imap: ImapTranscript) -> None:
    """RFC 6855 §3: names are Net-Unicode: no C1 controls, no U+2028."""
    await imap.play("""
        C: a1 ENABLE UTF8=ACCEPT
        S: * ENABLED UTF8=ACCEPT
        S: a1 OK {…}
    """)
    for n, char in enumerate(["\x01", "\x85", "\u2028"]):
        await imap.send(f'a{n + 2} CREATE "a{char}b"\r\n'.encode())
        await imap.expect(f"a{n + 2} BAD {{…}}")
    await imap.play("""
        C: a9 LIST "" "*"
        S: * LIST (\\HasNoChildren) "/" "INBOX"
        S: a9 OK {…}
    """)


async def test_search_names_no_charset_after_enable(imap: ImapTranscript) -> None:
    """RFC 6855 §3: SEARCH with CHARSET after ENABLE UTF8=ACCEPT is BAD;
    without it the strings are UTF-8."""
    await imap.send(b"a0 APPEND INBOX {%d+}\r\n%s\r\n" % (len(b"Subject: Gr\xc3\xbc\xc3\x9fe\r\n\r\nx"),
                                                          b"Subject: Gr\xc3\xbc\xc3\x9fe\r\n\r\nx"))
    await imap.expect("a0 OK [APPENDUID {…} 3] {…}")  # stored as received, as Cyrus and Dovecot
    await imap.play("""
        C: a1 ENABLE UTF8=ACCEPT
        S: * ENABLED UTF8=ACCEPT
        S: a1 OK {…}
    """)
    await imap.send(b"a2 APPEND INBOX UTF8 (~{%d+}\r\n%s)\r\n" % (len(UTF8_HEADERS), UTF8_HEADERS))
    await imap.expect("a2 OK [APPENDUID {…} 4] {…}")
    await imap.select("INBOX")
    await imap.play("""
        C: a3 SEARCH CHARSET UTF-8 SUBJECT "Grüße"
        S: a3 BAD {…}
        C: a4 SEARCH SUBJECT "Grüße"
        S: * SEARCH 3 4
        S: a4 OK {…}
        C: a5 ESEARCH IN (SELECTED) CHARSET UTF-8 SUBJECT "x"
        S: a5 BAD {…}
        C: a6 FETCH 3 BODY.PEEK[HEADER.FIELDS (SUBJECT)]
        S: * 3 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {20}
        S: Subject: Grüße
        S:
        S: )
        S: a6 OK {…}
    """)


async def test_utf8_append_needs_enable(imap: ImapTranscript) -> None:
    """The UTF8 data item belongs to UTF8=ACCEPT sessions; a plain literal
    with 8-bit headers is stored as received (Cyrus and Dovecot do; see
    roost.imap.handlers.utf8_append); the refused forms store nothing."""
    await imap.send(b"a1 APPEND INBOX UTF8 (~{%d+}\r\n%s)\r\n" % (len(UTF8_HEADERS), UTF8_HEADERS))
    await imap.expect("a1 BAD {…}")
    await imap.send(b"a2 APPEND INBOX CATENATE (UTF8 (~{%d+}\r\n%s))\r\n"
                    % (len(UTF8_HEADERS), UTF8_HEADERS))
    await imap.expect("a2 BAD {…}")
    await imap.send(b"a3 APPEND INBOX {%d+}\r\n%s\r\n" % (len(UTF8_HEADERS), UTF8_HEADERS))
    await imap.expect("a3 OK [APPENDUID {…} 3] {…}")
    await imap.play("""
        C: a4 APPEND INBOX UTF8 ({3+}
        C: abc)
        S: a4 BAD {…}
        C: a5 STATUS INBOX (MESSAGES)
        S: * STATUS "INBOX" (MESSAGES 3)
        S: a5 OK {…}
        C: a6 ENABLE UTF8=ACCEPT
        S: * ENABLED UTF8=ACCEPT
        S: a6 OK {…}
    """)
    await imap.send(b'a7 APPEND INBOX CATENATE (UTF8 (~{%d+}\r\n%s) URL "/INBOX/;UID=1/;SECTION=TEXT")\r\n'
                    % (len(UTF8_HEADERS), UTF8_HEADERS))
    await imap.expect("a7 OK [APPENDUID {…} 4] {…}")


def test_utf8_append_parses() -> None:
    assert parse(b"t APPEND INBOX (\\Seen) UTF8 (~{3}\r\nabc)") == c.Append(
        "t", "INBOX", (c.AppendMessage(("\\Seen",), None, b"abc", True, utf8=True),))
    assert parse(b"t APPEND INBOX CATENATE (UTF8 (~{2}\r\nab) TEXT {1}\r\nc)") == c.Append(
        "t", "INBOX", (c.AppendMessage((), None, b"", catenate=(
            c.CatText(b"ab", utf8=True), c.CatText(b"c"))),))


_NET_UNICODE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
                       min_size=1, max_size=40)


@given(_NET_UNICODE)
def test_utf8_mailbox_names_round_trip(name: str) -> None:
    """What a UTF-8 session is sent is read back as the same name."""
    cur = Cursor(Line((b"t " + mailbox_name(name, utf8=True),), ()))
    cur.read_tag()
    cur.sp()
    if mailbox_name(name, utf8=True).startswith(b"{"):
        return  # a literal: the wire hands it whole, not this Line
    assert cur.astring() == name
