"""NOTIFY (RFC 5465) on a `store_backend: postgres` site: the events come
from the PostgreSQL change feed (store/postgres/feed.py), written by
whichever process made the change (an LMTP delivery, another IMAP
session's worker) and woken through LISTEN/NOTIFY; a session's own
change is not announced to it."""

from __future__ import annotations

import asyncio
import imaplib
import smtplib
from pathlib import Path

from tests.harness.imap import ImapTranscript
from tests.harness.master import running_master
from tests.harness.postgres import Postgres
from tests.harness.site import PASSWORD, make_site

from roost.store.names import user_inbox

MESSAGE = b"From: a@example.com\r\nSubject: fed\r\n\r\nthrough the change feed\r\n"


async def session(port: int) -> ImapTranscript:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    client = ImapTranscript(reader, writer)
    assert (await client.readline()).startswith("* OK")
    await client.login("bob")
    return client


def deliver(port: int) -> None:
    with smtplib.LMTP("127.0.0.1", port) as lmtp:
        assert lmtp.sendmail("a@example.com", ["bob"], MESSAGE) == {}


async def test_notify_events_cross_processes_on_postgres(
        tmp_path: Path, cert_dir: Path, postgres: Postgres) -> None:
    dsn = postgres.new_schema()
    site = make_site(tmp_path / "site", cert_dir,
                     f"workers: 2\nstore_backend: postgres\nstore_dsn: {dsn}\n")
    with running_master(site, {"imap": "imapd", "lmtp": "lmtpd"}) as master:
        admin = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        admin.login("admin", PASSWORD)
        assert admin.create(user_inbox("bob").replace(".", "/"))[0] == "OK"
        admin.logout()
        watcher, other = await session(master.ports["imap"]), await session(master.ports["imap"])
        await watcher.play(r"""
            C: a1 NOTIFY SET STATUS (personal (MessageNew MessageExpunge MailboxName SubscriptionChange))
            S: * STATUS "INBOX" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY {…})
            S: a1 OK {…}
        """)
        await asyncio.to_thread(deliver, master.ports["lmtp"])
        await watcher.play("""
            S: * STATUS "INBOX" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY {…})
        """)
        await other.command("CREATE Projects")
        await watcher.play(r"""
            S: * LIST (\HasNoChildren) "/" "Projects"
        """)
        await other.command("SUBSCRIBE Projects")
        await watcher.play(r"""
            S: * LIST (\Subscribed) "/" "Projects"
        """)
        await other.command("DELETE Projects")
        await watcher.play(r"""
            S: * LIST (\NonExistent) "/" "Projects"
            C: a2 CREATE Mine
            S: a2 OK {…}
            C: a3 NOOP
            S: a3 OK {…}
            C: a4 NOTIFY NONE
            S: a4 OK {…}
        """)
        await other.close()
        await watcher.close()
