"""The service on uvloop: TCP with STARTTLS and a unix socket, one delivery each.

Runs its own uvloop event loop (the rest of the suite runs on asyncio's).
"""

import asyncio
import ssl
import tempfile
from pathlib import Path

import uvloop
from tests.lmtp.lmtp_client import Transcript

from roost.config import Config
from roost.lmtp import LmtpService
from roost.net.tls import server_context
from roost.store.open import open_store

SCRIPT = """
    C: LHLO mx.test
    S: 250-lmtp.test
    S: 250-{…}
    S: 250-{…}
    S: 250-{…}
    S: 250 SIZE
    C: MAIL FROM:<a@example.org>
    C: RCPT TO:<bob>
    C: DATA
    S: 250 2.1.0 Sender OK
    S: 250 2.1.5 Recipient OK
    S: 354 {…}
    C: Subject: on uvloop
    C: .
    S: 250 2.0.0 <bob> Delivered {…}
"""


async def scenario(conf: Config, client_tls: ssl.SSLContext, sockets: Path) -> int:
    store = open_store(conf)
    bob = (await store.create_mailbox("user.bob")).id
    service = LmtpService(conf, store, server_context(conf))
    server = await service.start_tcp("127.0.0.1", 0)
    plain = LmtpService(conf, store)  # on the unix socket, without STARTTLS
    await plain.start_unix(sockets / "lmtp.sock")
    try:
        client = Transcript(*await asyncio.open_connection(*server.sockets[0].getsockname()[:2]))
        await client.play("""
            S: 220 {…}
            C: STARTTLS
            S: 220 2.0.0 Ready to start TLS
        """)
        await client.starttls(client_tls)
        await client.play(SCRIPT)
        await client.close()
        client = Transcript(*await asyncio.open_unix_connection(str(sockets / "lmtp.sock")))
        await client.expect("220 {…}")
        await client.play(SCRIPT)
        await client.close()
        return len(await store.messages(bob))
    finally:
        await service.close()
        await plain.close()
        await store.close()


def test_lmtp_on_uvloop(tls_conf: Config, client_tls: ssl.SSLContext) -> None:
    with (tempfile.TemporaryDirectory(prefix="roost-uv-") as sockets,
          asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner):
        assert runner.run(scenario(tls_conf, client_tls, Path(sockets))) == 2
