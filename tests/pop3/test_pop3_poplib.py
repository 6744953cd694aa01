"""Python's poplib against the real server (in a thread: poplib blocks):
USER/PASS, STAT/LIST/UIDL/RETR/TOP/DELE/QUIT, STLS, and SASL PLAIN,
SCRAM-SHA-256 and SCRAM-SHA-1 (RFC 5034 with initial responses) through poplib's raw command calls (poplib has no AUTH)."""

from __future__ import annotations

import asyncio
import base64
import poplib
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from scram_client import ScramClient

from tests.harness.site import PASSWORD, Site
from tests.pop3.pop3_client import RunningPop3, running_pop3


@pytest.fixture
async def forty(site: Site) -> AsyncIterator[RunningPop3]:
    async with running_pop3(site, messages=40) as server:
        yield server


def tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def fetch_and_delete(port: int, stls: bool) -> tuple[int, list[bytes], list[bytes], bytes]:
    pop = poplib.POP3("127.0.0.1", port, timeout=10)
    try:
        if stls:
            pop.stls(tls_context())
        capa = pop.capa()
        assert "UIDL" in capa and "TOP" in capa and "PIPELINING" in capa
        pop.user("bob")
        pop.pass_(PASSWORD)
        count, _ = pop.stat()
        _, listing, _ = pop.list()
        _, uids, _ = pop.uidl()
        _, lines, _ = pop.retr(1)
        top = pop.top(2, 0)[1]
        assert top[-1] == b""
        for n in range(1, count + 1):
            pop.dele(n)
        return count, listing, uids, b"\r\n".join(lines)
    finally:
        pop.quit()


async def test_poplib_fetches_and_deletes(forty: RunningPop3) -> None:
    count, listing, uids, first = await asyncio.to_thread(fetch_and_delete, forty.port, False)
    assert count == 40 and len(listing) == 40 and len(uids) == 40
    assert first.endswith(b"Body of message 1.")
    assert await forty.uids() == []


async def test_poplib_over_stls(forty: RunningPop3) -> None:
    count, _, _, _ = await asyncio.to_thread(fetch_and_delete, forty.port, True)
    assert count == 40


def sasl_login(port: int, mechanism: str) -> bytes:
    pop = poplib.POP3_SSL("127.0.0.1", port, context=tls_context(), timeout=10)
    try:
        if mechanism == "PLAIN":
            token = base64.b64encode(b"\0bob\0" + PASSWORD.encode()).decode()
            return pop._shortcmd(f"AUTH PLAIN {token}")
        client = ScramClient(mechanism.removeprefix("SCRAM-"), "bob", PASSWORD)
        pop._putcmd(f"AUTH {mechanism} " + base64.b64encode(client.first()).decode())
        challenge = pop._getline()[0]
        pop._putcmd(base64.b64encode(client.final(base64.b64decode(challenge[2:]))).decode())
        assert client.verify(base64.b64decode(pop._getline()[0][2:]))
        return pop._shortcmd("")
    finally:
        pop.quit()


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-1"])
async def test_poplib_sasl_over_pop3s(pop3_server: RunningPop3, mechanism: str) -> None:
    reply = await asyncio.to_thread(sasl_login, pop3_server.pop3s_port, mechanism)
    assert reply.startswith(b"+OK")


async def test_prelogin_timeout(tmp_path: Path, cert_dir: Path) -> None:
    from tests.harness.site import make_site
    from tests.pop3.pop3_client import connect
    site = make_site(tmp_path / "t", cert_dir, "prelogin_timeout: 1\n")
    async with running_pop3(site) as server:
        client = await connect(server.port)
        assert (await client.readline()) == "-ERR [SYS/TEMP] Autologout; no login in time"
        assert await client.reader.read() == b""
        await client.close()
