"""Wire framing: lines, literals, limits and resynchronisation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from roost.imap.wire import (
    LITERAL_MINUS_MAX,
    Line,
    NeedLiteral,
    NeedMore,
    TooBig,
    TooLong,
    Wire,
)


def events(w: Wire) -> list[object]:
    """Every event up to and including the next NeedMore."""
    out: list[object] = []
    while True:
        ev = w.next()
        out.append(ev)
        if isinstance(ev, NeedMore):
            return out


def test_simple_line() -> None:
    w = Wire(max_line=100, max_literal=100)
    w.feed(b"a1 NOOP\r\n")
    assert w.next() == Line((b"a1 NOOP",), ())
    assert w.next() == NeedMore()


def test_line_split_across_feeds_and_bare_lf() -> None:
    w = Wire(max_line=100, max_literal=100)
    w.feed(b"a1 NO")
    assert w.next() == NeedMore()
    w.feed(b"OP\na2 CAPABILITY\r")
    assert w.next() == Line((b"a1 NOOP",), ())
    assert w.next() == NeedMore()
    w.feed(b"\n")
    assert w.next() == Line((b"a2 CAPABILITY",), ())


def test_sync_literal_as_in_style_guide() -> None:
    w = Wire(max_line=8192, max_literal=1000)
    w.feed(b"t1 APPEND Drafts {5}\r\n")
    assert w.next() == NeedLiteral(5, sync=True)
    assert w.next() == NeedMore()
    w.feed(b"hel")
    assert w.next() == NeedMore()
    w.feed(b"lo\r\n")
    assert w.next() == Line((b"t1 APPEND Drafts {5}", b""), (b"hello",))


def test_nonsync_and_binary_literals_in_one_feed() -> None:
    w = Wire(max_line=100, max_literal=100)
    w.feed(b"a LOGIN {4+}\r\nfred {4+}\r\nx\r\ny\r\nb APPEND x ~{2}\r\n\x00\x01\r\n")
    assert events(w) == [
        NeedLiteral(4, sync=False),
        NeedLiteral(4, sync=False),
        Line((b"a LOGIN {4+}", b" {4+}", b""), (b"fred", b"x\r\ny")),
        NeedLiteral(2, sync=True),
        Line((b"b APPEND x ~{2}", b""), (b"\x00\x01",)),
        NeedMore(),
    ]


def test_too_long_line_resynchronises() -> None:
    w = Wire(max_line=20, max_literal=100)
    w.feed(b"a7 LOGIN " + b"x" * 50)
    assert w.next() == TooLong("a7", TooBig.LINE)
    assert w.next() == NeedMore()
    w.feed(b"x" * 50 + b"\r\na8 NOOP\r\n")
    assert events(w) == [Line((b"a8 NOOP",), ()), NeedMore()]


def test_too_long_line_with_nonsync_literal_at_end_skips_it() -> None:
    w = Wire(max_line=20, max_literal=100)
    w.feed(b"a7 LOGIN " + b"x" * 50 + b" {3+}\r\nabc\r\na8 NOOP\r\n")
    assert events(w) == [TooLong("a7", TooBig.LINE), Line((b"a8 NOOP",), ()), NeedMore()]


def test_too_big_sync_literal_is_refused_and_next_line_read() -> None:
    w = Wire(max_line=100, max_literal=10)
    w.feed(b"a9 APPEND x {11}\r\na10 NOOP\r\n")
    assert events(w) == [
        TooLong("a9", TooBig.SYNC_LITERAL),
        Line((b"a10 NOOP",), ()),
        NeedMore(),
    ]


def test_too_big_nonsync_literal_is_swallowed_with_rest_of_command() -> None:
    w = Wire(max_line=100, max_literal=10)
    w.feed(b"a9 APPEND x {11+}\r\n" + b"z" * 6)
    assert events(w) == [TooLong("a9", TooBig.NONSYNC_LITERAL), NeedMore()]
    w.feed(b"z" * 5 + b" (\\Seen) {2+}\r\nzz\r\na10 NOOP\r\n")
    assert events(w) == [Line((b"a10 NOOP",), ()), NeedMore()]


def test_literal_minus_bound() -> None:
    """RFC 7888 §5: under LITERAL- a non-sync literal > 4096 is refused."""
    w = Wire(max_line=100, max_literal=10**6, max_nonsync_literal=LITERAL_MINUS_MAX)
    w.feed(b"a APPEND x {4097+}\r\n" + b"z" * 4097 + b"\r\nb APPEND x {4097}\r\n")
    assert events(w) == [
        TooLong("a", TooBig.NONSYNC_LITERAL),
        NeedLiteral(4097, sync=True),
        NeedMore(),
    ]


def test_unreadable_tag_is_star() -> None:
    w = Wire(max_line=10, max_literal=10)
    w.feed(b"(bad" + b"x" * 20)
    assert w.next() == TooLong("*", TooBig.LINE)


def test_raw_lines_for_authenticate_and_idle() -> None:
    w = Wire(max_line=20, max_literal=10)
    w.feed(b"AGZyZWQAc2VjcmV0\r\nDONE\r\n" + b"y" * 30 + b" {3+}\r\nDONE\r\n")
    assert w.next_raw_line() == b"AGZyZWQAc2VjcmV0"
    assert w.next_raw_line() == b"DONE"
    assert w.next_raw_line() == TooLong("*", TooBig.LINE)
    assert w.next_raw_line() == b"DONE"  # the discarded raw line carries no literal
    assert w.next_raw_line() == NeedMore()


def test_total_text_of_command_is_bounded() -> None:
    """Many small literals cannot smuggle past max_line."""
    w = Wire(max_line=30, max_literal=10)
    w.feed(b"a LOGIN {1+}\r\nx {1+}\r\ny" + b" {1+}\r\nz" * 10 + b"\r\nb NOOP\r\n")
    evs = [e for e in events(w) if not isinstance(e, NeedLiteral)]
    assert evs == [TooLong("a", TooBig.LINE), Line((b"b NOOP",), ()), NeedMore()]


@given(st.lists(st.binary(max_size=60), max_size=20))
def test_random_bytes_only_give_events(feeds: list[bytes]) -> None:
    w = Wire(max_line=40, max_literal=50, max_nonsync_literal=20)
    for data in feeds:
        w.feed(data)
        evs = events(w)
        assert all(isinstance(e, Line | NeedLiteral | TooLong | NeedMore) for e in evs)


@given(st.binary(max_size=200))
def test_recovers_after_garbage_without_literals(garbage: bytes) -> None:
    w = Wire(max_line=40, max_literal=50)
    w.feed(garbage.replace(b"{", b"") + b"\r\nz1 NOOP\r\n")
    lines = [e for e in events(w) if isinstance(e, Line)]
    assert lines[-1] == Line((b"z1 NOOP",), ())


def test_literals_of_one_command_share_the_literal_bound() -> None:
    w = Wire(max_line=100, max_literal=10)
    w.feed(b"a LOGIN {6}\r\n")
    assert w.next() == NeedLiteral(6, sync=True)
    w.feed(b"abcdef {5}\r\nb NOOP\r\n")
    assert events(w) == [TooLong("a", TooBig.SYNC_LITERAL), Line((b"b NOOP",), ()), NeedMore()]


def test_literal_limit_per_command() -> None:
    """After login the server bounds APPEND and other literals differently."""
    w = Wire(max_line=100, max_literal=10)
    w.set_limits(100, 1000, lambda first: 1000 if b" APPEND " in first else 10)
    w.feed(b"a1 SEARCH TEXT {20}\r\n")
    assert w.next() == TooLong("a1", TooBig.SYNC_LITERAL)
    w.feed(b"a2 APPEND INBOX {20}\r\n")
    assert w.next() == NeedLiteral(20, sync=True)


def test_mid_command_tracks_partial_input() -> None:
    w = Wire(max_line=100, max_literal=100)
    assert not w.mid_command
    w.feed(b"a1 NO")
    assert w.next() == NeedMore() and w.mid_command
    w.feed(b"OP\r\n")
    assert isinstance(w.next(), Line) and not w.mid_command
    w.feed(b"a2 LOGIN {3}\r\n")
    assert w.next() == NeedLiteral(3, sync=True)
    assert w.next() == NeedMore() and w.mid_command  # the literal is awaited
