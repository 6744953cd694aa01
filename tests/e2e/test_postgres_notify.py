"""NOTIFY (RFC 5465) on a `store_backend: postgres` site: the events come
from the PostgreSQL change feed (store/postgres/feed.py), written by
whichever process made the change (an LMTP delivery, another IMAP
session's worker) and woken through LISTEN/NOTIFY; a session's own
change is not announced to it."""

from __future__ import annotations

import asyncio
import smtplib
from typing import TYPE_CHECKING

from tests.harness.imap import ImapTranscript

if TYPE_CHECKING:
    from tests.e2e.conftest import PostgresSite

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


async def test_notify_events_cross_processes_on_postgres(postgres_site: PostgresSite) -> None:
    ports = postgres_site.master.ports
    watcher, other = await session(ports["imap"]), await session(ports["imap"])
    await watcher.play(r"""
        C: a1 NOTIFY SET STATUS (personal (MessageNew MessageExpunge MailboxName SubscriptionChange))
        S: * STATUS "INBOX" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY {…})
        S: a1 OK {…}
    """)
    await asyncio.to_thread(deliver, ports["lmtp"])
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
