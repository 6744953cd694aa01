"""Malformed input: NO (RFC 5804 has no BAD), the session goes on, the
stored scripts stay as they were. Limits are checked from a literal's
announced size, before its bytes are accepted."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.managesieve.conftest import RunningSieve, SieveTranscript, open_client

from roost.managesieve.parse import PARSERS
from roost.store.scripts import ScriptInfo

MEGABYTE = 1 << 20


async def stored(server: RunningSieve) -> tuple[list[ScriptInfo], bytes]:
    return (await server.ctx.scripts.list_scripts("bob"),
            await server.ctx.scripts.get_script("bob", "main"))


async def with_a_script(client: SieveTranscript) -> None:
    await client.play("""
        C: PUTSCRIPT "main" "keep;"
        S: OK
        C: SETACTIVE "main"
        S: OK
    """)


async def test_unknown_and_malformed_commands(sieve: SieveTranscript, sieve_server: RunningSieve) -> None:
    await with_a_script(sieve)
    before = await stored(sieve_server)
    await sieve.play("""
        C: FROBNICATE
        S: NO "FROBNICATE: Unknown command"
        C: "PUTSCRIPT"
        S: NO "Expected a command name"
        C: PUTSCRIPT "main"
        S: NO "PUTSCRIPT: Expected 2 arguments"
        C: PUTSCRIPT "main" "unterminated
        S: NO "PUTSCRIPT: Unterminated quoted string"
        C: PUTSCRIPT "main" "bad \\escape"
        S: NO "PUTSCRIPT: Invalid escape in quoted string"
        C: PUTSCRIPT "main""discard;"
        S: NO "PUTSCRIPT: Missing space between arguments"
        C: HAVESPACE "main" 007
        S: NO "HAVESPACE: Invalid number"
        C: HAVESPACE "main" 4294967296
        S: NO "HAVESPACE: Invalid number"
        C: DELETESCRIPT main
        S: NO "DELETESCRIPT: Expected a script name string"
        C: (((
        S: NO "Unexpected character '('"
        C:
        S: NO "Empty command"
        C: NOOP "sync"
        S: OK (TAG "sync") "Done"
    """)
    assert await stored(sieve_server) == before


async def test_bad_literals(sieve: SieveTranscript, sieve_server: RunningSieve) -> None:
    await with_a_script(sieve)
    before = await stored(sieve_server)
    await sieve.play("""
        C: PUTSCRIPT "main" ~{8+}
        C: discard;
        S: NO "PUTSCRIPT: Invalid literal"
        C: PUTSCRIPT "main" {99999999999999999999999+}
        S: NO "PUTSCRIPT: Unexpected character '{'"
        C: PUTSCRIPT "main" {08+}
        C: discard;
        S: NO "PUTSCRIPT: Invalid literal size"
        C: PUTSCRIPT "main" {x+}
        S: NO "PUTSCRIPT: Unexpected character '{'"
        C: PUTSCRIPT {4+}
        C: main{8+}
        C: discard;
        S: NO "PUTSCRIPT: Missing space before literal"
        C: NOOP "sync"
        S: OK (TAG "sync") "Done"
    """)
    assert await stored(sieve_server) == before


async def test_a_synchronising_literal_is_invited(sieve: SieveTranscript) -> None:
    """`{n}` is ACAP's literal (RFC 2244 §2.6.3): the server says `+` first."""
    await sieve.play("""
        C: PUTSCRIPT "sync" {5}
        S: + "go ahead"
        C: keep;
        S: OK
        C: GETSCRIPT "sync"
        S: {5}
        S: keep;
        S: OK
    """)


async def test_megabyte_line(sieve: SieveTranscript, sieve_server: RunningSieve) -> None:
    await with_a_script(sieve)
    before = await stored(sieve_server)
    await sieve.send(b'PUTSCRIPT "main" "' + b"x" * MEGABYTE + b'"\r\n')
    await sieve.expect('NO "Line too long"')
    await sieve.play("""
        C: NOOP "sync"
        S: OK (TAG "sync") "Done"
    """)
    assert await stored(sieve_server) == before


async def test_literal_over_maxscriptsize(sieve: SieveTranscript, sieve_server: RunningSieve) -> None:
    """A `{n+}` past the limit is read and dropped; a `{n}` one is refused
    before the client sends it."""
    await with_a_script(sieve)
    before = await stored(sieve_server)
    await sieve.send(b'PUTSCRIPT "main" {%d+}\r\n' % MEGABYTE + b"#" * MEGABYTE + b"\r\n")
    await sieve.expect('NO (QUOTA/MAXSIZE) "Script too big; the limit is 1024 bytes"')
    await sieve.play(f"""
        C: PUTSCRIPT "main" {{{MEGABYTE}}}
        S: NO (QUOTA/MAXSIZE) {{…}}
        C: NOOP "sync"
        S: OK (TAG "sync") "Done"
    """)
    assert await stored(sieve_server) == before


async def test_prelogin_input_is_bounded(sieve_anon: SieveTranscript) -> None:
    """Before login a stranger cannot make the server hold a script's worth."""
    await sieve_anon.send(b'PUTSCRIPT "x" {100000+}\r\n' + b"#" * 100000 + b"\r\n")
    await sieve_anon.expect('NO "Literal too big"')
    await sieve_anon.send(b'NOOP "' + b"x" * 10000 + b'"\r\n')
    await sieve_anon.expect('NO "Line too long"')
    await sieve_anon.login()


async def test_quoted_strings_and_names_are_checked(sieve: SieveTranscript) -> None:
    await sieve.send(b'NOOP "' + b"x" * 1025 + b'"\r\n')
    await sieve.expect('NO "NOOP: Quoted string too long; use a literal"')
    await sieve.send(b'PUTSCRIPT "\xff\xfe" "keep;"\r\nPUTSCRIPT "a\x01" "keep;"\r\n')
    await sieve.expect('NO "PUTSCRIPT: Script name is not UTF-8"')
    await sieve.expect('NO "PUTSCRIPT: Invalid script name"')
    await sieve.play("""
        C: LISTSCRIPTS
        S: OK
    """)


async def test_a_malformed_sasl_answer_ends_the_exchange(sieve_anon: SieveTranscript) -> None:
    await sieve_anon.play("""
        C: AUTHENTICATE "PLAIN"
        S: ""
        C: not a string
        S: NO "Bad SASL response: Expected a string"
        C: NOOP
        S: OK
    """)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(junk=st.binary(min_size=1, max_size=200).filter(lambda b: b"\n" not in b and b"{" not in b))
async def test_random_lines_never_break_the_session(sieve_server: RunningSieve, junk: bytes) -> None:
    assume(not junk.lstrip().upper().startswith(tuple(name.encode() for name in PARSERS)))
    client = await open_client(sieve_server)
    try:
        if not await sieve_server.ctx.scripts.list_scripts("bob"):
            await with_a_script(client)
        before = await stored(sieve_server)
        await client.send(junk + b"\r\nNOOP \"sync\"\r\n")
        for _ in range(10):
            line = await client.readline()
            if line == 'OK (TAG "sync") "Done"':
                break
            assert line.startswith("NO "), line
        else:
            raise AssertionError("no reply to NOOP")
        assert await stored(sieve_server) == before
    finally:
        await client.close()


async def test_checkscript_over_the_limit_has_no_quota_code(sieve: SieveTranscript) -> None:
    """RFC 5804 §2.12; past the wire's budget, or within it (the compiler's word)."""
    await sieve.send(b"CHECKSCRIPT {50000+}\r\n" + b"#" * 50000 + b"\r\n")
    await sieve.expect('NO "Script too big; the limit is 1024 bytes"')
    await sieve.send(b"CHECKSCRIPT {5000+}\r\n" + b"#" * 5000 + b"\r\n")
    await sieve.expect('NO "line 1, column 1: script is 5000 bytes, more than the 1024 allowed"')


async def test_unauthenticate_restores_the_prelogin_bounds(sieve: SieveTranscript) -> None:
    await sieve.play("""
        C: UNAUTHENTICATE
        S: OK
    """)
    await sieve.send(b'NOOP {9000+}\r\n' + b"x" * 9000 + b"\r\n")
    await sieve.expect('NO "Literal too big"')
    await sieve.login()
