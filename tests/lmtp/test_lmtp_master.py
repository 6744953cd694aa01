"""The master's entry point `start_lmtp(ctx, sock, implicit_tls=...)` on bound sockets."""

import asyncio
import socket
import ssl
from pathlib import Path

from tests.lmtp.conftest import Bodies
from tests.lmtp.lmtp_client import Transcript

from roost.auth.open_credentials import open_credential_store
from roost.config import Config
from roost.lmtp.server import start_lmtp
from roost.master.context import ServerContext
from roost.net.tls import server_context
from roost.store.sqlite import SqliteStore

DELIVERY = """
    C: MAIL FROM:<a@example.org>
    C: RCPT TO:<bob>
    C: DATA
    S: 250 2.1.0 Sender OK
    S: 250 2.1.5 Recipient OK
    S: 354 {…}
    C: Subject: via the master
    C: .
    S: 250 2.0.0 <bob> Delivered {…}
    C: QUIT
    S: 221 {…}
"""


def context(conf: Config, store: SqliteStore) -> ServerContext:
    return ServerContext(conf, store, open_credential_store(conf), server_context(conf))


async def test_implicit_tls_on_a_bound_tcp_socket(tls_conf: Config, store: SqliteStore,
                                                  client_tls: ssl.SSLContext,
                                                  bodies: Bodies) -> None:
    sock = socket.create_server(("127.0.0.1", 0))
    server = await start_lmtp(context(tls_conf, store), sock, implicit_tls=True)
    client = Transcript(*await asyncio.open_connection(
        *sock.getsockname()[:2], ssl=client_tls, server_hostname="localhost"))
    await client.play("""
        S: 220 lmtp.test LMTP Roost ready
        C: LHLO mx.test
        S: 250-lmtp.test
        S: 250-{…}
        S: 250-{…}
        S: 250-{…}
        S: 250 SIZE
    """ + DELIVERY)
    assert await client.reader.read() == b""
    await client.close()
    server.close()
    [body] = await bodies("user.bob")
    assert b"with LMTPS id" in body


async def test_bound_unix_socket(conf: Config, store: SqliteStore, socket_dir: Path,
                                 bodies: Bodies) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(socket_dir / "lmtp"))
    sock.listen()
    server = await start_lmtp(context(conf, store), sock, implicit_tls=False)
    client = Transcript(*await asyncio.open_unix_connection(str(socket_dir / "lmtp")))
    await client.play("""
        S: 220 {…}
        C: LHLO mx.test
        S: 250-lmtp.test
        S: 250-{…}
        S: 250-{…}
        S: 250-{…}
        S: 250 SIZE
    """ + DELIVERY)
    assert await client.reader.read() == b""
    await client.close()
    server.close()
    assert len(await bodies("user.bob")) == 1
