"""UNAUTHENTICATE (RFC 8437): back to not authenticated, every piece of
connection state but TLS reset (§4.1), the same connection reused."""

from __future__ import annotations

import base64
from pathlib import Path

from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import PASSWORD, make_site


async def test_advertised_once_logged_in(imap_anon: ImapTranscript) -> None:
    """RFC 8437 §3: a server may advertise it only after authentication."""
    before = await imap_anon.command("CAPABILITY")
    assert "UNAUTHENTICATE" not in before[0].split()
    await imap_anon.login()
    after = await imap_anon.command("CAPABILITY")
    assert "UNAUTHENTICATE" in after[0].split()
    await imap_anon.play(r"""
        C: a1 UNAUTHENTICATE
        S: a1 OK {…}
        C: a2 UNAUTHENTICATE
        S: a2 BAD {…}
    """)


async def test_state_is_reset_and_another_user_logs_in(imap: ImapTranscript) -> None:
    """§3: the selection ends without an expunge; §4.1: ENABLEd extensions
    (QRESYNC, CONDSTORE) and the saved search are gone."""
    await imap.command("ENABLE QRESYNC")
    await imap.select("INBOX")
    await imap.play(rf"""
        C: a1 STORE 1 +FLAGS.SILENT (\Deleted)
        S: * 1 FETCH (UID 1 MODSEQ (4))
        S: a1 OK {{…}}
        C: a2 SEARCH RETURN (SAVE) ALL
        S: a2 OK {{…}}
        C: a3 UNAUTHENTICATE
        S: a3 OK {{…}}
        C: a4 FETCH 1 FLAGS
        S: a4 BAD {{…}}
        C: a5 LIST "" INBOX
        S: a5 BAD {{…}}
        C: a6 LOGIN alice {PASSWORD}
        S: a6 OK [CAPABILITY {{…}}] {{…}}
        C: a7 SELECT INBOX (QRESYNC (1 1))
        S: a7 BAD {{…}}
        C: a8 UNAUTHENTICATE
        S: a8 OK {{…}}
        C: a9 LOGIN bob {PASSWORD}
        S: a9 OK {{…}}
        C: b1 STATUS INBOX (MESSAGES)
        S: * STATUS "INBOX" (MESSAGES 2)
        S: b1 OK {{…}}
        C: b2 SELECT INBOX
        S: * 2 EXISTS
        S: {{…}}
        S: {{…}}
        S: {{…}}
        S: {{…}}
        S: {{…}}
        S: {{…}}
        S: {{…}}
        S: {{…}}
        S: {{…}}
        S: b2 OK {{…}}
        C: b3 FETCH $ UID
        S: b3 OK {{…}}
        C: b4 STORE 2 +FLAGS (\Seen)
        S: * 2 FETCH (FLAGS (\Seen))
        S: b4 OK {{…}}
    """)


async def test_pipelined_with_authenticate(imap: ImapTranscript) -> None:
    """§3: without a security layer the client may pipeline UNAUTHENTICATE
    and AUTHENTICATE (with SASL-IR: one round trip)."""
    plain = base64.b64encode(f"\0alice\0{PASSWORD}".encode()).decode()
    await imap.send(f"a1 UNAUTHENTICATE\r\na2 AUTHENTICATE PLAIN {plain}\r\n".encode())
    await imap.play(r"""
        S: a1 OK {…}
        S: a2 OK [CAPABILITY {…}] {…}
        C: a3 NAMESPACE
        S: * NAMESPACE {…}
        S: a3 OK {…}
    """)


async def test_pre_login_bounds_come_back(imap: ImapTranscript) -> None:
    """Not authenticated again, the client is a stranger again: literals
    past the pre-login budget are refused (roost.imap.server)."""
    await imap.play(r"""
        C: a1 UNAUTHENTICATE
        S: a1 OK {…}
        C: a2 LOGIN {9000}
        S: a2 NO [TOOBIG] {…}
        C: a3 NOOP
        S: a3 OK {…}
    """)


async def test_no_longer_counts_for_maxlogins_per_user(tmp_path: Path, cert_dir: Path) -> None:
    async with running_imap(make_site(tmp_path / "site", cert_dir,
                                      "maxlogins_per_user: 1\n")) as server:
        first = await connect(server)
        second = await connect(server, user=None)
        try:
            await first.command("UNAUTHENTICATE")
            await second.play(f"""
                C: a1 LOGIN bob {PASSWORD}
                S: a1 OK {{…}}
            """)
            await first.play(f"""
                C: b1 LOGIN bob {PASSWORD}
                S: b1 NO Too many open connections (1 of 1 for bob)
            """)
        finally:
            await first.close()
            await second.close()


async def test_server_side_is_a_fresh_session(imap_server: RunningImap) -> None:
    """After UNAUTHENTICATE the ID answer (§3: the implementation's choice)
    still works, and LOGOUT ends it as usual."""
    client = await connect(imap_server)
    try:
        await client.play(r"""
            C: a1 UNAUTHENTICATE
            S: a1 OK {…}
            C: a2 ID NIL
            S: * ID {…}
            S: a2 OK {…}
            C: a3 LOGOUT
            S: * BYE {…}
            S: a3 OK {…}
        """)
    finally:
        await client.close()
