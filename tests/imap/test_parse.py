"""parse_command: wire bytes -> command tables, and Bad with the right tag."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roost.imap import commands as c
from roost.imap.parse import Bad, parse_command
from roost.imap.sequence import SequenceSet
from roost.imap.wire import Line, NeedLiteral, NeedMore, Wire

S = SequenceSet.parse


def parse(data: bytes) -> c.Command:
    """Feed ``data`` (CRLF added) through a Wire and parse the one Line."""
    w = Wire(max_line=10_000, max_literal=10_000)
    w.feed(data + b"\r\n")
    while True:
        ev = w.next()
        if isinstance(ev, Line):
            return parse_command(ev)
        assert isinstance(ev, NeedLiteral), ev


SESSION = [
    (b"a CAPABILITY", c.Capability("a")),
    (b"a noop", c.Noop("a")),
    (b"a LOGOUT", c.Logout("a")),
    (b"a STARTTLS", c.StartTls("a")),
    (b"a NAMESPACE", c.Namespace("a")),
    (b"a IDLE", c.Idle("a")),
    (b"a CHECK", c.Check("a")),
    (b"a CLOSE", c.Close("a")),
    (b"a UNSELECT", c.Unselect("a")),
    (b"a EXPUNGE", c.Expunge("a")),
    (b"a UID EXPUNGE 3:5,9", c.Expunge("a", S("3:5,9"))),
    (b"a LOGIN fred secret", c.Login("a", "fred", "secret")),
    (b'a LOGIN "fr\\"ed" {6}\r\nsec\\"t', c.Login("a", 'fr"ed', 'sec\\"t')),
    (b"a LOGIN {4+}\r\nfred {3+}\r\na b", c.Login("a", "fred", "a b")),
    (b"a AUTHENTICATE plain", c.Authenticate("a", "PLAIN", None)),
    (b"a AUTHENTICATE PLAIN =", c.Authenticate("a", "PLAIN", b"")),
    (b"a AUTHENTICATE PLAIN AGZyZWQAcHc=", c.Authenticate("a", "PLAIN", b"\x00fred\x00pw")),
    (b"a ENABLE condstore UTF8=ACCEPT", c.Enable("a", ("CONDSTORE", "UTF8=ACCEPT"))),
    (b"a ID NIL", c.Id("a", None)),
    (b'a ID ("name" "sodr" "version" NIL)', c.Id("a", (("name", "sodr"), ("version", None)))),
]

MAILBOX = [
    (b"a SELECT inbox", c.Select("a", "INBOX", readonly=False)),
    (b"a EXAMINE Sent", c.Select("a", "Sent", readonly=True)),
    (b"a SELECT x (CONDSTORE)", c.Select("a", "x", False, condstore=True)),
    (
        b"a SELECT x (QRESYNC (67890007 90060115194045000 41:211,214:541 (1:5 3:7)))",
        c.Select("a", "x", False, qresync=c.QResync(
            67890007, 90060115194045000, S("41:211,214:541"), (S("1:5"), S("3:7")))),
    ),
    (b"a SELECT x (QRESYNC (1 2))", c.Select("a", "x", False, qresync=c.QResync(1, 2, None, None))),
    (b"a CREATE &AOQ-", c.Create("a", "&AOQ-")),
    (b"a CREATE Sent (USE (\\Sent))", c.Create("a", "Sent", ("\\Sent",))),
    (b"a DELETE \"a b\"", c.Delete("a", "a b")),
    (b"a RENAME Inbox old", c.Rename("a", "INBOX", "old")),
    (b"a SUBSCRIBE x", c.Subscribe("a", "x")),
    (b"a UNSUBSCRIBE x", c.Unsubscribe("a", "x")),
    (b'a LIST "" *', c.List("a", "", ("*",))),
    (b"a LIST ~/Mail/ %", c.List("a", "~/Mail/", ("%",))),
    (
        b'a LIST (SUBSCRIBED RECURSIVEMATCH) "" ("*" INBOX%) RETURN (CHILDREN)',
        c.List("a", "", ("*", "INBOX%"), True, select_subscribed=True,
               select_recursive=True, return_children=True),
    ),
    (
        b'a LIST "" % RETURN (SUBSCRIBED SPECIAL-USE STATUS (MESSAGES unseen))',
        c.List("a", "", ("%",), True, return_subscribed=True, return_special_use=True,
               return_status=("MESSAGES", "UNSEEN")),
    ),
    (b'a LIST "" % RETURN (MYRIGHTS children)',
     c.List("a", "", ("%",), True, return_children=True, return_myrights=True)),
    (b"a LIST (SPECIAL-USE REMOTE) \"\" *",
     c.List("a", "", ("*",), True, select_special_use=True, select_remote=True)),
    (b'a LSUB "" *', c.Lsub("a", "", "*")),
    (b"a STATUS x (MESSAGES UIDNEXT highestmodseq)",
     c.Status("a", "x", ("MESSAGES", "UIDNEXT", "HIGHESTMODSEQ"))),
    (b"a APPEND x {3}\r\nabc", c.Append("a", "x", (c.AppendMessage((), None, b"abc"),))),
    (
        b'a APPEND x (\\Seen $Junk) "05-Jan-2024 13:01:02 -0130" ~{3}\r\na\x00c',
        c.Append("a", "x", (c.AppendMessage(
            ("\\Seen", "$Junk"),
            datetime(2024, 1, 5, 13, 1, 2, tzinfo=timezone(-timedelta(hours=1, minutes=30))),
            b"a\x00c", binary=True),)),
    ),
    (
        b'a APPEND x "5-Jan-2024 13:01:02 +0000" {1}\r\nz',
        c.Append("a", "x", (c.AppendMessage(
            (), datetime(2024, 1, 5, 13, 1, 2, tzinfo=UTC), b"z"),)),
    ),
    (
        b"a APPEND x {1+}\r\na () {1+}\r\nb",
        c.Append("a", "x", (c.AppendMessage((), None, b"a"), c.AppendMessage((), None, b"b"))),
    ),
]

ADMIN = [
    (b'a GETQUOTA ""', c.GetQuota("a", "")),
    (b"a GETQUOTAROOT inbox", c.GetQuotaRoot("a", "INBOX")),
    (b"a SETQUOTA user.bob (storage 1000 MESSAGE 5)",
     c.SetQuota("a", "user.bob", (("STORAGE", 1000), ("MESSAGE", 5)))),
    (b"a SETQUOTA x ()", c.SetQuota("a", "x", ())),
    (b"a GETACL x", c.GetAcl("a", "x")),
    (b"a SETACL x bob +lrs", c.SetAcl("a", "x", "bob", "+lrs")),
    (b"a DELETEACL x bob", c.DeleteAcl("a", "x", "bob")),
    (b"a LISTRIGHTS x anyone", c.ListRights("a", "x", "anyone")),
    (b"a MYRIGHTS x", c.MyRights("a", "x")),
    (b'a GETMETADATA "" /shared/comment', c.GetMetadata("a", "", ("/shared/comment",))),
    (b"a GETMETADATA (MAXSIZE 1024 DEPTH infinity) inbox (/private/a /shared/b)",
     c.GetMetadata("a", "INBOX", ("/private/a", "/shared/b"), 1024, "infinity")),
    (b'a SETMETADATA x (/shared/comment "hi" /private/x NIL /private/y ~{2}\r\n\x00\x01)',
     c.SetMetadata("a", "x", (("/shared/comment", b"hi"), ("/private/x", None),
                               ("/private/y", b"\x00\x01")))),
]


@pytest.mark.parametrize(("wire", "command"), SESSION + MAILBOX + ADMIN)
def test_parse_table(wire: bytes, command: c.Command) -> None:
    assert parse(wire) == command


BAD = [
    (b"", "*"),
    (b"+ NOOP", "*"),
    (b"a", "a"),
    (b"a  NOOP", "a"),
    (b"a FROB", "a"),
    (b"a NOOP x", "a"),
    (b"a UID NOOP", "a"),
    (b"a LOGIN fred", "a"),
    (b'a LOGIN "fred pw', "a"),
    (b"a LOGIN \xff\xfe pw", "a"),
    (b"a LOGIN {3}\r\nf\x00d pw", "a"),
    (b"a LOGIN ~{3}\r\nfed pw", "a"),
    (b"a AUTHENTICATE PLAIN AGZy!", "a"),
    (b"a AUTHENTICATE PLAIN AGZ", "a"),
    (b"a ENABLE", "a"),
    (b"a SELECT x (FROB)", "a"),
    (b"a SELECT x (CONDSTORE CONDSTORE)", "a"),
    (b"a CREATE x (FOO (x))", "a"),
    (b"a LIST (RECURSIVEMATCH) \"\" *", "a"),
    (b"a LIST (BOGUS) \"\" *", "a"),
    (b'a LIST "" * RETURN (BOGUS)', "a"),
    (b"a STATUS x (FOO)", "a"),
    (b"a STATUS x ()", "a"),
    (b"a APPEND x", "a"),
    (b'a APPEND x "abc"', "a"),
    (b'a APPEND x "32-Jan-2024 00:00:00 +0000" {1}\r\nz', "a"),
    (b"a SETQUOTA x (STORAGE)", "a"),
    (b'a SETMETADATA x (/shared/* "v")', "a"),
    (b"a GETMETADATA (DEPTH 2) x /shared/a", "a"),
    (b"a GETMETADATA (FROB 1) x /shared/a", "a"),
    (b"a SETMETADATA x ()", "a"),
    (b"a SETMETADATA x (/shared/a)", "a"),
    (b"a ID (" + b" ".join([b'"k" "v"'] * 31) + b")", "a"),
]


@pytest.mark.parametrize(("wire", "tag"), BAD)
def test_bad_carries_tag(wire: bytes, tag: str) -> None:
    with pytest.raises(Bad) as exc:
        parse(wire)
    assert exc.value.tag == tag


def test_literal_contents_are_never_rescanned() -> None:
    assert parse(b'a LOGIN {9}\r\nx" {3}\r\n) "p w"') == c.Login("a", 'x" {3}\r\n)', "p w")


def test_wire_needmore_is_not_an_error() -> None:
    w = Wire(max_line=100, max_literal=100)
    w.feed(b"a LOGIN")
    assert w.next() == NeedMore()


_VOCAB = [
    b"a1", b" ", b"UID", b"FETCH", b"STORE", b"SEARCH", b"LIST", b"SELECT", b"APPEND",
    b"LOGIN", b"AUTHENTICATE", b"ID", b"STATUS", b"SETQUOTA", b"CREATE", b"(", b")", b"[",
    b"]", b"<", b">", b".", b"1", b"0", b"*", b"$", b":", b",", b"\"", b"\\", b"{3}\r\nabc",
    b"~{2}\r\nxy", b"{1+}\r\n\x00", b"BODY", b"PEEK", b"HEADER.FIELDS", b"NOT", b"OR",
    b"RETURN", b"CHARSET", b"NIL", b"\xc3\xa9", b"\xff", b"1-Jan-2020", b"+FLAGS", b"%",
    b"\r\n", b"\n", b"QRESYNC", b"CHANGEDSINCE", b"VANISHED", b"BINARY", b"=", b"-",
]


def _parse_all(data: bytes) -> None:
    """Feed ``data``; every Line must parse or raise Bad/UnknownCharset."""
    w = Wire(max_line=200, max_literal=50, max_nonsync_literal=20)
    w.feed(data)
    while not isinstance(ev := w.next(), NeedMore):
        if isinstance(ev, Line):
            try:
                parse_command(ev)
            except Bad:  # UnknownCharset is a Bad too
                pass


@given(st.binary(max_size=300))
def test_random_bytes_give_bad_or_a_command(data: bytes) -> None:
    _parse_all(data)


@given(st.lists(st.sampled_from(_VOCAB), max_size=40))
def test_random_token_soup_gives_bad_or_a_command(tokens: list[bytes]) -> None:
    _parse_all(b"".join(tokens) + b"\r\n")
