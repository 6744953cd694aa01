"""Malformed input: BAD replies, the connection stays usable, the store unchanged."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import make_site


async def test_garbage_lines_get_bad(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 FROBNICATE
        S: a1 BAD {…}
        C: a2 SELECT
        S: a2 BAD {…}
        C: a3 STORE 1 +FLAGS (\Seen)
        S: a3 BAD {…}
        C: (((
        S: * BAD {…}
        C: a4 NOOP
        S: a4 OK {…}
    """)


async def test_over_long_line_is_refused_and_connection_survives(imap: ImapTranscript) -> None:
    await imap.send(b"a1 NOOP " + b"x" * 70000 + b"\r\n")
    line = await imap.readline()
    assert line.startswith("a1 BAD [TOOBIG]"), line
    await imap.play(r"""
        C: a2 NOOP
        S: a2 OK {…}
    """)


async def test_commands_in_wrong_state(imap_anon: ImapTranscript) -> None:
    await imap_anon.play(r"""
        C: a1 SELECT INBOX
        S: a1 BAD {…}
        C: a2 FETCH 1 FLAGS
        S: a2 BAD {…}
        C: a3 LOGIN bob secret
        S: a3 OK {…}
        C: a4 LOGIN bob secret
        S: a4 BAD {…}
        C: a5 EXPUNGE
        S: a5 BAD {…}
    """)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(junk=st.binary(min_size=1, max_size=200).filter(lambda b: b"\n" not in b and b"{" not in b))
async def test_random_lines_never_break_the_session(imap_server: RunningImap, junk: bytes) -> None:
    client = await connect(imap_server)
    try:
        inbox = await imap_server.mailbox_id("user.bob")
        before = await imap_server.ctx.store.status(inbox)
        await client.send(junk + b"\r\n")
        await client.send(b"zz9 NOOP\r\n")
        while True:
            line = await client.readline()
            if line.startswith("zz9 "):
                break
        assert line.startswith("zz9 OK")
        assert await imap_server.ctx.store.status(inbox) == before
    finally:
        await client.close()


async def test_unknown_search_charset_is_no_badcharset(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 SEARCH CHARSET KLINGON TEXT x
        S: a1 NO [BADCHARSET ({…}UTF-8{…})] {…}
        C: a2 NOOP
        S: a2 OK {…}
    """)


async def test_literal_over_maxmessagesize_is_refused(tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "small", cert_dir, "maxmessagesize: 100\n")
    async with running_imap(site) as server:
        client = await connect(server)
        await client.play(r"""
            C: a1 APPEND INBOX {500}
            S: a1 NO [TOOBIG] {…}
            C: a2 APPEND INBOX {15}
            S: + go ahead
            C: Subject: x
            C: 
            C: y
            S: a2 OK [APPENDUID {…}] {…}
        """)
        await client.close()
