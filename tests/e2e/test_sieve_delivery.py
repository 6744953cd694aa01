"""Sieve at delivery in a real `roost master`: the worker's LMTP service runs the
scripts of the script store (ServerContext.scripts), sends through the `sendmail`
program, and `cyr_expire -E` runs as a Cyrus EVENTS entry."""

from __future__ import annotations

import asyncio
import smtplib
from pathlib import Path

from tests.harness.master import running_master, wait_until
from tests.harness.site import make_site
from tests.lmtp.sieve_rig import sendmail_outbox, write_sendmail

from roost.sieve import SieveOptions, compile_script, dump_compiled
from roost.store.open import open_scripts, open_store

SCRIPT = b"""require ["fileinto", "vacation"];
if header :contains "X-BeenThere" "plug@" { fileinto "INBOX.plug"; }
vacation :addresses "bob@roost.test" "Back on Monday.";
"""


def lmtp_send(port: int, sender: str, subject: str) -> dict[str, tuple[int, bytes]]:
    message = (f"From: {sender}\r\nTo: bob@roost.test\r\nSubject: {subject}\r\n"
               f"X-BeenThere: plug@lists.example\r\nMessage-ID: <{subject}@example.org>\r\n"
               "\r\nHello.\r\n")
    with smtplib.LMTP("127.0.0.1", port) as client:
        refused: dict[str, tuple[int, bytes]] = client.sendmail(sender, ["bob@roost.test"], message)
        return refused


async def test_a_master_worker_runs_the_active_script(tmp_path: Path, cert_dir: Path) -> None:
    program, outbox = write_sendmail(tmp_path / "mta")
    site = make_site(tmp_path / "site", cert_dir, f"sendmail: {program}\n"
                     "unixhierarchysep: no\naltnamespace: no\n")
    store = open_store(site.conf)
    for name in ("user.bob", "user.bob.plug"):
        await store.create_mailbox(name)
    scripts = open_scripts(site.conf, store)
    options = SieveOptions.from_config(site.conf)
    await scripts.put_script("bob", "main", SCRIPT,
                             dump_compiled(compile_script(SCRIPT, options), SCRIPT, options))
    await scripts.set_active("bob", "main")
    await store.close()
    events = 'EVENTS {\n  delprune cmd="cyr_expire -E 3" period=0\n}\n'
    with running_master(site, {"lmtp": "lmtpd"}, events) as master:
        port = master.ports["lmtp"]
        for subject in ("first", "second"):
            assert await asyncio.to_thread(lmtp_send, port, "ann@example.org", subject) == {}
        assert await asyncio.to_thread(wait_until, lambda: len(sendmail_outbox(outbox)) >= 1)
        await asyncio.to_thread(master.wait_for_log, "entry 'delprune' (pid")
        await asyncio.to_thread(master.wait_for_log, "exited with status 0")
        log = master.log_text
    [reply] = sendmail_outbox(outbox)  # one vacation reply for two messages from ann
    assert reply.sender == "" and reply.recipients == ("ann@example.org",)
    assert b"Back on Monday." in reply.raw and b"Auto-Submitted: auto-replied" in reply.raw
    store = open_store(site.conf)
    try:
        plug = await store.get_mailbox("user.bob.plug")
        assert len(await store.messages(plug.id)) == 2
    finally:
        await store.close()
    assert "EVENTS entry 'delprune'" in log
