"""LMTP on the shared loop: a stopping server says 421 to a waiting client."""

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
