"""bench.cyrus_fill, Cyrus filled through its spool and `reconstruct` (as the
search benchmark fills it with 100,000 messages): every message is there,
numbered from 1 in order, byte for byte as written."""

from __future__ import annotations

import asyncio
import shutil

import pytest
from bench.cyrus_fill import fill_spool
from bench.cyrus_side import CYRUS_BIN, CyrusSide
from bench.imap_client import ImapClient
from bench.search_corpus import messages
from tests.harness.master import free_port
from tests.harness.site import PASSWORD

COUNT = 30


async def look(port: int) -> tuple[list[bytes], list[bytes]]:
    """STATUS of user1's INBOX, and FETCH of UIDs 1 and COUNT in full."""
    imap = await ImapClient.connect("127.0.0.1", port)
    try:
        await imap.login("user1", PASSWORD)
        status = await imap.command("STATUS INBOX (MESSAGES UIDNEXT)")
        await imap.command("SELECT INBOX")
        fetched = await imap.command(f"UID FETCH 1,{COUNT} (BODY.PEEK[])")
        await imap.command("LOGOUT")
        return status.untagged, fetched.untagged
    finally:
        await imap.close()


def test_spool_fill_gives_every_message_in_order() -> None:
    if not (CYRUS_BIN / "reconstruct").exists() or shutil.which("saslpasswd2") is None:
        pytest.skip("Debian's cyrus-imapd (and sasl2-bin) is not installed: "
                    "apt-get install cyrus-imapd sasl2-bin")
    cyrus = CyrusSide(1, PASSWORD, imap_port=free_port())
    try:
        try:
            cyrus.start()
        except Exception as err:  # noqa: BLE001 - any failure to start is a skip, said why
            pytest.skip(f"Cyrus could not start on loopback: {err}")
        raws = messages(COUNT, 7)
        assert fill_spool(cyrus, "user.user1", raws) > 0
        status, fetched = asyncio.run(look(cyrus.imap_port))
    finally:
        cyrus.stop()
    assert status == [b"* STATUS INBOX (MESSAGES %d UIDNEXT %d)\r\n" % (COUNT, COUNT + 1)]
    first = next(line for line in fetched if b"UID 1 " in line)
    last = next(line for line in fetched if b"UID %d " % COUNT in line)
    assert raws[0] in first and raws[-1] in last
