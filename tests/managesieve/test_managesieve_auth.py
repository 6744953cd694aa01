"""Login and the any-state commands (RFC 5804 §1.7, §2.1-2.4, §2.13-2.14):
capabilities, AUTHENTICATE with each mechanism through the one login flow,
the codes of a refused one, STARTTLS, UNAUTHENTICATE, NOOP, LOGOUT, and
whose scripts an admin manages."""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from scram_client import ScramClient
from tests.harness.site import PASSWORD, Site, make_site
from tests.managesieve.conftest import (
    LIMITS,
    RunningSieve,
    SieveTranscript,
    open_client,
    running_sieve,
)

from roost.auth.open_credentials import open_credential_store
from roost.store.scripts import GLOBAL


def b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


async def test_greeting_lists_the_capabilities(sieve_server: RunningSieve) -> None:
    reader, writer = await asyncio.open_connection(sieve_server.host, sieve_server.port)
    client = SieveTranscript(reader, writer)
    await client.play("""
        S: "IMPLEMENTATION" "Roost timsieved {…}"
        S: "SASL" "SCRAM-SHA-256 SCRAM-SHA-1 PLAIN LOGIN"
        S: "SIEVE" "fileinto envelope {…} vacation {…}"
        S: "STARTTLS"
        S: "NOTIFY" "mailto"
        S: "MAXREDIRECTS" "5"
        S: "UNAUTHENTICATE"
        S: "VERSION" "1.0"
        S: OK
    """)
    await client.close()


async def test_owner_after_login_and_no_starttls(sieve: SieveTranscript) -> None:
    lines = await sieve.play("""
        C: CAPABILITY
        S: "IMPLEMENTATION" {…}
        S: "SASL" {…}
        S: "SIEVE" {…}
        S: "NOTIFY" "mailto"
        S: "MAXREDIRECTS" "5"
        S: "OWNER" "bob"
        S: "UNAUTHENTICATE"
        S: "VERSION" "1.0"
        S: OK
    """)
    assert '"STARTTLS"' not in lines


async def test_sieve_extensions_restricts_what_scripts_may_require(
        tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "s", cert_dir, LIMITS + "sieve_extensions: fileinto vacation\n")
    async with running_sieve(site) as server:
        client = await open_client(server)
        await client.play("""
            C: CAPABILITY
            S: "IMPLEMENTATION" {…}
            S: "SASL" {…}
            S: "SIEVE" "fileinto vacation"
            S: "MAXREDIRECTS" {…}
            S: "OWNER" "bob"
            S: "UNAUTHENTICATE"
            S: "VERSION" "1.0"
            S: OK
            C: CHECKSCRIPT "require \\"fileinto\\"; keep;"
            S: OK
            C: CHECKSCRIPT "require \\"envelope\\"; keep;"
            S: NO "line 1, column 9: {…}envelope{…}"
        """)
        await client.close()


async def test_plain_with_continuation_and_a_literal_answer(sieve_anon: SieveTranscript) -> None:
    token = b64(f"\0bob\0{PASSWORD}")
    await sieve_anon.play(f"""
        C: AUTHENTICATE "PLAIN"
        S: ""
        C: {{{len(token)}+}}
        C: {token}
        S: OK
        C: AUTHENTICATE "PLAIN" "{token}"
        S: NO "Already authenticated"
    """)


async def test_wrong_password_and_cancel(sieve_anon: SieveTranscript) -> None:
    await sieve_anon.play(f"""
        C: AUTHENTICATE "PLAIN" "{b64(chr(0) + "bob" + chr(0) + "wrong")}"
        S: NO "Authentication failed"
        C: AUTHENTICATE "PLAIN"
        S: ""
        C: "*"
        S: NO "Authentication cancelled"
        C: AUTHENTICATE "PLAIN" "not base64!"
        S: NO {{…}}
        C: LISTSCRIPTS
        S: NO "Authenticate first"
    """)


