"""The shared connection loop under IMAP: ordered writes, pre-login bounds,
the three clocks, clients that stop reading or hang up."""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from roost.store.names import user_inbox
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import Site, make_site


@asynccontextmanager
async def serving(tmp_path: Path, cert_dir: Path, extra: str = "") -> AsyncIterator[RunningImap]:
    site = make_site(tmp_path / "site", cert_dir, extra)
    async with running_imap(site) as server:
        yield server


async def wait_for_log(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    """Records whose message contains `text`, once there is one (bounded wait)."""
    for _ in range(200):
        found = [r for r in caplog.records if text in r.getMessage()]
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"no log line with {text!r}: {[r.getMessage() for r in caplog.records]}")


async def test_pipelined_noop_then_append_gets_ok_before_go_ahead(imap: ImapTranscript) -> None:
    # Both commands in one packet: the NOOP's OK must leave before "+ go ahead".
    await imap.play("""
        C: p1 NOOP
        C: p2 APPEND INBOX {5}
        S: p1 OK {…}
        S: + go ahead
        C: hello
        S: p2 OK [APPENDUID {…}] {…}
    """)


async def test_prelogin_literals_are_small(imap_anon: ImapTranscript) -> None:
    await imap_anon.play("""
        C: a1 LOGIN {100000}
        S: a1 NO [TOOBIG] Literal too big
        C: a2 LOGIN {3}
        S: + go ahead
        C: bob secret
        S: a2 OK {…}
        C: a3 APPEND INBOX {100000}
        S: + go ahead
    """)


async def test_prelogin_nonsync_literal_is_refused_and_skipped(imap_anon: ImapTranscript) -> None:
    await imap_anon.send(b"a1 LOGIN bob {20000+}\r\n" + b"x" * 20000 + b"\r\n")
    await imap_anon.play("""
        S: a1 BAD [TOOBIG] Command too long
        C: a2 NOOP
        S: a2 OK {…}
    """)


async def test_no_login_in_time_gets_bye(tmp_path: Path, cert_dir: Path) -> None:
    async with serving(tmp_path, cert_dir, "prelogin_timeout: 1\n") as server:
        client = await connect(server, user=None)
        await client.play("""
            C: a1 NOOP
            S: a1 OK {…}
            S: * BYE Autologout; no login in time
        """)
        assert await client.reader.read() == b""


async def test_trickled_command_is_cut_off(tmp_path: Path, cert_dir: Path) -> None:
    async with serving(tmp_path, cert_dir, "command_timeout: 1\n") as server:
        client = await connect(server)
        for byte in b"a1 NOO":  # a byte at a time, never the end of line
            await client.send(bytes([byte]))
            await asyncio.sleep(0.05)
        await client.expect("* BYE Command not completed in time")
        assert await client.reader.read() == b""


async def _big_inbox(server: RunningImap, count: int, size: int) -> None:
    body = b"Subject: big\r\n\r\n" + (b"y" * 998 + b"\r\n") * (size // 1000)
    inbox = await server.ctx.store.get_mailbox(user_inbox("bob"))
    for _ in range(count):
        await server.ctx.store.append(inbox.id, body)


async def test_client_that_never_reads_is_cut_off(
        tmp_path: Path, cert_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="roost.net")
    async with serving(tmp_path, cert_dir, "write_timeout: 1\n") as server:
        await _big_inbox(server, count=6, size=2_000_000)
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect((server.host, server.port))
        reader, writer = await asyncio.open_connection(sock=sock)
        client = ImapTranscript(reader, writer)
        await client.readline()
        await client.login()
        await client.send(b"f1 SELECT INBOX\r\nf2 FETCH 1:* BODY.PEEK[]\r\n")
        # ... and never read again.
        records = await wait_for_log(caplog, "did not read its output")
        assert len(records) == 1 and records[0].levelno == logging.INFO
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        # The server really let go: the client reads what reached it, then the end.
        for _ in range(10_000):
            try:
                if not await asyncio.wait_for(client.reader.read(65536), 10):
                    break
            except ConnectionResetError:
                break
        else:
            raise AssertionError("the server kept the connection open")
        await client.close()


async def test_hang_up_with_output_pending_is_one_info_line(
        imap_server: RunningImap, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="roost.net")
    await _big_inbox(imap_server, count=4, size=1_000_000)
    client = await connect(imap_server)
    await client.command("SELECT INBOX")
    await client.send(b"f1 FETCH 1:* BODY.PEEK[]\r\n")
    await client.readline()
    sock = client.writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    client.writer.transport.abort()  # RST: the server's writes fail
    records = await wait_for_log(caplog, "connection closed")
    assert len(records) == 1 and records[0].levelno == logging.INFO
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_shutdown_says_bye_to_idle_sessions(imap_server: RunningImap,
                                                  imap: ImapTranscript) -> None:
    imap_server.server.close()
    imap_server.ctx.shutdown.begin()  # as the worker does (roost.master.worker)
    await imap.expect("* BYE [UNAVAILABLE] Server shutting down")
    assert await imap.reader.read() == b""
    await imap_server.server.wait_closed()


async def test_input_pipelined_behind_starttls_is_dropped(
        imap_anon: ImapTranscript, site: Site) -> None:
    await imap_anon.play("""
        C: t1 STARTTLS
        C: t2 LOGIN bob secret
        S: t1 OK {…}
    """)
    await imap_anon.starttls(ssl.create_default_context(cafile=str(site.cert)))
    # t2 came in clear: never answered; the next command is.
    await imap_anon.play("""
        C: t3 NOOP
        S: t3 OK {…}
    """)


async def test_literal_bounds_after_login_depend_on_the_command(
        tmp_path: Path, cert_dir: Path) -> None:
    async with serving(tmp_path, cert_dir, "maxliteral: 100\nmaxmessagesize: 10000\n") as server:
        client = await connect(server)
        await client.select("INBOX")
        await client.play("""
            C: m2 SEARCH TEXT {200}
            S: m2 NO [TOOBIG] Literal too big
            C: m3 APPEND INBOX {200}
            S: + go ahead
        """)
        await client.send(b"Subject: x\r\n\r\n" + b"y" * 184 + b"\r\n" + b"\r\n")
        await client.play("""
            S: * 3 EXISTS
            S: * 3 RECENT
            S: m3 OK [APPENDUID {…}] {…}
            C: m4 APPEND INBOX {20000}
            S: m4 NO [TOOBIG] Literal too big
        """)
        await client.close()


async def test_shutdown_ends_idle_with_bye(imap_server: RunningImap, imap: ImapTranscript,
                                           caplog: pytest.LogCaptureFixture) -> None:
    await imap.select("INBOX")
    await imap.play("""
        C: i1 IDLE
        S: + idling
    """)
    imap_server.server.close()
    imap_server.ctx.shutdown.begin()  # as the worker does (roost.master.worker)
    await imap.expect("* BYE [UNAVAILABLE] Server shutting down")
    assert await imap.reader.read() == b""
    await imap_server.server.wait_closed()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_login_clock_runs_inside_authenticate(tmp_path: Path, cert_dir: Path) -> None:
    async with serving(tmp_path, cert_dir, "prelogin_timeout: 1\n") as server:
        client = await connect(server, user=None)
        await client.play("""
            C: a1 AUTHENTICATE PLAIN
            S: +{…}
            S: * BYE Autologout; no login in time
        """)
        assert await client.reader.read() == b""
