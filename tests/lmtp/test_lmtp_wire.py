"""The LMTP wire: command lines, over-long lines, DATA bodies."""

from hypothesis import given
from hypothesis import strategies as st

from roost.lmtp.wire import Body, BodyTooBig, Event, Line, NeedMore, TooLong, Wire


def drain(wire: Wire) -> list[Event]:
    events: list[Event] = []
    while not isinstance(event := wire.next(), NeedMore):
        events.append(event)
    return events


def fed_in_pieces(wire: Wire, data: bytes, cuts: list[int]) -> list[Event]:
    """The events of `data` fed in reads of the `cuts` sizes, then the rest."""
    got: list[Event] = []
    for cut in cuts:
        wire.feed(data[:cut])
        data = data[cut:]
        got += drain(wire)
    wire.feed(data)
    return got + drain(wire)


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
    assert fed_in_pieces(Wire(max_line=64), data, cuts) == expected


@given(st.lists(st.binary(max_size=40).filter(lambda b: b"\n" not in b and b"\r" not in b),
                max_size=20))
def test_body_round_trip_through_dot_stuffing(lines: list[bytes]) -> None:
    stuffed = b"".join((b"." + line if line.startswith(b".") else line) + b"\r\n"
                       for line in lines)
    w = Wire()
    w.start_body(0)
    w.feed(stuffed + b".\r\n")
    assert drain(w) == [Body(b"".join(line + b"\r\n" for line in lines))]


class CountingBuffer(bytearray):
    """The wire's buffer, counting the bytes its searches for a line end look at."""

    looked = 0

    def rfind(self, sub: object, start: int | None = None, end: int | None = None) -> int:
        self.looked += len(self) - (start or 0)
        return super().rfind(sub, start, end)  # type: ignore[call-overload, no-any-return]


def endless_line(limit: int, size: int, piece: int) -> tuple[list[Event], int]:
    """Feed one body line of `size` bytes in `piece`-byte reads, then its end
    and the terminator: the events, and the bytes searched for a line end."""
    w = Wire()
    w.start_body(limit)
    w._buf = buffer = CountingBuffer()
    events: list[Event] = []
    for _ in range(size // piece):
        w.feed(b"x" * piece)
        events += drain(w)
    w.feed(b"\r\n.\r\nNOOP\r\n")
    return events + drain(w), buffer.looked


def test_a_growing_line_under_the_limit_is_searched_once_per_byte() -> None:
    # Hostile input: one line that never ends. Searching the whole pending
    # buffer on every read would look at about size * reads / 2 bytes.
    events, looked = endless_line(limit=1 << 20, size=64_000, piece=16)
    assert events == [Body(b"x" * 64_000 + b"\r\n"), Line(b"NOOP")]
    assert looked <= 64_000 + 64


def test_a_growing_line_over_the_limit_is_searched_once_per_byte() -> None:
    events, looked = endless_line(limit=32_000, size=64_000, piece=16)
    assert [type(e) for e in events] == [BodyTooBig, Line]
    assert looked <= 64_000 + 64


def same_bodies(events: list[Event]) -> list[Event]:
    """The events with a refused body's size left out: bytes dropped mid-line
    are counted as read, stuffing dots included, so it depends on the reads."""
    return [BodyTooBig(0) if isinstance(e, BodyTooBig) else e for e in events]


DATA_PIECES = st.sampled_from([b"a", b"xyz", b".", b"..", b"\r", b"\n", b"\r\n", b".\r\n",
                               b"\r\n.\r\n", b"NOOP\r\n"])


@given(st.lists(DATA_PIECES, max_size=40), st.integers(0, 40),
       st.lists(st.integers(1, 12), max_size=30))
def test_any_chunking_of_a_body_gives_the_same_events(
        pieces: list[bytes], limit: int, cuts: list[int]) -> None:
    data = b"".join(pieces) + b"\r\n.\r\n"
    whole = Wire()
    whole.start_body(limit)
    whole.feed(data)
    expected = drain(whole)
    chunked = Wire()
    chunked.start_body(limit)
    assert same_bodies(fed_in_pieces(chunked, data, cuts)) == same_bodies(expected)


def test_terminator_read_alone_ends_a_body_at_the_limit() -> None:
    w = Wire()
    w.start_body(4)
    events: list[Event] = []
    for piece in (b"ab\r\n", b".", b"\r", b"\n", b"NOOP\r\n"):
        w.feed(piece)
        events += drain(w)
    assert events == [Body(b"ab\r\n"), Line(b"NOOP")]
