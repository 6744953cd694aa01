"""AUTHINFO USER/PASS and SASL (RFC 4643), STARTTLS (RFC 4642), and
anonymous reading as Cyrus allows it (allowanonymouslogin)."""

from __future__ import annotations

import base64
import ssl

import pytest
from scram_client import ScramClient
from tests.harness.site import PASSWORD
from tests.nntp.conftest import NntpTranscript, RunningNntp


def plain(user: str = "bob", password: str = PASSWORD) -> str:
    return base64.b64encode(f"\0{user}\0{password}".encode()).decode()


async def test_user_pass_in_order(nntp_anon: NntpTranscript) -> None:
    await nntp_anon.play(f"""
        C: AUTHINFO PASS {PASSWORD}
        S: 482 {{…}}
        C: AUTHINFO USER bob
        S: 381 {{…}}
        C: AUTHINFO PASS wrong
        S: 481 {{…}}
        C: GROUP test.one
        S: 480 {{…}}
        C: AUTHINFO USER bob
        S: 381 {{…}}
        C: AUTHINFO PASS {PASSWORD}
        S: 281 {{…}}
        C: GROUP test.one
        S: 211 {{…}}
        C: AUTHINFO USER bob
        S: 502 {{…}}
        C: AUTHINFO SASL PLAIN {plain()}
        S: 502 {{…}}
        C: STARTTLS
        S: 502 {{…}}
    """)


async def test_sasl_plain_with_and_without_initial_response(nntp_anon: NntpTranscript) -> None:
    await nntp_anon.play(f"""
        C: AUTHINFO SASL PLAIN
        S: 383 =
        C: *
        S: 481 {{…}}
        C: AUTHINFO SASL NOSUCH
        S: 503 {{…}}
        C: AUTHINFO SASL PLAIN {plain(password="bad")}
        S: 481 {{…}}
        C: AUTHINFO SASL PLAIN
        S: 383 =
        C: not base64!
        S: 482 {{…}}
        C: AUTHINFO SASL PLAIN
        S: 383 =
        C: {plain()}
        S: 281 {{…}}
        C: GROUP test.one
        S: 211 {{…}}
    """)


async def test_authinfo_variants_that_are_not_commands(nntp_anon: NntpTranscript) -> None:
    await nntp_anon.play("""
        C: AUTHINFO
        S: 501 {…}
        C: AUTHINFO GENERIC x
        S: 501 {…}
        C: AUTHINFO USER
        S: 501 {…}
        C: AUTHINFO SASL
        S: 501 {…}
    """)


@pytest.mark.conf("allowplaintext: no\n")
async def test_plaintext_only_under_tls(nntp_anon: NntpTranscript) -> None:
    await nntp_anon.play("""
        C: AUTHINFO USER bob
        S: 483 {…}
        C: AUTHINFO SASL PLAIN
        S: 503 {…}
        C: CAPABILITIES
        S: 101 {…}
        S: VERSION 2
        S: IMPLEMENTATION {…}
        S: LIST ACTIVE
        S: IHAVE
        S: STARTTLS
        S: AUTHINFO SASL
        S: SASL SCRAM-SHA-256 SCRAM-SHA-1
        S: .
        C: STARTTLS
        S: 382 {…}
    """)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    await nntp_anon.starttls(context)
    await nntp_anon.play(f"""
        C: STARTTLS
        S: 502 {{…}}
        C: AUTHINFO USER bob
        S: 381 {{…}}
        C: AUTHINFO PASS {PASSWORD}
        S: 281 {{…}}
        C: GROUP test.one
        S: 211 3 1 3 test.one
    """)


@pytest.mark.conf("allowanonymouslogin: yes\n")
async def test_anonymous_reads_and_posts_where_the_acl_lets_anyone(
        nntp_anon: NntpTranscript) -> None:
    await nntp_anon.play("""
        C: GROUP test.one
        S: 211 3 1 3 test.one
        C: GROUP private
        S: 411 {…}
        C: STAT <9@news.example>
        S: 430 {…}
        C: POST
        S: 340 {…}
        C: From: someone@example.com
        C: Newsgroups: test.two
        C: Subject: anonymous
        C:
        C: hello
        C: .
        S: 240 {…}
    """)


async def test_sasl_scram_ends_with_283_and_the_server_signature(
        nntp_anon: NntpTranscript) -> None:
    client = ScramClient("SHA-256", "bob", PASSWORD)
    first = base64.b64encode(client.first()).decode()
    await nntp_anon.send(f"AUTHINFO SASL SCRAM-SHA-256 {first}\r\n".encode())
    challenge = await nntp_anon.readline()
    assert challenge.startswith("383 ")
    final = client.final(base64.b64decode(challenge[4:]))
    await nntp_anon.send(base64.b64encode(final) + b"\r\n")
    success = await nntp_anon.readline()
    assert success.startswith("283 ")
    assert client.verify(base64.b64decode(success[4:]))
    await nntp_anon.play("""
        C: GROUP test.one
        S: 211 {…}
    """)


async def test_starttls_without_a_certificate_is_580(nntp_anon: NntpTranscript,
                                                     nntp_server: RunningNntp) -> None:
    nntp_server.ctx.ssl = None  # as a site with no tls_server_cert
    lines = await nntp_anon.play("""
        C: CAPABILITIES
        S: 101 {…}
    """)
    lines += await nntp_anon.block()
    assert "STARTTLS" not in lines
    await nntp_anon.play("""
        C: STARTTLS
        S: 580 {…}
        C: DATE
        S: 111 {…}
    """)


@pytest.mark.conf("prelogin_timeout: 1\n")
async def test_no_login_in_time_is_400_and_the_end(nntp_anon: NntpTranscript) -> None:
    await nntp_anon.play("""
        S: 400 No login in time, closing
    """)
    assert await nntp_anon.reader.read() == b""
