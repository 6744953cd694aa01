"""FETCH, STORE, COPY, MOVE: wire -> command tables and malformed input."""

from __future__ import annotations

import pytest

from roost.imap import commands as c
from roost.imap.parse import Bad, parse_command
from roost.imap.sequence import SequenceSet
from roost.imap.wire import Line

S = SequenceSet.parse
A = c.FetchAttr


def parse(text: bytes) -> c.Command:
    return parse_command(Line((text,), ()))


def fetch(
    items: tuple[c.FetchItem, ...],
    seq: str = "1",
    uid: bool = False,
    changedsince: int | None = None,
    vanished: bool = False,
) -> c.Fetch:
    return c.Fetch("a", uid, S(seq), items, changedsince, vanished)


TABLE = [
    (b"a FETCH 1 ALL", fetch((A("FLAGS"), A("INTERNALDATE"), A("RFC822.SIZE"), A("ENVELOPE")))),
    (b"a FETCH 1 fast", fetch((A("FLAGS"), A("INTERNALDATE"), A("RFC822.SIZE")))),
    (b"a FETCH 1 FULL",
     fetch((A("FLAGS"), A("INTERNALDATE"), A("RFC822.SIZE"), A("ENVELOPE"), A("BODY")))),
    (b"a FETCH 2:* flags", fetch((A("FLAGS"),), "2:*")),
    (b"a FETCH $ (UID RFC822 RFC822.HEADER RFC822.TEXT BODY BODYSTRUCTURE MODSEQ)",
     fetch(tuple(A(n) for n in
                 ("UID", "RFC822", "RFC822.HEADER", "RFC822.TEXT", "BODY", "BODYSTRUCTURE",
                  "MODSEQ")), "$")),
    (b"a FETCH 1 BODY[]", fetch((c.FetchBody(c.Section()),))),
    (b"a FETCH 1 body.peek[]<0.1024>",
     fetch((c.FetchBody(c.Section(), peek=True, partial=c.Partial(0, 1024)),))),
    (b"a FETCH 1 BODY[HEADER]", fetch((c.FetchBody(c.Section(text="HEADER")),))),
    (b"a FETCH 1 BODY[TEXT]", fetch((c.FetchBody(c.Section(text="TEXT")),))),
    (b"a FETCH 1 BODY[1.2.3]", fetch((c.FetchBody(c.Section((1, 2, 3))),))),
    (b"a FETCH 1 BODY[2.MIME]", fetch((c.FetchBody(c.Section((2,), "MIME")),))),
    (b"a FETCH 1 BODY[4.2.header]", fetch((c.FetchBody(c.Section((4, 2), "HEADER")),))),
    (b"a FETCH 1 (BODY.PEEK[HEADER.FIELDS (From \"To\")])",
     fetch((c.FetchBody(c.Section((), "HEADER.FIELDS", ("From", "To")), peek=True),))),
    (b"a FETCH 1 BODY[1.HEADER.FIELDS.NOT (Received)]",
     fetch((c.FetchBody(c.Section((1,), "HEADER.FIELDS.NOT", ("Received",))),))),
    (b"a FETCH 1 (BINARY[1.2]<10.20> BINARY.PEEK[] BINARY.SIZE[3])",
     fetch((c.FetchBinary((1, 2), partial=c.Partial(10, 20)), c.FetchBinary((), peek=True),
            c.FetchBinary((3,), size=True)))),
    (b"a FETCH 1:5 (FLAGS) (CHANGEDSINCE 12345)", fetch((A("FLAGS"),), "1:5", changedsince=12345)),
    (b"a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 7 VANISHED)",
     fetch((A("FLAGS"),), "1:*", uid=True, changedsince=7, vanished=True)),
    (b"a UID FETCH 4 UID", fetch((A("UID"),), "4", uid=True)),
    (b"a STORE 1:3 +FLAGS (\\Seen \\Deleted)",
     c.Store("a", False, S("1:3"), "+", False, ("\\Seen", "\\Deleted"))),
    (b"a STORE 1 -FLAGS.SILENT $Junk", c.Store("a", False, S("1"), "-", True, ("$Junk",))),
    (b"a STORE 1 FLAGS ()", c.Store("a", False, S("1"), "", False, ())),
    (b"a STORE 1 flags \\Seen foo", c.Store("a", False, S("1"), "", False, ("\\Seen", "foo"))),
    (b"a UID STORE 5 (UNCHANGEDSINCE 0) +FLAGS (x)",
     c.Store("a", True, S("5"), "+", False, ("x",), unchangedsince=0)),
    (b"a COPY 1:2 Trash", c.Copy("a", False, S("1:2"), "Trash")),
    (b"a UID COPY 1:2 inbox", c.Copy("a", True, S("1:2"), "INBOX")),
    (b"a MOVE 3,5 \"Old mail\"", c.Move("a", False, S("3,5"), "Old mail")),
    (b"a UID MOVE $ x", c.Move("a", True, S("$"), "x")),
]


@pytest.mark.parametrize(("wire", "command"), TABLE)
def test_parse_table(wire: bytes, command: c.Command) -> None:
    assert parse(wire) == command


BAD = [
    b"a FETCH",
    b"a FETCH 1",
    b"a FETCH 0 FLAGS",
    b"a FETCH 1 FROB",
    b"a FETCH 1 ()",
    b"a FETCH 1 (FLAGS",
    b"a FETCH 1 BODY[MIME]",
    b"a FETCH 1 BODY[0]",
    b"a FETCH 1 BODY[1.]",
    b"a FETCH 1 BODY[HEADER.FIELDS ()]",
    b"a FETCH 1 BODY[HEADER.FIELDS]",
    b"a FETCH 1 BODY[TEXT",
    b"a FETCH 1 BODY[]<0>",
    b"a FETCH 1 BODY[]<0.0>",
    b"a FETCH 1 BINARY[TEXT]",
    b"a FETCH 1 BINARY.SIZE[1]<0.5>",
    b"a FETCH 1 FLAGS (VANISHED)",
    b"a UID FETCH 1 FLAGS (VANISHED)",
    b"a FETCH 1 FLAGS (CHANGEDSINCE 0)",
    b"a FETCH 1 FLAGS (CHANGEDSINCE 1 CHANGEDSINCE 2)",
    b"a FETCH 1:2:3 FLAGS",
    b"a FETCH 4294967296 FLAGS",
    b"a STORE 1 FLAGS",
    b"a STORE 1 XFLAGS (a)",
    b"a STORE 1 (FOO 1) FLAGS (a)",
    b"a COPY 1",
    b"a MOVE x y",
    b"a UID EXPUNGE",
]


@pytest.mark.parametrize("wire", BAD)
def test_bad(wire: bytes) -> None:
    with pytest.raises(Bad) as exc:
        parse(wire)
    assert exc.value.tag == "a"
