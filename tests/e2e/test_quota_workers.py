"""Quota usage stays exact when two worker processes write at once: LMTP
deliveries and IMAP APPENDs race for the last places of a MESSAGE limit;
exactly the limit is stored, and GETQUOTA agrees with STATUS."""

from __future__ import annotations

import smtplib
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.harness.master import running_master
from tests.harness.site import PASSWORD, make_site

LIMIT = 12
ATTEMPTS = 16  # per protocol: 32 writes for 12 places


def read_tagged(sock: socket.socket, tag: str, timeout: float = 20) -> bytes:
    """Everything up to and including the line tagged `tag`."""
    sock.settimeout(timeout)
    data = b""
    marker = f"\r\n{tag} ".encode()
    while marker not in data or not data.endswith(b"\r\n"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def imap_session(port: int, user: str, commands: list[str]) -> bytes:
    """Log in, run `commands` tagged c0..cN, return everything read."""
    sock = socket.create_connection(("127.0.0.1", port))
    try:
        lines = [f"a LOGIN {user} {PASSWORD}"] + [f"c{n} {cmd}" for n, cmd in enumerate(commands)]
        sock.sendall("".join(line + "\r\n" for line in lines).encode())
        return read_tagged(sock, f"c{len(commands) - 1}")
    finally:
        sock.close()


def deliver(port: int, n: int) -> int:
    """0 when delivered, else the reply code."""
    with smtplib.LMTP("127.0.0.1", port) as lmtp:
        try:
            lmtp.sendmail("x@example.com", ["bob"], f"Subject: lmtp {n}\r\n\r\nbody\r\n".encode())
        except smtplib.SMTPDataError as err:  # the only recipient refused
            return err.smtp_code
        return 0


def append(port: int, n: int) -> bytes:
    body = f"Subject: imap {n}\r\n\r\nbody\r\n"
    return imap_session(port, "bob", [f"APPEND INBOX {{{len(body)}+}}\r\n{body}"])


def test_two_workers_fill_the_quota_exactly(tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "site", cert_dir, "workers: 2\n")
    with running_master(site, {"imap": "imapd", "lmtp": "lmtpd"}) as master:
        imap, lmtp = master.ports["imap"], master.ports["lmtp"]
        setup = imap_session(imap, "admin", ["CREATE user/bob",
                                             f"SETQUOTA user/bob (MESSAGE {LIMIT})"])
        assert b"c1 OK" in setup, setup
        with ThreadPoolExecutor(max_workers=8) as pool:
            deliveries = [pool.submit(deliver, lmtp, n) for n in range(ATTEMPTS)]
            appends = [pool.submit(append, imap, n) for n in range(ATTEMPTS)]
            lmtp_codes = [f.result() for f in deliveries]
            imap_replies = [f.result() for f in appends]
        stored = lmtp_codes.count(0) + sum(b"c0 OK" in r for r in imap_replies)
        assert stored == LIMIT
        assert set(lmtp_codes) <= {0, 452}
        assert all(b"c0 NO [OVERQUOTA]" in r for r in imap_replies if b"c0 OK" not in r)
        check = imap_session(imap, "bob", ["GETQUOTA INBOX", "STATUS INBOX (MESSAGES)"])
        assert f'* QUOTA "INBOX" (MESSAGE {LIMIT} {LIMIT})'.encode() in check, check
        assert f'(MESSAGES {LIMIT})'.encode() in check, check
