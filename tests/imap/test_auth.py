"""Transcripts: STARTTLS, AUTHENTICATE (PLAIN with SASL-IR, SCRAM-SHA-256),
LOGINDISABLED on cleartext, ID (RFC 9051 §6.2, RFC 4959, RFC 5802, RFC 2971)."""

from __future__ import annotations

import asyncio
import base64
import imaplib
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from scram_client import ScramClient
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import PASSWORD, Site, make_site


async def test_authenticate_plain_with_initial_response(imap_anon: ImapTranscript) -> None:
    token = base64.b64encode(b"\0bob\0secret").decode()
    await imap_anon.play(rf"""
        C: a1 AUTHENTICATE PLAIN {token}
        S: a1 OK [CAPABILITY {{…}}] {{…}}
    """)


async def test_authenticate_plain_with_continuation(imap_anon: ImapTranscript) -> None:
    token = base64.b64encode(b"\0bob\0wrong").decode()
    await imap_anon.play(rf"""
        C: a1 AUTHENTICATE PLAIN
        S: +{{…}}
        C: {token}
        S: a1 NO [AUTHENTICATIONFAILED] {{…}}
        C: a2 AUTHENTICATE PLAIN
        S: +{{…}}
        C: *
        S: a2 BAD {{…}}
        C: a3 NOOP
        S: a3 OK {{…}}
    """)


async def test_authenticate_scram_sha_256(imap_anon: ImapTranscript) -> None:
    client = ScramClient("SHA-256", "bob", PASSWORD)
    first = base64.b64encode(client.first()).decode()
    await imap_anon.send(f"a1 AUTHENTICATE SCRAM-SHA-256 {first}\r\n".encode())
    challenge = await imap_anon.readline()
    assert challenge.startswith("+ ")
    final = client.final(base64.b64decode(challenge[2:]))
    await imap_anon.send(base64.b64encode(final) + b"\r\n")
    server_final = await imap_anon.readline()
    client.verify(base64.b64decode(server_final[2:]))
    await imap_anon.send(b"\r\n")
    assert (await imap_anon.readline()).startswith("a1 OK")


async def test_unknown_mechanism(imap_anon: ImapTranscript) -> None:
    await imap_anon.play(r"""
        C: a1 AUTHENTICATE KERBEROS_V4
        S: a1 NO {…}
    """)


async def test_id_answers(imap_anon: ImapTranscript) -> None:
    await imap_anon.play(r"""
        C: a1 ID ("name" "imaplib")
        S: * ID ("name" "Roost" "vendor" "Roost" "version" {…})
        S: a1 OK {…}
    """)


@pytest.fixture
async def strict_server(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningImap]:
    site: Site = make_site(tmp_path / "strict", cert_dir, "allowplaintext: no\n")
    async with running_imap(site) as server:
        yield server


async def test_plaintext_refused_until_starttls(strict_server: RunningImap) -> None:
    client = await connect(strict_server, user=None)
    await client.play(r"""
        C: a1 CAPABILITY
        S: * CAPABILITY {…} STARTTLS LOGINDISABLED AUTH=SCRAM-SHA-256 AUTH=SCRAM-SHA-1
        S: a1 OK {…}
        C: a2 LOGIN bob secret
        S: a2 NO [PRIVACYREQUIRED] {…}
    """)
    await client.close()


async def test_imaplib_starttls_then_login(strict_server: RunningImap) -> None:
    """A real client: Python's imaplib, STARTTLS then LOGIN (PLAIN now offered)."""

    def session() -> tuple[str, list[bytes]]:
        client = imaplib.IMAP4(strict_server.host, strict_server.port)
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        client.starttls(ctx)
        assert "AUTH=PLAIN" in client.capabilities
        client.login("bob", PASSWORD)
        result = client.select("INBOX")
        client.logout()
        return result

    assert await asyncio.to_thread(session) == ("OK", [b"2"])
