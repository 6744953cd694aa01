"""Byte-stuffing and TOP's cut over chunks split anywhere (sans-IO), and a
large message streamed over the wire with the exact RFC 1939 octet count."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from roost.pop3.responses import Stuffer, TopCutter
from tests.pop3.pop3_client import RunningPop3, connect

LINES = st.lists(st.sampled_from([b".", b"..", b".x", b"x.", b"", b"From x", b"\r"]),
                 max_size=12)


def stuffed_whole(message: bytes) -> bytes:
    """RFC 1939 §3 done line by line, the obvious way."""
    lines = message.split(b"\n")
    out = b"\n".join(b"." + ln if ln.startswith(b".") else ln for ln in lines)
    return out + (b".\r\n" if message == b"" or message.endswith(b"\n") else b"\r\n.\r\n")


def in_chunks(message: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(message)) for c in cuts})
    edges = [0, *points, len(message)]
    return [message[a:b] for a, b in itertools.pairwise(edges)]


@given(LINES, st.lists(st.integers(0, 80), max_size=6), st.booleans())
def test_stuffing_does_not_depend_on_chunking(lines: list[bytes], cuts: list[int],
                                              final: bool) -> None:
    message = b"\r\n".join(lines) + (b"\r\n" if final else b"")
    stuffer = Stuffer()
    sent = b"".join(stuffer.chunk(part) for part in in_chunks(message, cuts)) + stuffer.end()
    assert sent == stuffed_whole(message)


def top_whole(message: bytes, n: int) -> bytes:
    lines = message.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line in (b"\r\n", b"\n"):
            return b"".join(lines[: i + 1 + n])
    return message


@given(st.lists(st.sampled_from([b"H: v", b"", b"body", b".dot"]), max_size=10),
       st.integers(0, 5), st.lists(st.integers(0, 60), max_size=6))
def test_top_cut_does_not_depend_on_chunking(lines: list[bytes], n: int,
                                             cuts: list[int]) -> None:
    message = b"\r\n".join(lines) + b"\r\n"
    cutter = TopCutter(n)
    taken = b""
    for part in in_chunks(message, cuts):
        taken += cutter.take(part)
        if cutter.done:
            break
    assert taken == top_whole(message, n)


async def test_large_message_is_streamed_whole(pop3_server: RunningPop3) -> None:
    line = b"." + b"x" * 75 + b"\r\n"  # every line needs stuffing
    body = b"Subject: big\r\n\r\n" + line * 40_000  # about 3 MB
    await pop3_server.ctx.store.append(pop3_server.inbox_id, body)
    client = await connect(pop3_server.port, "bob")
    await client.play(f"""
        C: LIST 3
        S: +OK 3 {len(body)}
        C: RETR 3
        S: +OK {len(body)} octets
        S: Subject: big
        S:
    """)
    received = 0
    while (got := await client.readline()) != ".":
        assert got == "." + line.decode().rstrip("\r\n")
        received += 1
    assert received == 40_000
    await client.close()
