"""Malformed input over a real socket: the -ERR, then the same session
goes on and the store is unchanged."""

from __future__ import annotations

import random

from tests.pop3.pop3_client import Pop3Transcript, RunningPop3


async def test_long_line_gets_err_and_the_session_goes_on(bob: Pop3Transcript,
                                                          pop3_server: RunningPop3) -> None:
    await bob.send(b"DELE " + b"1" * 100_000 + b"\r\n")
    assert (await bob.readline()) == "-ERR Line too long"
    await bob.play("""
        C: STAT
        S: +OK 2 334
    """)
    assert await pop3_server.uids() == [1, 2]


async def test_long_line_before_login(pop3: Pop3Transcript) -> None:
    await pop3.send(b"USER " + b"b" * 300 + b"\r\n")
    assert (await pop3.readline()) == "-ERR Line too long"
    await pop3.login()


async def test_random_garbage_lines(bob: Pop3Transcript, pop3_server: RunningPop3) -> None:
    rng = random.Random(1939)
    for _ in range(50):
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
        junk = junk.replace(b"\n", b"").replace(b"\r", b"")
        if junk[:4].upper() in (b"QUIT", b"DELE", b"RETR", b"TOP ") or not junk:
            continue
        await bob.send(junk + b"\r\n")
        assert (await bob.readline()).startswith(("-ERR", "+OK"))
    await bob.play("""
        C: STAT
        S: +OK 2 334
    """)
    assert await pop3_server.uids() == [1, 2]


async def test_sasl_response_too_long(pop3: Pop3Transcript) -> None:
    await pop3.play("""
        C: AUTH PLAIN
        S: +{…}
    """)
    await pop3.send(b"A" * 20_000 + b"\r\n")
    assert (await pop3.readline()) == "-ERR [AUTH] Response too long"
    await pop3.login()
