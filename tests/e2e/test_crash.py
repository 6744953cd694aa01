"""Crash safety: deliveries and APPENDs while the server is killed with SIGKILL
at random moments; after a restart every acknowledged message is present and
byte-identical, and the store passes its consistency check."""

from __future__ import annotations

import asyncio
import imaplib
import os
import random
import signal
import smtplib
import subprocess
import threading
import time

from tests.harness.master import free_port, roost_command, wait_for_port
from tests.harness.site import PASSWORD, Site

from roost.store.open import open_store

ROUNDS = 3
#: Seeded, so a failing run's message sizes and kill times can be replayed.
RNG = random.Random(20261201)


def message(kind: str, n: int) -> bytes:
    return (f"From: crash@example.com\r\nSubject: {kind} {n}\r\n"
            f"Message-ID: <{kind}-{n}@crash.test>\r\n\r\n{kind} body {n}\r\n"
            + "x" * RNG.randint(0, 5000) + "\r\n").encode()


class Load:
    """Clients that record what the server acknowledged, until the server dies."""

    def __init__(self, ports: dict[str, int], round_no: int) -> None:
        self.ports = ports
        self.round_no = round_no
        self.acked: list[bytes] = []
        self.lock = threading.Lock()

    def deliveries(self) -> None:
        n = 0
        try:
            lmtp = smtplib.LMTP("127.0.0.1", self.ports["lmtp"], timeout=5)
            while True:
                n += 1
                # Each thread its own Message-IDs: duplicatesuppression keeps one per mailbox.
                body = message(f"lmtp{self.round_no}-{threading.get_ident()}", n)
                lmtp.sendmail("crash@example.com", ["bob"], body)
                with self.lock:
                    self.acked.append(body)
        except (OSError, smtplib.SMTPException):
            return

    def appends(self) -> None:
        n = 0
        try:
            imap = imaplib.IMAP4("127.0.0.1", self.ports["imap"], timeout=5)
            imap.login("bob", PASSWORD)
            while True:
                n += 1
                body = message(f"append{self.round_no}", n)
                status, _ = imap.append("INBOX", None, None, body)
                if status == "OK":
                    with self.lock:
                        self.acked.append(body)
        except (OSError, imaplib.IMAP4.error, EOFError):
            return


def start(site: Site, ports: dict[str, int]) -> subprocess.Popen[bytes]:
    cyrus_conf = site.root / "cyrus.conf"
    cyrus_conf.write_text(
        "SERVICES {\n"
        f'  imap cmd="imapd" listen="127.0.0.1:{ports["imap"]}"\n'
        f'  lmtp cmd="lmtpd" listen="127.0.0.1:{ports["lmtp"]}"\n'
        "}\n")
    proc = subprocess.Popen(roost_command("master", "-C", str(site.conf_path), "-M",
                                          str(cyrus_conf)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    for port in ports.values():
        wait_for_port(port, proc)
    return proc


def test_acknowledged_mail_survives_sigkill(site: Site) -> None:
    asyncio.run(_create_inbox(site))
    acked: list[bytes] = []
    for round_no in range(ROUNDS):
        ports = {"imap": free_port(), "lmtp": free_port()}
        proc = start(site, ports)
        load = Load(ports, round_no)
        threads = [threading.Thread(target=load.deliveries), threading.Thread(target=load.appends),
                   threading.Thread(target=load.deliveries)]
        for thread in threads:
            thread.start()
        time.sleep(RNG.uniform(0.3, 1.2))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        for thread in threads:
            thread.join(timeout=30)
        acked += load.acked
    assert len(acked) > ROUNDS, f"too few acknowledged messages: {len(acked)}"
    stored, problems = asyncio.run(_stored_bodies(site))
    assert problems == []
    for body in acked:
        # LMTP adds Return-Path and Received above the message as received.
        assert any(s == body or s.endswith(b"\r\n" + body) for s in stored), body[:60]


async def _create_inbox(site: Site) -> None:
    store = open_store(site.conf)
    await store.create_mailbox("user.bob")
    await store.close()


async def _stored_bodies(site: Site) -> tuple[list[bytes], list[str]]:
    store = open_store(site.conf)
    try:
        records = await store.messages((await store.get_mailbox("user.bob")).id)
        bodies = [await store.body(r.blob) for r in records]
        return bodies, store.check()
    finally:
        await store.close()
