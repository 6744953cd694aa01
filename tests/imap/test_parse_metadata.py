"""GETMETADATA / SETMETADATA grammar (RFC 5464 §5): tables, a hypothesis
round trip, and malformed commands answered BAD on a usable connection
with nothing stored."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.harness.imap import ImapTranscript
from tests.imap.test_parse import parse

from roost.imap import commands as c
from roost.imap.parse import Bad

GOOD = [
    (b'a GETMETADATA "" /shared/comment', c.GetMetadata("a", "", ("/shared/comment",))),
    (b"a GETMETADATA INBOX /Private/Comment", c.GetMetadata("a", "INBOX", ("/private/comment",))),
    (b'a GETMETADATA (DEPTH 1 MAXSIZE 5) x (/shared "/private/a")',
     c.GetMetadata("a", "x", ("/shared", "/private/a"), 5, "1")),
    (b"a GETMETADATA x (depth INFINITY) (/shared/a)",
     c.GetMetadata("a", "x", ("/shared/a",), None, "infinity")),
    (b'a GETMETADATA x ("/shared/*")', c.GetMetadata("a", "x", ("/shared/*",))),
    (b"a GETMETADATA x /shared/%", c.GetMetadata("a", "x", ("/shared/%",))),
    (b'a SETMETADATA "" (/shared/motd {2}\r\nhi)', c.SetMetadata("a", "", (("/shared/motd", b"hi"),))),
    (b"a SETMETADATA x (/shared/a ~{3}\r\n\x00\x01\x02)",
     c.SetMetadata("a", "x", (("/shared/a", b"\x00\x01\x02"),))),
]

BAD = [
    b"a GETMETADATA x",
    b"a GETMETADATA x /shared/a /shared/b",  # Cyrus: BAD too (RFC 5464 §4.4.1's example)
    b"a GETMETADATA x /comment",
    b"a GETMETADATA x /shared/",
    b"a GETMETADATA x /shared//a",
    b"a GETMETADATA (MAXSIZE x) x /shared/a",
    b"a GETMETADATA (DEPTH 2) x /shared/a",
    b"a GETMETADATA () x /shared/a",
    b"a SETMETADATA x (/shared \"v\")",
    b"a SETMETADATA x (/shared/a%b \"v\")",
    b"a SETMETADATA x (/shared/a \"v\" /shared/b)",
    b"a SETMETADATA x /shared/a \"v\"",
    b"a SETMETADATA x (/shared/\xc3\xa9 \"v\")",
]


@pytest.mark.parametrize(("wire", "command"), GOOD)
def test_good(wire: bytes, command: c.Command) -> None:
    assert parse(wire) == command


@pytest.mark.parametrize("wire", BAD)
def test_bad(wire: bytes) -> None:
    with pytest.raises(Bad) as err:
        parse(wire)
    assert err.value.tag == "a"


_COMPONENT = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=8)
_ENTRY = st.builds(lambda scope, parts: scope + "".join("/" + p for p in parts),
                   st.sampled_from(["/shared", "/private"]), st.lists(_COMPONENT, min_size=1,
                                                                      max_size=4))
_VALUE = st.one_of(st.none(), st.binary(max_size=40))


def _render_value(value: bytes | None) -> bytes:
    if value is None:
        return b"NIL"
    return b"~{%d}\r\n%s" % (len(value), value)


@given(st.lists(st.tuples(_ENTRY, _VALUE), min_size=1, max_size=5))
def test_setmetadata_round_trip(values: list[tuple[str, bytes | None]]) -> None:
    wire = b"t SETMETADATA Box (" + b" ".join(
        e.encode() + b" " + _render_value(v) for e, v in values) + b")"
    assert parse(wire) == c.SetMetadata("t", "Box", tuple(values))


@given(st.lists(_ENTRY, min_size=1, max_size=5), st.one_of(st.none(), st.integers(0, 10**6)),
       st.sampled_from(["0", "1", "infinity"]))
def test_getmetadata_round_trip(entries: list[str], maxsize: int | None, depth: str) -> None:
    options = [f"DEPTH {depth}"] + ([f"MAXSIZE {maxsize}"] if maxsize is not None else [])
    wire = f"t GETMETADATA ({' '.join(options)}) Box ({' '.join(entries)})".encode()
    assert parse(wire) == c.GetMetadata("t", "Box", tuple(entries), maxsize, depth)


@given(st.binary(max_size=60))
def test_random_arguments_parse_or_are_bad(tail: bytes) -> None:
    for name in (b"GETMETADATA", b"SETMETADATA"):
        try:
            parse(b"t " + name + b" " + tail.replace(b"\r", b"").replace(b"\n", b""))
        except Bad as err:
            assert err.tag == "t"


async def test_malformed_is_bad_and_changes_nothing(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 SETMETADATA INBOX (/shared/comment "x" /shared/bad%name "y")
        S: a1 BAD {…}
        C: a2 SETMETADATA INBOX (/shared/comment "x"
        S: a2 BAD {…}
        C: a3 GETMETADATA (DEPTH 7) INBOX /shared/comment
        S: a3 BAD {…}
        C: a4 GETMETADATA INBOX /shared/comment
        S: * METADATA "INBOX" ("/shared/comment" NIL)
        S: a4 OK {…}
    """)
