"""A real client: Python's imapclient calling sort() and thread() (and
ESORT through its raw command), against the server on 127.0.0.1."""

import asyncio

import pytest
from tests.harness.imap import RunningImap
from tests.harness.site import PASSWORD
from tests.imap.test_thread import CORPUS

from roost.store.names import user_inbox

imapclient = pytest.importorskip("imapclient", reason="imapclient is in the [test] extras")


async def test_imapclient_sort_and_thread(imap_server: RunningImap) -> None:
    box = await imap_server.ctx.store.create_mailbox(f"{user_inbox('bob')}.Threads")
    for raw, when in CORPUS:
        await imap_server.ctx.store.append(box.id, raw, internaldate=when)  # type: ignore[arg-type]

    def session() -> tuple[object, ...]:
        client = imapclient.IMAPClient(imap_server.host, port=imap_server.port, ssl=False)
        try:
            client.login("bob", PASSWORD)
            caps = client.capabilities()
            client.select_folder("Threads", readonly=True)
            by_subject = client.sort(["SUBJECT", "REVERSE", "DATE"], "UNDELETED")
            threads = client.thread("REFERENCES", ["ALL"])
            ordered = client.thread("ORDEREDSUBJECT", ["UID", "1:4"])
            return caps, by_subject, threads, ordered
        finally:
            client.logout()

    caps, by_subject, threads, ordered = await asyncio.to_thread(session)
    assert {b"SORT", b"SORT=DISPLAY", b"THREAD=REFERENCES", b"ESORT"} <= set(caps)  # type: ignore[call-overload]
    # Base subjects: deep, loop, lost, other, plan, quoted, solo; newest first.
    assert by_subject == [15, 12, 11, 6, 5, 10, 9, 4, 3, 2, 1, 14, 13, 8, 7]
    assert threads == ((1, (2, 3), (4,)), ((5,), (6,)), (7, 8), ((9,), (10,)), (12, 11),
                       (13, 14), (15,))
    assert ordered == ((1, (2,), (3,), (4,)),)