async def test_login_mechanism(sieve_anon: SieveTranscript) -> None:
    """The login flow opens every exchange without an initial response with
    an empty challenge (RFC 4422 §5 2a); LOGIN then prompts."""
    await sieve_anon.play(f"""
        C: AUTHENTICATE "LOGIN"
        S: ""
        C: ""
        S: "{b64("Username:")}"
        C: "{b64("bob")}"
        S: "{b64("Password:")}"
        C: "{b64(PASSWORD)}"
        S: OK
    """)


@pytest.mark.parametrize("hash_name", ["SHA-256", "SHA-1"])
async def test_scram(sieve_anon: SieveTranscript, hash_name: str) -> None:
    """RFC 5804 §2.1: SCRAM-SHA-1 is mandatory to implement; the server's
    final message comes as a last challenge, answered with an empty string."""
    client = ScramClient(hash_name, "bob", PASSWORD)
    await sieve_anon.send(f'AUTHENTICATE "SCRAM-{hash_name}" "{b64(client.first())}"\r\n'.encode())
    server_first = await sieve_anon.readline()
    final = client.final(base64.b64decode(server_first.strip('"')))
    await sieve_anon.send(f'"{b64(final)}"\r\n'.encode())
    server_final = await sieve_anon.readline()
    assert client.verify(base64.b64decode(server_final.strip('"')))
    await sieve_anon.play("""
        C: ""
        S: OK
        C: LISTSCRIPTS
        S: OK
    """)


async def test_unknown_mechanism(sieve_anon: SieveTranscript) -> None:
    await sieve_anon.play("""
        C: AUTHENTICATE "KERBEROS_V4"
        S: NO "Mechanism KERBEROS_V4 is not supported"
    """)


@pytest.fixture
async def strict(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningSieve]:
    """allowplaintext off; SCRAM-SHA-1 left out of sasl_mech_list."""
    site: Site = make_site(tmp_path / "strict", cert_dir,
                           "allowplaintext: no\nsasl_mech_list: PLAIN SCRAM-SHA-256\n")
    async with running_sieve(site) as server:
        yield server


async def test_encrypt_needed_and_auth_too_weak(strict: RunningSieve) -> None:
    client = await open_client(strict, user=None)
    await client.play(f"""
        C: CAPABILITY
        S: "IMPLEMENTATION" {{…}}
        S: "SASL" "SCRAM-SHA-256"
        S: {{…}}
        S: "STARTTLS"
        S: {{…}}
        S: {{…}}
        S: {{…}}
        S: {{…}}
        S: OK
        C: AUTHENTICATE "PLAIN" "{b64(chr(0) + "bob" + chr(0) + PASSWORD)}"
        S: NO (ENCRYPT-NEEDED) {{…}}
        C: AUTHENTICATE "SCRAM-SHA-1"
        S: NO (AUTH-TOO-WEAK) {{…}}
    """)
    await client.close()


def insecure() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


async def test_starttls_resends_capabilities_and_drops_pipelined_input(strict: RunningSieve) -> None:
    client = await open_client(strict, user=None)
    # A command pipelined behind STARTTLS came in clear: it must not run.
    await client.send(b'STARTTLS\r\nPUTSCRIPT "evil" "keep;"\r\n')
    await client.expect("OK")
    await client.starttls(insecure())
    lines = await client.play("""
        S: "IMPLEMENTATION" {…}
        S: "SASL" "SCRAM-SHA-256 PLAIN"
        S: "SIEVE" {…}
        S: {…}
        S: {…}
        S: "UNAUTHENTICATE"
        S: "VERSION" "1.0"
        S: OK
        C: STARTTLS
        S: NO "TLS is already active"
    """)
    assert '"STARTTLS"' not in lines
    await client.login()
    await client.play("""
        C: LISTSCRIPTS
        S: OK
    """)
    await client.close()


async def test_unauthenticate_returns_to_the_start(sieve: SieveTranscript) -> None:
    await sieve.play("""
        C: UNAUTHENTICATE
        S: OK
        C: LISTSCRIPTS
        S: NO "Authenticate first"
    """)
    await sieve.login("alice")
    await sieve.play("""
        C: PUTSCRIPT "a" "keep;"
        S: OK
    """)


