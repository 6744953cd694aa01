"""IDLE is woken within a second by an LMTP delivery, even when the delivery
is taken by another worker process than the one serving the IDLE session."""

from __future__ import annotations

import smtplib
import socket
from pathlib import Path

from tests.harness.master import running_master
from tests.harness.site import PASSWORD, make_site

from roost.store.names import user_inbox


def read_until(sock: socket.socket, marker: bytes, timeout: float) -> bytes:
    sock.settimeout(timeout)
    data = b""
    while marker not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def test_idle_wakes_on_lmtp_delivery_across_workers(tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "site", cert_dir, "workers: 2\n")
    with running_master(site, {"imap": "imapd", "lmtp": "lmtpd"}) as master:
        admin = socket.create_connection(("127.0.0.1", master.ports["imap"]))
        admin.sendall(f"a LOGIN admin {PASSWORD}\r\nb CREATE {user_inbox('bob').replace('.', '/')}\r\n".encode())
        assert b"b OK" in read_until(admin, b"\r\nb ", 10)
        admin.close()
        for attempt in range(4):  # several connections: some land on each worker
            client = socket.create_connection(("127.0.0.1", master.ports["imap"]))
            client.sendall(f"a LOGIN bob {PASSWORD}\r\nb SELECT INBOX\r\nc IDLE\r\n".encode())
            assert b"+ idling" in read_until(client, b"+ idling", 10)
            with smtplib.LMTP("127.0.0.1", master.ports["lmtp"]) as lmtp:
                lmtp.sendmail("x@example.com", ["bob"], b"Subject: wake\r\n\r\nup\r\n")
            woken = read_until(client, b"EXISTS", 5)
            assert b"EXISTS" in woken, woken
            client.sendall(b"DONE\r\nd LOGOUT\r\n")
            assert b"c OK" in read_until(client, b"d OK", 10)
            client.close()
