"""The shared plumbing as ManageSieve uses it: BYE when the pre-login clock
runs out or the service is full (RFC 5804 §1.2: BYE, then the server hangs
up), the service started from cyrus.conf under both of its names."""

from __future__ import annotations

import asyncio
import socket
import ssl
from pathlib import Path

from tests.harness.site import make_site
from tests.managesieve.conftest import LIMITS, RunningSieve, SieveTranscript, running_sieve

from roost.config.cyrusconf import parse_cyrus_conf
from roost.managesieve.server import start_managesieve
from roost.master.services import check_service


async def test_no_login_in_time_gets_bye(tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "site", cert_dir, LIMITS + "prelogin_timeout: 1\n")
    async with running_sieve(site) as server:
        reader, writer = await asyncio.open_connection(server.host, server.port)
        client = SieveTranscript(reader, writer)
        await client.greeting()
        await client.expect('BYE "Disconnecting: no login in time"')
        assert await client.reader.read() == b""
        await client.close()


async def test_maxchild_says_bye_trylater(sieve_server: RunningSieve) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    server = await start_managesieve(sieve_server.ctx, sock, implicit_tls=False, maxchild=1)
    address = sock.getsockname()
    try:
        first = SieveTranscript(*await asyncio.open_connection(*address))
        await first.greeting()
        second = SieveTranscript(*await asyncio.open_connection(*address))
        await second.expect('BYE (TRYLATER) "Too many connections; try again later"')
        assert await second.reader.read() == b""
        for client in (first, second):
            await client.close()
    finally:
        server.close()


def test_cyrus_conf_names_both_programs(tmp_path: Path) -> None:
    conf = tmp_path / "cyrus.conf"
    conf.write_text('SERVICES {\n  sieve cmd="/usr/lib/cyrus/bin/timsieved" listen="sieve"\n'
                    '  managesieve cmd="managesieve" listen="4190"\n}\n')
    entries = parse_cyrus_conf(conf.read_text(), conf).services
    starters = {check_service(entry).starter() for entry in entries}
    assert starters == {start_managesieve}


async def test_implicit_tls(sieve_server: RunningSieve) -> None:
    """`timsieved -s`: TLS from the first byte; no STARTTLS offered then."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    server = await start_managesieve(sieve_server.ctx, sock, implicit_tls=True)
    tls = ssl.create_default_context()
    tls.check_hostname = False
    tls.verify_mode = ssl.CERT_NONE
    try:
        client = SieveTranscript(*await asyncio.open_connection(*sock.getsockname(), ssl=tls))
        lines = await client.greeting()
        assert '"STARTTLS"' not in lines and '"SASL" "SCRAM-SHA-256 SCRAM-SHA-1 PLAIN LOGIN"' in lines
        await client.login()
        await client.close()
    finally:
        server.close()
