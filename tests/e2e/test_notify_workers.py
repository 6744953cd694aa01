"""NOTIFY events reach sessions in every worker process: an LMTP delivery
(taken by the lmtpd process) and another IMAP session's CREATE (on
whichever imapd worker it lands) both arrive as untagged replies between
commands, carried by the store's change feed and the cross-process pulse
IDLE uses (`PRAGMA data_version`)."""

from __future__ import annotations

import smtplib
import socket
from pathlib import Path

from tests.e2e.test_idle_delivery import read_until
from tests.harness.master import running_master
from tests.harness.site import PASSWORD, make_site

from roost.store.names import user_inbox

SESSIONS = 6  # several connections: some land on each of the two imapd workers


def test_notify_events_cross_worker_processes(tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "site", cert_dir, "workers: 2\n")
    with running_master(site, {"imap": "imapd", "lmtp": "lmtpd"}) as master:
        port = master.ports["imap"]
        admin = socket.create_connection(("127.0.0.1", port))
        admin.sendall(f"a LOGIN admin {PASSWORD}\r\n"
                      f"b CREATE {user_inbox('bob').replace('.', '/')}\r\n".encode())
        assert b"b OK" in read_until(admin, b"\r\nb ", 10)
        admin.close()
        watchers = []
        for _ in range(SESSIONS):
            client = socket.create_connection(("127.0.0.1", port))
            client.sendall(f"a LOGIN bob {PASSWORD}\r\n"
                           "b NOTIFY SET (personal (MessageNew MessageExpunge MailboxName))\r\n"
                           .encode())
            assert b"b OK" in read_until(client, b"b OK", 10)
            watchers.append(client)
        with smtplib.LMTP("127.0.0.1", master.ports["lmtp"]) as lmtp:
            lmtp.sendmail("x@example.com", ["bob"], b"Subject: hello\r\n\r\nthere\r\n")
        for client in watchers:
            got = read_until(client, b")\r\n", 10)
            assert b'* STATUS "INBOX" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY ' in got, got
        maker = socket.create_connection(("127.0.0.1", port))
        maker.sendall(f"a LOGIN bob {PASSWORD}\r\nb CREATE Work\r\nc LOGOUT\r\n".encode())
        assert b"b OK" in read_until(maker, b"c OK", 10)
        maker.close()
        for client in watchers:
            got = read_until(client, b'"Work"\r\n', 10)
            assert b'* LIST (\\HasNoChildren) "/" "Work"' in got, got
            client.sendall(b"z LOGOUT\r\n")
            assert b"z OK" in read_until(client, b"z OK", 10)
            client.close()
