"""A real client library, Python's `imapclient` (pinned in pyproject), on
CONDSTORE and QRESYNC: what it parses itself (ENABLE, HIGHESTMODSEQ in
SELECT and STATUS, FETCH modifiers, SEARCH MODSEQ, EXPUNGE replies, IDLE)
and, through its own connection, what it leaves to the caller (STORE
UNCHANGEDSINCE, SELECT QRESYNC). It is synchronous, so it runs in a thread
beside the server's loop."""

from __future__ import annotations

import asyncio

from imapclient import IMAPClient
from imapclient.response_parser import parse_fetch_response
from tests.harness.imap import RunningImap
from tests.harness.site import PASSWORD


def _login(port: int) -> IMAPClient:
    client = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=10)
    client.login("bob", PASSWORD)
    return client


def condstore_session(port: int) -> int:
    """ENABLE, SELECT, STATUS, STORE, FETCH CHANGEDSINCE, SEARCH MODSEQ,
    conditional STORE; returns the UIDVALIDITY for the next session."""
    client = _login(port)
    try:
        assert {b"CONDSTORE", b"QRESYNC"} <= set(client.capabilities())
        assert client.enable("QRESYNC", "CONDSTORE") == [b"CONDSTORE", b"QRESYNC"]
        selected = client.select_folder("INBOX")
        assert selected[b"HIGHESTMODSEQ"] == 3
        assert client.folder_status("INBOX", ["HIGHESTMODSEQ"]) == {b"HIGHESTMODSEQ": 3}
        assert client.add_flags([1], [b"\\Flagged"]) == {1: (b"\\Recent", b"\\Flagged")}
        changed = client.fetch([1, 2], ["FLAGS"], modifiers=["CHANGEDSINCE 3"])
        assert changed == {1: {b"SEQ": 1, b"FLAGS": (b"\\Recent", b"\\Flagged"),
                               b"MODSEQ": (4,)}}
        found = client.search(["MODSEQ", 4])
        assert list(found) == [1] and found.modseq == 4
        typ, data = client._imap._simple_command(  # imapclient has no UNCHANGEDSINCE
            "UID", "STORE", "1:2", "(UNCHANGEDSINCE 3)", "+FLAGS.SILENT", r"(\Seen)")
        assert (typ, data) == ("OK", [b"[MODIFIED 1] Conditional STORE failed"])
        assert client.fetch([2], ["FLAGS", "MODSEQ"])[2][b"MODSEQ"] == (5,)
        return int(selected[b"UIDVALIDITY"])
    finally:
        client.logout()


def qresync_session(port: int, uidvalidity: int) -> None:
    """EXPUNGE gives VANISHED, UID FETCH (VANISHED), SELECT (QRESYNC)."""
    client = _login(port)
    try:
        client.enable("QRESYNC")
        client.select_folder("INBOX")
        client.add_flags([2], [b"\\Deleted"])
        text, replies = client.expunge()
        assert text == b"[HIGHESTMODSEQ 7] Completed" and replies == [(b"VANISHED", 2)]
        client.fetch([1, 2], ["FLAGS"], modifiers=["CHANGEDSINCE 1", "VANISHED"])
        assert client._imap.untagged_responses["VANISHED"][-1] == b"(EARLIER) 2"
        client.unselect_folder()
        raw = client._imap  # imapclient has no QRESYNC select
        typ, _ = raw._simple_command("SELECT", "INBOX", f"(QRESYNC ({uidvalidity} 3 1:2))")
        assert typ == "OK"
        assert raw.untagged_responses["VANISHED"][-1] == b"(EARLIER) 2"
        fetches = parse_fetch_response(raw.untagged_responses["FETCH"])
        # Keyed by the UID the reply names (imapclient drops the UID item).
        assert fetches == {1: {b"SEQ": 1, b"FLAGS": (b"\\Flagged",), b"MODSEQ": (4,)}}
    finally:
        client.logout()


def idle_session(port: int, ready: asyncio.Event, loop: asyncio.AbstractEventLoop) -> list:
    """IDLE until another session's expunge arrives, as imapclient parses it."""
    client = _login(port)
    try:
        client.enable("QRESYNC")
        client.select_folder("INBOX")
        client.idle()
        loop.call_soon_threadsafe(ready.set)
        seen: list = []
        for _ in range(10):  # bounded: each check waits at most a second
            seen += client.idle_check(timeout=1)
            if any(item[0] == b"VANISHED" for item in seen):
                break
        client.idle_done()
        return seen
    finally:
        client.logout()


async def test_imapclient_condstore_and_qresync(imap_server: RunningImap) -> None:
    uidvalidity = await asyncio.to_thread(condstore_session, imap_server.port)
    await asyncio.to_thread(qresync_session, imap_server.port, uidvalidity)


async def test_imapclient_idle_sees_vanished(imap_server: RunningImap) -> None:
    store = imap_server.ctx.store
    inbox = await imap_server.mailbox_id("user.bob")
    ready = asyncio.Event()
    idling = asyncio.ensure_future(asyncio.to_thread(
        idle_session, imap_server.port, ready, asyncio.get_running_loop()))
    await asyncio.wait_for(ready.wait(), 10)
    await store.store_flags(inbox, [1], "add", ["\\Deleted"])
    await store.expunge(inbox)
    seen = await asyncio.wait_for(idling, 30)
    assert (b"VANISHED", 1) in seen, seen
