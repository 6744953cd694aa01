"""SIGTERM to `roost master`: what is in flight finishes, new work is refused, all exit 0.

RFC 5321 §3.8: a server shutting down answers 421; RFC 9051 §7.1.5: IMAP
says BYE. No test here times anything: each waits for what the master
logs, with generous bounds.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal

import pytest
from tests.harness.master import Master, running_master, start_master
from tests.harness.site import PASSWORD, Site
from tests.harness.transcript import TranscriptClient

from roost.store.open import open_store

LOOPS = 50


async def create_inbox(site: Site) -> None:
    store = open_store(site.conf)
    await store.create_mailbox("user.bob")
    await store.close()


async def inbox_size(site: Site) -> int:
    store = open_store(site.conf)
    try:
        return len(await store.messages((await store.get_mailbox("user.bob")).id))
    finally:
        await store.close()


async def connect(master: Master, service: str) -> TranscriptClient:
    return TranscriptClient(*await asyncio.open_connection("127.0.0.1", master.ports[service]))


async def closed_by_server(client: TranscriptClient) -> bool:
    """EOF, or a reset: the server may close before a line the client sent arrives."""
    try:
        return await client.reader.read() == b""
    except ConnectionResetError:
        return True


async def greeted_lmtp(master: Master) -> TranscriptClient:
    """An LMTP client past the greeting and LHLO (whatever extensions are offered)."""
    lmtp = await connect(master, "lmtp")
    await lmtp.play("""
        S: 220 {…}
        C: LHLO mx.test
    """)
    while (await lmtp.readline()).startswith("250-"):
        pass
    return lmtp


async def test_delivery_in_flight_completes_and_new_mail_gets_421(site: Site) -> None:
    await create_inbox(site)
    with running_master(site, {"imap": "imapd", "lmtp": "lmtpd"}) as master:
        imap = await connect(master, "imap")
        await imap.play(f"""
            S: * OK {{…}}
            C: a1 LOGIN bob {PASSWORD}
            S: a1 OK {{…}}
            C: a2 SELECT INBOX
        """)
        while not (await imap.readline()).startswith("a2 OK"):
            pass
        await imap.play("""
            C: a3 IDLE
            S: + idling
        """)
        lmtp = await greeted_lmtp(master)
        await lmtp.play("""
            C: MAIL FROM:<a@example.org>
            C: RCPT TO:<bob>
            C: DATA
            S: 250 2.1.0 {…}
            S: 250 2.1.5 {…}
            S: 354 {…}
            C: Subject: sent across a shutdown
            C:
        """)
        master.terminate()
        # The BYE says the worker is stopping; the delivery was under way all along.
        await imap.play("""
            S: * BYE {…}Server shutting down
        """)
        assert await closed_by_server(imap)
        await lmtp.play("""
            C: The worker waited for this delivery.
            C: .
            S: 250 2.0.0 <bob> Delivered {…}
            C: MAIL FROM:<b@example.org>
            S: 421 4.3.2 {…}shutting down
        """)
        assert await closed_by_server(lmtp)
        await imap.close()
        await lmtp.close()
        assert master.stop() == 0, master.log_text
    assert "SIGKILL" not in master.log_text
    assert await inbox_size(site) == 1


async def stop_at_some_moment(master: Master, moment: str) -> None:
    """SIGTERM the master at `moment` of its life; check what clients are told."""
    master.wait_for_log("starting")
    if moment == "start-up":
        master.terminate()
        return
    master.wait_for_ports()
    if moment == "serving":
        master.terminate()
        return
    if moment == "whole group":  # as systemd stops a service: every process at once
        for worker in master.workers():
            os.kill(worker, signal.SIGTERM)
        master.terminate()
        return
    imap = await connect(master, "imap")
    await imap.play("S: * OK {…}")
    lmtp = await greeted_lmtp(master)
    await lmtp.play("""
        C: MAIL FROM:<a@example.org>
        S: 250 2.1.0 {…}
    """)
    master.terminate()
    await imap.play("S: * BYE {…}Server shutting down")
    await lmtp.play("S: 421 4.3.2 {…}")
    await imap.close()
    await lmtp.close()


@pytest.mark.timeout(600)
async def test_sigterm_at_any_moment_50_times_never_needs_sigkill(site: Site) -> None:
    """THE loop: each time the master exits by itself with 0, and never kills anyone."""
    rng = random.Random(6)
    moments = ["start-up", "serving", "whole group", "with clients"]
    for round_no in range(LOOPS):
        moment = moments[round_no] if round_no < len(moments) else rng.choice(moments)
        master = start_master(site, {"imap": "imapd", "lmtp": "lmtpd"})
        try:
            await stop_at_some_moment(master, moment)
        finally:
            status = master.stop()
        log = master.log_text
        assert status == 0, f"round {round_no} ({moment}): exit {status}\n{log}"
        assert "SIGKILL" not in log, f"round {round_no} ({moment}):\n{log}"
        assert "Traceback" not in log, f"round {round_no} ({moment}):\n{log}"
        assert "master" in log and "stopped" in log, log