async def test_noop_echoes_its_tag(sieve_anon: SieveTranscript) -> None:
    await sieve_anon.play("""
        C: NOOP
        S: OK
        C: NOOP "STARTTLS-SYNC-42"
        S: OK (TAG "STARTTLS-SYNC-42") "Done"
        C: NOOP {16+}
        C: STARTTLS-SYNC-42
        S: OK (TAG "STARTTLS-SYNC-42") "Done"
    """)


async def test_logout_ends_the_session(sieve: SieveTranscript) -> None:
    await sieve.send(b"LOGOUT\r\nNOOP\r\n")
    await sieve.expect("OK")
    assert await sieve.reader.read() == b""


async def test_admin_as_itself_manages_global_scripts(sieve_server: RunningSieve) -> None:
    """Cyrus timsieved(8): admins authenticating as themselves manage the
    global scripts (those `include :global` names), which are never active."""
    admin = await open_client(sieve_server, "admin")
    await admin.play("""
        C: PUTSCRIPT "spam" "discard;"
        S: OK
        C: LISTSCRIPTS
        S: "spam"
        S: OK
        C: SETACTIVE "spam"
        S: NO {…}
    """)
    await admin.close()
    assert await sieve_server.ctx.scripts.get_script(GLOBAL, "spam") == b"discard;"
    assert await sieve_server.ctx.scripts.list_scripts("admin") == []


async def test_admin_with_an_authorization_id_manages_that_user(sieve_server: RunningSieve) -> None:
    """RFC 5804 §2.1 proxy authentication: admin acting as bob."""
    reader, writer = await asyncio.open_connection(sieve_server.host, sieve_server.port)
    admin = SieveTranscript(reader, writer)
    await admin.greeting()
    await admin.login("admin", authzid="bob")
    await admin.play("""
        C: PUTSCRIPT "fromadmin" "keep;"
        S: OK
        C: SETACTIVE "fromadmin"
        S: OK
    """)
    await admin.close()
    assert await sieve_server.ctx.scripts.active_script("bob") == "fromadmin"
    alice = await open_client(sieve_server, user=None)
    await alice.play(f"""
        C: AUTHENTICATE "PLAIN" "{b64("bob" + chr(0) + "alice" + chr(0) + PASSWORD)}"
        S: NO "Authentication failed"
    """)
    await alice.close()


async def test_failures_count_in_the_shared_throttle(tmp_path: Path, cert_dir: Path) -> None:
    """The login flow's throttle sees ManageSieve failures as it sees IMAP's:
    counted per account across workers, forgotten after a success."""
    site = make_site(tmp_path / "t", cert_dir, LIMITS + "failedloginpause: 1\n")
    async with running_sieve(site) as server:
        client = await open_client(server, user=None)
        await client.play(f"""
            C: AUTHENTICATE "PLAIN" "{b64(chr(0) + "bob" + chr(0) + "guess")}"
            S: NO "Authentication failed"
        """)
        assert server.ctx.shared.failures("user:bob")[0] == 1
        await client.login()
        assert server.ctx.shared.failures("user:bob")[0] == 0
        await client.close()


@pytest.mark.sqlite_only("asserts the sievedir tree, where only the file backend keeps scripts")
async def test_virtual_domain_users_get_their_own_directory(tmp_path: Path, cert_dir: Path) -> None:
    """With virtdomains the owner is `user@domain` (OWNER says so), and the
    scripts go under Cyrus's domain/ tree."""
    site = make_site(tmp_path / "vd", cert_dir, LIMITS + "virtdomains: userid\n")
    creds = open_credential_store(site.conf)
    creds.set_password("carol@example.org", PASSWORD)
    creds.close()
    async with running_sieve(site) as server:
        client = await open_client(server, "carol@example.org")
        await client.play("""
            C: PUTSCRIPT "s" "keep;"
            S: OK
            C: CAPABILITY
            S: {…}
            S: {…}
            S: {…}
            S: {…}
            S: {…}
            S: "OWNER" "carol@example.org"
            S: {…}
            S: {…}
            S: OK
        """)
        await client.close()
    path = Path(site.conf.configdirectory) / "sieve/domain/e/example.org/c/carol/s.script"
    assert path.read_bytes() == b"keep;"
