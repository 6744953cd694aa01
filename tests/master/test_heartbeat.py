"""Heartbeats: a worker whose event loop stops (here: SIGSTOP) is noticed by its
silence and replaced; a worker whose master is gone stops by itself."""

from __future__ import annotations

import imaplib
import os
import signal
from pathlib import Path

from tests.harness.master import alive, running_master, start_master, wait_until
from tests.harness.site import PASSWORD, make_site


def test_a_hung_worker_is_killed_and_replaced(tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "site", cert_dir, "worker_heartbeat_timeout: 3\n")
    with running_master(site, {"imap": "imapd"}) as master:
        [hung] = master.workers()
        os.kill(hung, signal.SIGSTOP)
        master.wait_for_log(f"worker {hung} sent no heartbeat")
        assert wait_until(lambda: len(master.workers()) == 1 and hung not in master.workers())
        [replacement] = master.workers()
        master.wait_for_log(f"worker {replacement} started")
        client = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        assert client.login("bob", PASSWORD)[0] == "OK"
        client.logout()
        assert master.stop() == 0
    assert f"worker {hung} was killed by SIGKILL; starting another" in master.log_text


def test_a_worker_stops_when_its_master_is_gone(tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "site", cert_dir)
    master = start_master(site, {"imap": "imapd"})
    master.wait_for_ports()
    [worker] = master.workers()
    try:
        master.proc.kill()  # no SIGTERM: the worker is left as an orphan
        master.proc.wait()
        assert wait_until(lambda: not alive(worker))
    finally:
        if alive(worker):
            os.kill(worker, signal.SIGKILL)
        master.stop()
