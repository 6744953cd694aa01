"""Transcripts: CAPA (RFC 2449), AUTH (RFC 5034: PLAIN, LOGIN, SCRAM, the
initial response, cancelling), STLS (RFC 2595) and POP3S, and USER/PASS
only where plaintext is allowed (the rule IMAP LOGIN follows)."""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from scram_client import ScramClient

from tests.harness.site import PASSWORD, make_site
from tests.pop3.pop3_client import Pop3Transcript, RunningPop3, connect, running_pop3


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


PLAIN_BOB = b64(b"\0bob\0secret")
PLAIN_WRONG = b64(b"\0bob\0wrong")


def client_tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def test_capa_before_and_after_login(pop3: Pop3Transcript) -> None:
    await pop3.play("""
        C: CAPA
        S: +OK List of capabilities follows
        S: SASL SCRAM-SHA-256 SCRAM-SHA-1 PLAIN LOGIN
        S: STLS
        S: EXPIRE NEVER
        S: LOGIN-DELAY 0
        S: TOP
        S: UIDL
        S: PIPELINING
        S: RESP-CODES
        S: AUTH-RESP-CODE
        S: USER
        S: IMPLEMENTATION Roost POP3 {…}
        S: .
        C: CAPA now
        S: -ERR Unexpected extra argument
    """)
    await pop3.login()
    await pop3.play("""
        C: CAPA
        S: +OK List of capabilities follows
        S: EXPIRE NEVER
        S: LOGIN-DELAY 0
        S: TOP
        S: UIDL
        S: PIPELINING
        S: RESP-CODES
        S: AUTH-RESP-CODE
        S: IMPLEMENTATION Roost POP3 {…}
        S: .
    """)


async def test_auth_plain_with_initial_response(pop3: Pop3Transcript) -> None:
    await pop3.play(f"""
        C: AUTH PLAIN {PLAIN_BOB}
        S: +OK Mailbox locked and ready
        C: STAT
        S: +OK 2 334
    """)


async def test_auth_plain_with_continuation_and_failures(pop3: Pop3Transcript) -> None:
    await pop3.play(f"""
        C: AUTH PLAIN
        S: +{{…}}
        C: {PLAIN_WRONG}
        S: -ERR [AUTH] authenticating: authentication failure
        C: AUTH PLAIN
        S: +{{…}}
        C: *
        S: -ERR [AUTH] Client canceled authentication
        C: AUTH PLAIN
        S: +{{…}}
        C: not base64!
        S: -ERR [AUTH] Invalid base64
        C: AUTH KERBEROS_V4
        S: -ERR [AUTH] Mechanism KERBEROS_V4 not available
        C: AUTH LOGIN
        S: +{{…}}
        C: {b64(b"bob")}
        S: + {b64(b"Password:")}
        C: {b64(b"secret")}
        S: +OK Mailbox locked and ready
    """)


async def test_auth_without_mechanism_lists_them(pop3: Pop3Transcript) -> None:
    await pop3.play("""
        C: AUTH
        S: +OK List of supported mechanisms follows
        S: SCRAM-SHA-256
        S: SCRAM-SHA-1
        S: PLAIN
        S: LOGIN
        S: .
    """)


async def test_auth_scram_sha_256(pop3: Pop3Transcript) -> None:
    client = ScramClient("SHA-256", "bob", PASSWORD)
    await pop3.send(f"AUTH SCRAM-SHA-256 {b64(client.first())}\r\n".encode())
    challenge = await pop3.readline()
    assert challenge.startswith("+ ")
    await pop3.send(b64(client.final(base64.b64decode(challenge[2:]))).encode() + b"\r\n")
    server_final = await pop3.readline()
    assert client.verify(base64.b64decode(server_final[2:]))
    await pop3.play("""
        C:
        S: +OK Mailbox locked and ready
    """)


async def test_stls_then_login(pop3: Pop3Transcript) -> None:
    await pop3.play("""
        C: STLS
        S: +OK Begin TLS negotiation now
    """)
    await pop3.starttls(client_tls())
    await pop3.play("""
        C: CAPA
        S: +OK {…}
        S: SASL {…}
        S: EXPIRE NEVER
        S: {…}
        S: {…}
        S: {…}
        S: {…}
        S: {…}
        S: {…}
        S: USER
        S: {…}
        S: .
        C: STLS
        S: -ERR Already successfully executed STLS
    """)
    await pop3.login()


async def test_stls_drops_pipelined_commands_and_pending_user(pop3: Pop3Transcript) -> None:
    await pop3.play("""
        C: USER bob
        S: +OK {…}
    """)
    await pop3.send(b"STLS\r\nPASS secret\r\n")
    assert (await pop3.readline()) == "+OK Begin TLS negotiation now"
    await pop3.starttls(client_tls())
    await pop3.play("""
        C: PASS secret
        S: -ERR [AUTH] Must give USER command
    """)


async def test_pop3s_speaks_tls_from_the_start(pop3_server: RunningPop3) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", pop3_server.pop3s_port,
                                                   ssl=client_tls())
    client = Pop3Transcript(reader, writer)
    await client.play("""
        S: +OK {…} server ready
        C: STLS
        S: -ERR Already successfully executed STLS
    """)
    await client.login()
    await client.close()


@pytest.fixture
async def no_plaintext(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningPop3]:
    site = make_site(tmp_path / "np", cert_dir, "allowplaintext: no\n")
    async with running_pop3(site) as server:
        yield server


async def test_user_refused_in_clear_without_allowplaintext(no_plaintext: RunningPop3) -> None:
    client = await connect(no_plaintext.port)
    await client.play(f"""
        C: CAPA
        S: +OK {{…}}
        S: SASL SCRAM-SHA-256 SCRAM-SHA-1
        S: STLS
        S: EXPIRE NEVER
        S: LOGIN-DELAY 0
        S: TOP
        S: UIDL
        S: PIPELINING
        S: RESP-CODES
        S: AUTH-RESP-CODE
        S: IMPLEMENTATION {{…}}
        S: .
        C: USER bob
        S: -ERR [AUTH] USER command only available under a layer
        C: AUTH PLAIN {PLAIN_BOB}
        S: -ERR [AUTH] Mechanism PLAIN not available
        C: STLS
        S: +OK {{…}}
    """)
    await client.starttls(client_tls())
    await client.login()
    await client.close()
