"""The one login flow over IMAP: failures counted per account and per
address across connections, attempts queued before the check, escaped logs.

No test times anything: they read the counted state and the replies.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from roost.auth.throttle import FORGET_AFTER
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import make_site


@asynccontextmanager
async def serving(tmp_path: Path, cert_dir: Path, extra: str) -> AsyncIterator[RunningImap]:
    site = make_site(tmp_path / "site", cert_dir, extra)
    async with running_imap(site) as server:
        yield server


async def until(predicate: object, what: str) -> None:
    """Wait (bounded) until `predicate()` holds."""
    assert callable(predicate)
    for _ in range(200):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never: {what}")


async def test_failure_is_counted_for_account_and_address(tmp_path: Path, cert_dir: Path) -> None:
    async with serving(tmp_path, cert_dir, "failedloginpause: 1\n") as server:
        client = await connect(server, user=None)
        await client.play("""
            C: a1 LOGIN bob wrong
            S: a1 NO [AUTHENTICATIONFAILED] Authentication failed
        """)
        shared = server.ctx.shared
        assert shared.failures("user:bob")[0] == 1
        assert shared.failures("addr:127.0.0.1")[0] == 1
        await client.play("""
            C: a2 LOGIN bob secret
            S: a2 OK {…}
        """)
        # A success forgets the account's failures, not the address's.
        assert shared.failures("user:bob") == (0, 0.0)
        assert shared.failures("addr:127.0.0.1")[0] == 1
        await client.close()


async def test_hanging_up_does_not_skip_the_count(tmp_path: Path, cert_dir: Path) -> None:
    async with serving(tmp_path, cert_dir, "failedloginpause: 1\n") as server:
        shared = server.ctx.shared
        for n in (1, 2):
            client = await connect(server, user=None)
            await client.send(b"a1 LOGIN bob wrong\r\n")
            await client.close()  # no waiting for the answer
            await until(lambda n=n: shared.failures("user:bob")[0] == n, f"{n} failures")


async def test_parallel_guesses_queue_one_per_pause(tmp_path: Path, cert_dir: Path) -> None:
    async with serving(tmp_path, cert_dir, "failedloginpause: 1\n") as server:
        shared = server.ctx.shared
        clients = [await connect(server, user=None) for _ in range(3)]
        start = time.time()
        for client in clients:
            await client.send(b"b1 LOGIN bob wrong\r\n")
        # Even the first burst is checked one at a time: each later attempt
        # reserved its own slot one pause after the previous one.
        await until(lambda: shared.failures("user:bob")[1] >= start + 3, "three spaced slots")
        for client in clients:
            await client.expect("b1 NO [AUTHENTICATIONFAILED] Authentication failed")
        assert shared.failures("user:bob")[0] == 3
        for client in clients:
            await client.close()


async def test_one_typo_does_not_queue_the_address(tmp_path: Path, cert_dir: Path) -> None:
    async with serving(tmp_path, cert_dir, "failedloginpause: 1\n") as server:
        shared = server.ctx.shared
        client = await connect(server, user=None)
        await client.play("""
            C: a1 LOGIN alice typo
            S: a1 NO [AUTHENTICATIONFAILED] {…}
        """)
        after_typo = shared.failures("addr:127.0.0.1")
        await client.play("""
            C: a2 LOGIN bob secret
            S: a2 OK {…}
        """)
        # bob's login took no slot of the shared address.
        assert shared.failures("addr:127.0.0.1") == after_typo
        await client.close()


async def test_long_queue_is_refused_unchecked(tmp_path: Path, cert_dir: Path) -> None:
    async with serving(tmp_path, cert_dir, "failedloginpause: 1\n") as server:
        server.ctx.shared.record_failure(("user:bob",), time.time(), 3600.0, FORGET_AFTER)
        client = await connect(server, user=None)
        await client.play("""
            C: a1 LOGIN bob secret
            S: a1 NO [UNAVAILABLE] Too many failed logins; try again later
            C: a2 LOGIN alice secret
            S: a2 OK {…}
        """)
        await client.close()


async def test_log_lines_escape_and_truncate_client_text(
        imap_anon: ImapTranscript, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    forged = b"bob\nlogin: [127.0.0.1]:1 admin plaintext"
    await imap_anon.send(b"a1 LOGIN {%d}\r\n" % len(forged))
    await imap_anon.expect("+ go ahead")
    await imap_anon.send(forged + b" wrong\r\n")
    await imap_anon.expect("a1 NO [AUTHENTICATIONFAILED] Authentication failed")
    long_name = b"x" * 6000
    await imap_anon.send(b"a2 LOGIN {%d}\r\n" % len(long_name))
    await imap_anon.expect("+ go ahead")
    await imap_anon.send(long_name + b" wrong\r\n")
    await imap_anon.expect("a2 NO [AUTHENTICATIONFAILED] Authentication failed")
    messages = [r.getMessage() for r in caplog.records if "login" in r.getMessage()]
    assert len(messages) == 2, messages
    assert all("\n" not in m and len(m) < 400 for m in messages), messages
    assert not [m for m in messages if m.startswith("login:")]
