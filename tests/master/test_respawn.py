"""A worker that cannot start is not respawned in a tight loop: the pause
doubles with each worker in a row that dies soon after it starts, and the
log says so; a fixed site is served again."""

from __future__ import annotations

import imaplib
import os
import signal
from pathlib import Path

from tests.harness.master import running_master, wait_until
from tests.harness.site import PASSWORD, make_site

from roost.store.open import DATABASE


def test_workers_dying_at_start_back_off(tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "site", cert_dir)
    with running_master(site, {"imap": "imapd"}) as master:
        assert wait_until(lambda: _logs_in(master.ports["imap"]))  # the worker has its store
        [first] = master.workers()
        index = Path(site.conf.configdirectory) / DATABASE
        kept = index.with_name("kept.db")
        os.replace(index, kept)
        index.mkdir()  # every new worker fails to open its store
        os.kill(first, signal.SIGKILL)
        master.wait_for_log("3 workers in a row ended within 10 s of starting", count=1)
        assert "the next starts in 4 s" in master.log_text
        index.rmdir()
        os.replace(kept, index)
        assert wait_until(lambda: _logs_in(master.ports["imap"]), seconds=30)
        assert master.stop() == 0


def _logs_in(port: int) -> bool:
    try:
        client = imaplib.IMAP4("127.0.0.1", port)
        ok = client.login("bob", PASSWORD)[0] == "OK"
        client.logout()
        return ok
    except (OSError, imaplib.IMAP4.error):
        return False
