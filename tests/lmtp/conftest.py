"""LMTP fixtures: a real store on temp files, the server on a real socket,
and a transcript client (`lmtp_client.Transcript`)."""

from __future__ import annotations

import asyncio
import ssl
import tempfile
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from tests.harness.backend import store_options
from tests.lmtp.lmtp_client import ConfFactory, Connect, Serve, Transcript
from tests.lmtp.sieve_rig import Rig, SmtpSink, write_sendmail

from roost.config import Config, parse_config
from roost.lmtp import LmtpService
from roost.net.tls import make_self_signed, server_context
from roost.store.open import open_store
from roost.store.sievedir import SievedirScripts
from roost.store.sqlite import SqliteStore

USERS = ("bob", "alice", "carol")
MAILBOXES = ("user.bob.Lists",)


@pytest.fixture
def make_conf(tmp_path: Path) -> ConfFactory:
    """imapd.conf for a store under tmp_path, plus any extra `option: value` lines."""
    def build(extra: str = "") -> Config:
        return parse_config(
            f"configdirectory: {tmp_path / 'conf'}\n"
            f"partition-default: {tmp_path / 'spool'}\n"
            "servername: lmtp.test\n" + store_options(tmp_path / "conf")
            + textwrap.dedent(extra))
    return build


@pytest.fixture
def conf(make_conf: ConfFactory) -> Config:
    return make_conf()


@pytest.fixture
async def store(conf: Config) -> AsyncIterator[SqliteStore]:
    """A fresh store holding bob, alice and carol, and bob's Lists folder."""
    opened = open_store(conf)
    for user in USERS:
        await opened.create_mailbox(f"user.{user}")
    for name in MAILBOXES:
        await opened.create_mailbox(name)
    yield opened
    await opened.close()


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    """A short directory for unix sockets (sun_path is ~108 bytes)."""
    with tempfile.TemporaryDirectory(prefix="roost-lmtp-") as path:
        yield Path(path)


@pytest.fixture
async def serve(store: SqliteStore) -> AsyncIterator[Serve]:
    """Start an LMTP service on 127.0.0.1 for a given Config; stopped after the test."""
    services: list[LmtpService] = []

    async def start(conf: Config) -> tuple[str, int]:
        service = LmtpService(conf, store, server_context(conf))
        services.append(service)
        server = await service.start_tcp("127.0.0.1", 0)
        host, port = server.sockets[0].getsockname()[:2]
        return host, port

    yield start
    for service in services:
        await service.close()


@pytest.fixture
async def connect() -> AsyncIterator[Connect]:
    """Open transcript clients to (host, port); closed after the test."""
    clients: list[Transcript] = []

    async def open_client(address: tuple[str, int]) -> Transcript:
        client = Transcript(*await asyncio.open_connection(*address))
        clients.append(client)
        return client

    yield open_client
    for client in clients:
        await client.close()


@pytest.fixture
async def lmtp(conf: Config, serve: Serve,
               connect: Connect) -> Transcript:
    """A transcript client over TCP that has read the greeting."""
    client = await connect(await serve(conf))
    await client.expect("220 lmtp.test LMTP Roost ready")
    return client


@pytest.fixture
async def unix_path(conf: Config, store: SqliteStore, socket_dir: Path) -> AsyncIterator[Path]:
    """The LMTP service on a unix socket."""
    path = socket_dir / "lmtp.sock"
    service = LmtpService(conf, store)
    await service.start_unix(path)
    yield path
    await service.close()


@pytest.fixture
async def lmtp_unix(unix_path: Path) -> AsyncIterator[Transcript]:
    client = Transcript(*await asyncio.open_unix_connection(str(unix_path)))
    await client.expect("220 lmtp.test LMTP Roost ready")
    yield client
    await client.close()


@pytest.fixture
def tls_conf(make_conf: ConfFactory, tmp_path: Path) -> Config:
    """A configuration with a self-signed certificate for localhost."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    make_self_signed(cert, key, "localhost")
    return make_conf(f"tls_server_cert: {cert}\ntls_server_key: {key}\n")


@pytest.fixture
def client_tls(tls_conf: Config) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=tls_conf.tls_server_cert)



Bodies = Callable[[str], Awaitable[list[bytes]]]


@pytest.fixture
def bodies(store: SqliteStore) -> Bodies:
    """Read the raw messages of a mailbox, in UID order."""
    async def read(mailbox: str) -> list[bytes]:
        info = await store.get_mailbox(mailbox)
        return [await store.body(rec.blob) for rec in await store.messages(info.id)]
    return read


MakeRig = Callable[[str], Awaitable[Rig]]


@pytest.fixture
async def smtp_sink() -> AsyncIterator[SmtpSink]:
    """A capturing SMTP server (aiosmtpd) on 127.0.0.1."""
    sink = SmtpSink()
    server = await sink.start()
    yield sink
    server.close()
    await server.wait_closed()


@pytest.fixture
def sendmail(tmp_path: Path) -> tuple[Path, Path]:
    """A `sendmail` stand-in program and the outbox it fills."""
    return write_sendmail(tmp_path / "sendmail")


@pytest.fixture
async def make_rig(make_conf: ConfFactory, store: SqliteStore) -> AsyncIterator[MakeRig]:
    """`await make_rig(extra_conf)`: LMTP with Sieve (scripts in sievedir) over the store,
    in the standard namespace with `.` (the talk's site: `fileinto "INBOX.plug"`)."""
    services: list[LmtpService] = []

    async def build(extra: str = "") -> Rig:
        conf = make_conf("unixhierarchysep: no\naltnamespace: no\n" + extra)
        scripts = SievedirScripts.from_config(conf)
        service = LmtpService(conf, store, scripts=scripts)
        services.append(service)
        server = await service.start_tcp("127.0.0.1", 0)
        return Rig(conf, store, scripts, service, server.sockets[0].getsockname()[1])

    yield build
    for service in services:
        await service.close()
