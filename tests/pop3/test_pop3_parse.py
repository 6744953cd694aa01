"""The parser and the wire, without sockets: a table of lines -> commands,
the hypothesis round trip parse(render(c)) == c, random bytes give Bad
(never anything else), and the wire's bound on lines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roost.pop3 import commands as c
from roost.pop3.parse import Bad, parse_command, render
from roost.pop3.wire import MAX_COMMAND, Line, NeedMore, TooLong, Wire

TABLE = [
    (b"STAT", c.Stat()),
    (b"stat", c.Stat()),
    (b"LIST", c.List()),
    (b"LIST 3", c.List(3)),
    (b"LIST  3", c.List(3)),
    (b"RETR 12", c.Retr(12)),
    (b"TOP 1 0", c.Top(1, 0)),
    (b"DELE 2", c.Dele(2)),
    (b"UIDL", c.Uidl()),
    (b"UIDL 1", c.Uidl(1)),
    (b"USER bob", c.User("bob")),
    (b"PASS  two  spaces ", c.Pass(" two  spaces ")),
    (b"AUTH", c.Auth(None)),
    (b"AUTH PLAIN", c.Auth("PLAIN")),
    (b"AUTH PLAIN =", c.Auth("PLAIN", "=")),
    (b"STLS", c.Stls()),
    (b"CAPA", c.Capa()),
    (b"NOOP", c.Noop()),
    (b"RSET", c.Rset()),
    (b"QUIT", c.Quit()),
]


@pytest.mark.parametrize(("line", "command"), TABLE)
def test_table(line: bytes, command: c.Command) -> None:
    assert parse_command(line) == command


@pytest.mark.parametrize("line", [b"RETR", b"RETR -1", b"RETR 1 2", b"TOP 1", b"DELE x",
                                  b"LIST 1x", b"USER", b"PASS", b"AUTH A B C", b"QUIT now",
                                  b"RETR \xd9\xa3", b"HELO", b""])
def test_bad_lines(line: bytes) -> None:
    with pytest.raises(Bad):
        parse_command(line)


NUMBERS = st.integers(0, 9_999_999_999)
WORD = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=20)
COMMANDS = st.one_of(
    st.builds(c.Stat), st.builds(c.Noop), st.builds(c.Rset), st.builds(c.Quit),
    st.builds(c.Capa), st.builds(c.Stls),
    st.builds(c.List, st.none() | NUMBERS), st.builds(c.Uidl, st.none() | NUMBERS),
    st.builds(c.Retr, NUMBERS), st.builds(c.Dele, NUMBERS),
    st.builds(c.Top, NUMBERS, NUMBERS), st.builds(c.User, WORD),
    st.builds(c.Pass, st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E),
                              min_size=1, max_size=40)),
    st.builds(c.Auth, st.none() | WORD),
    st.builds(c.Auth, WORD, WORD),
)


@given(COMMANDS)
def test_round_trip(command: c.Command) -> None:
    assert parse_command(render(command)) == command


@given(st.binary(max_size=300))
def test_random_bytes_parse_or_raise_bad(line: bytes) -> None:
    try:
        parse_command(line.replace(b"\n", b""))
    except Bad:
        pass


@given(st.lists(st.binary(max_size=600), max_size=8))
def test_wire_never_buffers_past_the_limit(pieces: list[bytes]) -> None:
    wire = Wire()
    for piece in pieces:
        wire.feed(piece)
        while not isinstance(event := wire.next(), NeedMore):
            if isinstance(event, Line):
                assert len(event.text) < MAX_COMMAND
        assert len(wire._buf) < MAX_COMMAND + 600


def test_wire_resynchronises_after_a_long_line() -> None:
    wire = Wire()
    wire.feed(b"X" * 1000)
    assert wire.next() == NeedMore()
    wire.feed(b"Y" * 1000 + b"\r\nSTAT\r\n")
    assert wire.next() == TooLong()
    assert wire.next() == Line(b"STAT")
    wire.feed(b"A" * (MAX_COMMAND - 2) + b"\r\n")  # exactly 255 with CRLF
    assert isinstance(wire.next(), Line)
    wire.feed(b"A" * (MAX_COMMAND - 1) + b"\r\n")
    assert wire.next() == TooLong()
