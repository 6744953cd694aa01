"""Caps on connections, counted across workers in the shared state:
cyrus.conf `maxchild` per service, `maxlogins_per_host` / `maxlogins_per_user`
(logged-in sessions of the service, as Cyrus counts them)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from roost.imap.server import start_imap
from roost.lmtp import LmtpService
from roost.net.open_state import open_shared_state
from roost.store.open import open_store
from roost.store.sqlite.shared_state import SqliteSharedState
from tests.harness.imap import RunningImap, connect, running_imap
from tests.harness.site import make_site
from tests.harness.transcript import TranscriptClient


@asynccontextmanager
async def serving(tmp_path: Path, cert_dir: Path, extra: str) -> AsyncIterator[RunningImap]:
    site = make_site(tmp_path / "site", cert_dir, extra)
    async with running_imap(site) as server:
        yield server


def listening() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    return sock


async def test_maxlogins_per_user(tmp_path: Path, cert_dir: Path) -> None:
    async with serving(tmp_path, cert_dir, "maxlogins_per_user: 1\n") as server:
        first = await connect(server)
        second = await connect(server, user=None)
        await second.play("""
            C: a1 LOGIN bob secret
            S: a1 NO Too many open connections (1 of 1 for bob)
            C: a2 LOGIN alice secret
            S: a2 OK {…}
        """)
        await first.command("LOGOUT")
        third = await connect(server, user=None)
        for _ in range(100):  # the first session's row goes when its connection ends
            if server.ctx.shared.open_sessions("imap") == 2:
                break
            await asyncio.sleep(0.05)
        await third.play("""
            C: b1 LOGIN bob secret
            S: b1 OK {…}
        """)
        for client in (first, second, third):
            await client.close()


async def test_maxlogins_per_host(tmp_path: Path, cert_dir: Path) -> None:
    async with serving(tmp_path, cert_dir, "maxlogins_per_host: 1\n") as server:
        first = await connect(server)
        second = await connect(server, user=None)
        await second.play("""
            C: a1 LOGIN alice secret
            S: a1 NO Too many open connections (1 of 1 from 127.0.0.1)
            C: a2 CAPABILITY
            S: * CAPABILITY {…}
            S: a2 OK {…}
        """)
        for client in (first, second):
            await client.close()


async def test_imap_maxchild_says_bye(imap_server: RunningImap) -> None:
    sock = listening()
    server = await start_imap(imap_server.ctx, sock, implicit_tls=False, maxchild=1)
    address = sock.getsockname()
    try:
        first = TranscriptClient(*await asyncio.open_connection(*address))
        await first.expect("* OK {…}")
        second = TranscriptClient(*await asyncio.open_connection(*address))
        await second.expect("* BYE [UNAVAILABLE] Too many connections; try again later")
        assert await second.reader.read() == b""
        # What another worker process sees: the same count, in the same file.
        other_worker = open_shared_state(imap_server.ctx.conf)
        assert other_worker.open_sessions("imap") == 1
        other_worker.close()
        for client in (first, second):
            await client.close()
    finally:
        server.close()


async def test_lmtp_maxchild_says_421(tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "site", cert_dir)
    store = open_store(site.conf)
    shared = open_shared_state(site.conf)
    service = LmtpService(site.conf, store, shared=shared, maxchild=1)
    server = await service.start_tcp("127.0.0.1", 0)
    address = server.sockets[0].getsockname()[:2]
    try:
        first = TranscriptClient(*await asyncio.open_connection(*address))
        await first.expect("220 {…}")
        second = TranscriptClient(*await asyncio.open_connection(*address))
        await second.expect("421 4.3.2 roost.test Too many connections, try again later")
        for client in (first, second):
            await client.close()
    finally:
        await service.close()
        await store.close()
        shared.close()


def test_sessions_of_dead_processes_are_dropped(tmp_path: Path) -> None:
    # Another process registers a session and dies without closing it (kill -9).
    subprocess.run([sys.executable, "-c", (
        "import os, sys; from roost.store.sqlite.shared_state import SqliteSharedState as S; "
        "S.in_directory(sys.argv[1]).open_session('imap', '192.0.2.1', 0); os._exit(9)"),
        str(tmp_path)], check=False)
    shared = SqliteSharedState.in_directory(str(tmp_path))
    assert shared.open_sessions("imap") == 0
    assert shared.open_session("imap", "192.0.2.1", maxchild=1) is not None
    assert shared.open_session("imap", "192.0.2.1", maxchild=1) is None
    shared.close()
