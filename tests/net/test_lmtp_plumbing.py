"""LMTP on the shared loop: a stopping server says 421 to a waiting client;
a message trickled in a byte at a time is cut off by the command clock."""

from __future__ import annotations

import asyncio
from pathlib import Path

from roost.lmtp import LmtpService
from roost.store.open import open_store
from tests.harness.site import make_site
from tests.harness.transcript import TranscriptClient


async def test_stopping_lmtp_says_421(tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "site", cert_dir)
    store = open_store(site.conf)
    service = LmtpService(site.conf, store)
    server = await service.start_tcp("127.0.0.1", 0)
    client = TranscriptClient(*await asyncio.open_connection(*server.sockets[0].getsockname()[:2]))
    await client.play("""
        S: 220 {…}
        C: LHLO mx.test
        S: 250-{…}
        S: 250-{…}
        S: 250-{…}
        S: 250-{…}
        S: 250 SIZE
    """)
    await service.close()
    await client.expect("421 4.3.2 roost.test shutting down")
    assert await client.reader.read() == b""
    await client.close()
    await store.close()


async def test_trickled_message_is_cut_off(tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "site", cert_dir, "command_timeout: 1\n")
    store = open_store(site.conf)
    await store.create_mailbox("user.bob")
    service = LmtpService(site.conf, store)
    server = await service.start_tcp("127.0.0.1", 0)
    client = TranscriptClient(*await asyncio.open_connection(*server.sockets[0].getsockname()[:2]))
    await client.expect("220 {…}")
    await client.send(b"LHLO mx.test\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<bob>\r\nDATA\r\n")
    for _ in range(5):
        await client.readline()  # LHLO's five lines
    await client.play("""
        S: 250 2.1.0 Sender OK
        S: 250 2.1.5 Recipient OK
        S: 354 {…}
    """)
    for byte in b"Subj":  # and never the rest: lmtp_timeout (300 s) is not what ends it
        await client.send(bytes([byte]))
        await asyncio.sleep(0.1)
    await client.expect("421 4.4.2 roost.test Command timeout, closing")
    await client.close()
    await service.close()
    await store.close()
