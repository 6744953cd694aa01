"""The LMTP wire: command lines, over-long lines, DATA bodies."""

from hypothesis import given
from hypothesis import strategies as st

from roost.lmtp.wire import Body, BodyTooBig, Event, Line, NeedMore, TooLong, Wire


def drain(wire: Wire) -> list[Event]:
    events: list[Event] = []
    while not isinstance(event := wire.next(), NeedMore):
        events.append(event)
    return events


def test_lines_crlf_and_bare_lf() -> None:
    w = Wire()
    w.feed(b"LHLO a\r\nNOOP\nRS")
    assert drain(w) == [Line(b"LHLO a"), Line(b"NOOP")]
    w.feed(b"ET\r\n")
    assert drain(w) == [Line(b"RSET")]


def test_too_long_line_is_dropped_and_the_next_line_is_read() -> None:
    w = Wire(max_line=10)
    w.feed(b"X" * 50)
    assert drain(w) == []
    w.feed(b"Y" * 50 + b"\r\nNOOP\r\n")
    assert drain(w) == [TooLong(), Line(b"NOOP")]


def test_body_unstuffs_dots_and_normalises_bare_lf() -> None:
    w = Wire()
    w.start_body(0)
    w.feed(b"Subject: x\n\r\n..leading dot\r\n.\r\nQUIT\r\n")
    assert drain(w) == [Body(b"Subject: x\r\n\r\n.leading dot\r\n"), Line(b"QUIT")]


def test_body_terminator_split_across_feeds() -> None:
    w = Wire()
    w.start_body(0)
    for piece in (b"a\r", b"\nb\r\n", b".", b"\r", b"\n"):
        w.feed(piece)
        events = drain(w)
    assert events == [Body(b"a\r\nb\r\n")]


def test_empty_body() -> None:
    w = Wire()
    w.start_body(0)
    w.feed(b".\r\n")
    assert drain(w) == [Body(b"")]


def test_body_over_limit_is_read_to_its_end_then_refused() -> None:
    w = Wire()
    w.start_body(100)
    w.feed(b"x" * 300)           # one long line with no end yet
    w.feed(b".\r\n" + b"y\r\n" * 10 + b".\r\nNOOP\r\n")
    events = drain(w)
    assert isinstance(events[0], BodyTooBig)
    assert events[1:] == [Line(b"NOOP")]


def test_dot_ending_a_dropped_line_is_not_the_terminator() -> None:
    w = Wire()
    w.start_body(10)
    w.feed(b"z" * 40)
    assert drain(w) == []
    w.feed(b".\r\nmore\r\n.\r\n")
    assert [type(e) for e in drain(w)] == [BodyTooBig]


@given(st.binary(max_size=300), st.lists(st.integers(1, 40), max_size=20))
def test_any_chunking_gives_the_same_events(data: bytes, cuts: list[int]) -> None:
    whole = Wire(max_line=64)
    whole.feed(data)
    expected = drain(whole)
    pieces = Wire(max_line=64)
    got: list[Event] = []
    rest = data
    for cut in cuts:
        pieces.feed(rest[:cut])
        rest = rest[cut:]
        got += drain(pieces)
    pieces.feed(rest)
    got += drain(pieces)
    assert got == expected


@given(st.lists(st.binary(max_size=40).filter(lambda b: b"\n" not in b and b"\r" not in b),
                max_size=20))
def test_body_round_trip_through_dot_stuffing(lines: list[bytes]) -> None:
    stuffed = b"".join((b"." + line if line.startswith(b".") else line) + b"\r\n"
                       for line in lines)
    w = Wire()
    w.start_body(0)
    w.feed(stuffed + b".\r\n")
    assert drain(w) == [Body(b"".join(line + b"\r\n" for line in lines))]
