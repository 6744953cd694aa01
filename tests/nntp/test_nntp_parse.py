"""The sans-IO pieces: command parser, ranges, wildmats (RFC 3977 §4),
dot-stuffing out and the article framer in, as tables and properties."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roost.nntp import commands as c
from roost.nntp.parse import MAX_ARTICLE, Bad, article_range, parse_command, when
from roost.nntp.responses import Stuffer, block
from roost.nntp.wildmat import BadWildmat, parse_wildmat
from roost.nntp.wire import Body, BodyTooBig, Line, NeedMore, TooLong, nntp_wire

TABLE = [
    (b"group comp.lang", ("GROUP", c.Group("comp.lang"))),
    (b"LISTGROUP", ("LISTGROUP", c.ListGroup(None, c.Range(1)))),
    (b"listgroup a 5-9", ("LISTGROUP", c.ListGroup("a", c.Range(5, 9)))),
    (b"ARTICLE <a@b>", ("ARTICLE", c.Article("ARTICLE", c.MessageId("a@b")))),
    (b"head 7", ("HEAD", c.Article("HEAD", 7))),
    (b"STAT", ("STAT", c.Article("STAT", None))),
    (b"OVER 1-", ("OVER", c.Over(c.Range(1, None)))),
    (b"XOVER 3", ("XOVER", c.Over(c.Range(3, 3), legacy=True))),
    (b"HDR Subject\t<x@y>", ("HDR", c.Hdr("Subject", c.MessageId("x@y")))),
    (b"LIST active.times", ("LIST", c.ListCmd("ACTIVE.TIMES", None))),
    (b"LIST ACTIVE comp.*", ("LIST", c.ListCmd("ACTIVE", "comp.*"))),
    (b"AUTHINFO USER bob", ("AUTHINFO", c.AuthinfoUser("bob"))),
    (b"AUTHINFO PASS two words", ("AUTHINFO", c.AuthinfoPass("two words"))),
    (b"AUTHINFO SASL PLAIN =", ("AUTHINFO", c.AuthinfoSasl("PLAIN", b""))),
    (b"IHAVE <i@h>", ("IHAVE", c.Ihave(c.MessageId("i@h")))),
    (b"mode reader", ("MODE", c.Mode("READER"))),
]


@pytest.mark.parametrize(("line", "expected"), TABLE)
def test_command_table(line: bytes, expected: tuple[str, c.Command]) -> None:
    assert parse_command(line) == expected


@pytest.mark.parametrize(("line", "code"), [
    (b"", 500), (b"NOPE", 500), (b"GROUP", 501), (b"ARTICLE 0", 501), (b"XOVER <a@b>", 501),
    (b"QUIT now", 501), (b"AUTHINFO SASL PLAIN %%%", 501), (b"\xff", 501), (b"GROUP a\x01", 501),
])
def test_bad_lines(line: bytes, code: int) -> None:
    with pytest.raises(Bad) as caught:
        parse_command(line)
    assert caught.value.code == code


@given(st.binary(max_size=80))
def test_any_bytes_parse_or_are_bad(line: bytes) -> None:
    try:
        parse_command(line)
    except Bad as bad:
        assert bad.code in (500, 501)


@given(st.integers(1, MAX_ARTICLE), st.one_of(st.none(), st.integers(1, MAX_ARTICLE)))
def test_range_round_trip(low: int, high: int | None) -> None:
    text = f"{low}-" + ("" if high is None else str(high))
    parsed = article_range(text)
    assert parsed == c.Range(low, high)
    assert (low in parsed) == (high is None or low <= high)


def test_two_digit_years_are_the_most_recent() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert when("260101", "000000", "GMT", now).year == 2026
    assert when("270101", "000000", "GMT", now).year == 1927
    assert when("19990101", "235959", "GMT", now) == datetime(1999, 1, 1, 23, 59, 59, tzinfo=UTC)


NAMES = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e,
                              blacklist_characters="*?,![\\]"), min_size=1, max_size=20)


@given(NAMES, NAMES)
def test_a_plain_pattern_matches_only_itself(pattern: str, name: str) -> None:
    assert parse_wildmat(pattern).matches(name) == (pattern == name)
    assert parse_wildmat("*").matches(name)
    assert not parse_wildmat(f"*,!{name}").matches(name)
    assert parse_wildmat(f"!{name},*").matches(name)  # the rightmost match decides


@pytest.mark.parametrize("text", ["", "a,,b", "a[b]", "a\\b", "!", "a!b", "a b"])
def test_bad_wildmats(text: str) -> None:
    with pytest.raises(BadWildmat):
        parse_wildmat(text)


def test_wildmat_question_mark_is_one_character() -> None:
    assert parse_wildmat("a?c").matches("aéc")
    assert not parse_wildmat("a?c").matches("ac")


def unstuff(data: bytes) -> bytes:
    lines = data.split(b"\r\n")
    assert lines[-2:] == [b".", b""], "ends with the terminator"
    body = lines[:-2]
    assert b"." not in body, "no line is the terminator before the end"
    return b"\r\n".join(line[1:] if line.startswith(b".") else line for line in body) + b"\r\n"


TEXT = st.lists(st.text("ab.\r", max_size=6).map(str.encode), max_size=8).map(
    lambda lines: b"".join(line.replace(b"\r", b"") + b"\r\n" for line in lines))


@given(TEXT, st.lists(st.integers(1, 7), max_size=6))
def test_stuffing_in_chunks_round_trips(text: bytes, cuts: list[int]) -> None:
    stuffer = Stuffer()
    out, rest = [], text
    for cut in cuts:
        out.append(stuffer.chunk(rest[:cut]))
        rest = rest[cut:]
    out.append(stuffer.chunk(rest))
    out.append(stuffer.end())
    assert unstuff(b"".join(out)) == (text or b"\r\n")


@given(TEXT)
def test_the_framer_reads_back_what_stuffing_sends(text: bytes) -> None:
    stuffer = Stuffer()
    wire = nntp_wire()
    wire.start_body(0)
    wire.feed(stuffer.chunk(text) + stuffer.end() + b"DATE\r\n")
    assert wire.next() == Body(text)
    assert wire.next() == Line(b"DATE")
    assert wire.next() == NeedMore()


def test_the_framer_drops_an_article_past_its_bound() -> None:
    wire = nntp_wire()
    wire.start_body(100)
    for _ in range(50):
        wire.feed(b"x" * 1000 + b"\r\n")
        assert wire.next() == NeedMore()
    wire.feed(b".\r\nQUIT\r\n")
    assert isinstance(wire.next(), BodyTooBig)
    assert wire.next() == Line(b"QUIT")


def test_the_command_bound_is_512_octets_with_crlf() -> None:
    wire = nntp_wire()
    wire.feed(b"x" * 510 + b"\r\n" + b"y" * 511 + b"\r\n")
    assert wire.next() == Line(b"x" * 510)
    assert wire.next() == TooLong()


def test_blocks_stuff_their_lines() -> None:
    assert block(215, "ok", [".hidden", "plain"]) == b"215 ok\r\n..hidden\r\nplain\r\n.\r\n"
