"""The article bound of POST and IHAVE (RFC 3977 §6.3.1.3 441, §6.3.2.3
437) with no `maxmessagesize` set: `DEFAULT_ARTICLE_LIMIT` octets of the
article's CRLF form, exactly; past it the article is read to its end
without being kept, the memory it costs stays bounded, nothing is stored
and the session goes on."""

from __future__ import annotations

import tracemalloc

import pytest
from tests.nntp.conftest import NntpTranscript, RunningNntp, article

from roost.nntp.server import DEFAULT_ARTICLE_LIMIT

HEADER = b"From: bob@example.com\r\nNewsgroups: test.two\r\nSubject: big\r\n\r\n"
LINE = b"x" * 998 + b"\r\n"
#: What the huge article sends: far past the bound, in 64 KiB writes.
HUGE = 32 * 1024 * 1024
CHUNK = LINE * 64


def exactly(size: int, header: bytes) -> bytes:
    """An article of `size` octets: `header`, whole LINEs, then one shorter line."""
    whole, rest = divmod(size - len(header), len(LINE))
    assert rest >= 2
    return header + LINE * whole + b"y" * (rest - 2) + b"\r\n"


async def send_huge(nntp: NntpTranscript, header: bytes) -> int:
    """Send a HUGE article a chunk at a time; the peak of traced memory meanwhile."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        await nntp.send(header)
        for _ in range(HUGE // len(CHUNK)):
            await nntp.send(CHUNK)
        await nntp.send(b".\r\n")
        reply = await nntp.readline()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reply.startswith(("441 ", "437 ")), reply
    return peak - base


async def test_the_default_limit_is_exact(nntp: NntpTranscript,
                                          nntp_server: RunningNntp) -> None:
    for size, reply in ((DEFAULT_ARTICLE_LIMIT, "240 {…}"),
                        (DEFAULT_ARTICLE_LIMIT + 1, "441 Article too big")):
        await nntp.play("""
            C: POST
            S: 340 {…}
        """)
        header = HEADER.replace(b"Subject: big", b"Subject: big %d" % size)
        await nntp.send(exactly(size, header) + b".\r\n")
        await nntp.play(f"S: {reply}")
    assert await nntp_server.group_count("news.test.two") == 1


async def test_a_huge_post_is_refused_in_bounded_memory(nntp: NntpTranscript,
                                                        nntp_server: RunningNntp) -> None:
    await nntp.play("""
        C: POST
        S: 340 {…}
    """)
    peak = await send_huge(nntp, HEADER)
    # 32 MiB sent; what is held is the bound, the socket buffers and the client's writes.
    assert peak < 4 * DEFAULT_ARTICLE_LIMIT, peak
    await nntp.play("""
        C: GROUP test.two
        S: 211 0 {…}
        C: POST
        S: 340 {…}
        C: From: bob@example.com
        C: Newsgroups: test.two
        C: Subject: small
        C:
        C: fits
        C: .
        S: 240 {…}
    """)
    assert await nntp_server.group_count("news.test.two") == 1


@pytest.mark.conf("newspeer: 127.0.0.1\n")
async def test_a_huge_ihave_is_rejected_in_bounded_memory(nntp_anon: NntpTranscript,
                                                          nntp_server: RunningNntp) -> None:
    await nntp_anon.play("""
        C: IHAVE <huge@news.example>
        S: 335 {…}
    """)
    header = article(7).split(b"\r\n\r\n")[0].replace(b"<7@", b"<huge@") + b"\r\n\r\n"
    peak = await send_huge(nntp_anon, header)
    assert peak < 4 * DEFAULT_ARTICLE_LIMIT, peak
    await nntp_anon.play("""
        C: IHAVE <huge@news.example>
        S: 335 {…}
        C: .
        S: 437 {…}
    """)
    assert await nntp_server.group_count("news.test.one") == 3
