"""Bad input gets the protocol's error and the session goes on, the store
unchanged: long lines (RFC 3977 §3.1), unknown commands, bad numbers,
ranges, message-ids and dates, bytes that are not UTF-8, random lines."""

from __future__ import annotations

import random

#: Replies followed by a block (RFC 3977 §3.2); 211 only after LISTGROUP.
MULTI_LINE = {"100", "101", "215", "220", "221", "222", "224", "225", "230", "231"}

from tests.nntp.conftest import NntpTranscript, RunningNntp


async def test_long_lines_are_refused_and_the_session_goes_on(nntp: NntpTranscript) -> None:
    await nntp.send(b"GROUP " + b"a" * 600 + b"\r\n")
    await nntp.play("""
        S: 501 Line too long
    """)
    await nntp.send(b"X" * 200_000 + b"\r\n")
    await nntp.play("""
        S: 501 Line too long
        C: GROUP test.one
        S: 211 3 1 3 test.one
    """)
    line = b"GROUP " + b"t" * (512 - len(b"GROUP \r\n")) + b"\r\n"
    assert len(line) == 512
    await nntp.send(line)
    await nntp.play("""
        S: 411 {…}
    """)


async def test_bad_commands_and_arguments(nntp: NntpTranscript) -> None:
    await nntp.play("""
        C: FROBNICATE
        S: 500 {…}
        C:
        S: 500 {…}
        C: GROUP
        S: 501 {…}
        C: GROUP a b
        S: 501 {…}
        C: GROUP test.one
        S: 211 {…}
        C: ARTICLE 0
        S: 501 {…}
        C: ARTICLE -1
        S: 501 {…}
        C: ARTICLE 2147483648
        S: 501 {…}
        C: ARTICLE 12345678901234567
        S: 501 {…}
        C: ARTICLE abc
        S: 501 {…}
        C: ARTICLE <no-closing
        S: 501 {…}
        C: ARTICLE <>
        S: 501 {…}
        C: STAT 2147483647
        S: 423 {…}
        C: OVER 1-x
        S: 501 {…}
        C: OVER 3-1
        S: 423 {…}
        C: OVER -
        S: 501 {…}
        C: LISTGROUP test.one 1--2
        S: 501 {…}
        C: HEAD 1 2
        S: 501 {…}
        C: DATE now
        S: 501 {…}
        C: MODE WRITER
        S: 501 {…}
        C: IHAVE nobrackets
        S: 501 {…}
        C: NEWGROUPS 20240230 000000
        S: 501 {…}
        C: STAT
        S: 223 1 <1@news.example>
    """)
    await nntp.send(b"GROUP \xff\xfe\r\n")
    await nntp.play("""
        S: 501 {…}
        C: STAT 2
        S: 223 2 <2@news.example>
    """)


async def test_random_lines_never_break_the_session(nntp: NntpTranscript,
                                                    nntp_server: RunningNntp) -> None:
    """200 seeded random lines, each followed by DATE: whatever comes back
    before the 111 is well-formed, and the groups are as they were."""
    rng = random.Random(3977)
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ <>-*!.,0123456789\t\x00\x7f\xc3\xa9"
    verbs = [b"GROUP", b"ARTICLE", b"OVER", b"HDR", b"LIST", b"LISTGROUP", b"STAT", b"MODE",
             b"NEWGROUPS", b"AUTHINFO", b"XHDR", b"NEXT", b"LAST", b""]
    before = [await nntp_server.group_count(name) for name in ("news.test.one", "news.test.two")]
    for _ in range(200):
        junk = bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        line = rng.choice(verbs) + b" " + junk.replace(b"\r", b"").replace(b"\n", b"")
        await nntp.send(line + b"\r\nDATE\r\n")
        while True:
            reply = await nntp.readline()
            if reply.startswith("111 "):
                break
            assert reply[:3].isdigit() and reply[3:4] == " " and reply[0] in "12345", (
                f"not a reply to {line!r}: {reply!r}")
            if reply.startswith("383"):
                await nntp.send(b"*\r\n")  # a SASL exchange the junk started: cancel it
            elif reply[:3] in MULTI_LINE or reply.endswith("list follows"):
                await nntp.block()
    after = [await nntp_server.group_count(name) for name in ("news.test.one", "news.test.two")]
    assert after == before
