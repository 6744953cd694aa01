"""swaks (Debian swaks), the MTA engineer's test tool, delivering over LMTP to
Roost's unix socket and TCP service: one reply per recipient after DATA."""

from __future__ import annotations

import imaplib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.harness.master import Master, free_port, roost_command, wait_for_port
from tests.harness.site import PASSWORD, Site


@pytest.fixture
def master(site: Site) -> Iterator[Master]:
    imap, lmtp = free_port(), free_port()
    socket_path = site.root / "lmtp.sock"
    cyrus_conf = site.root / "cyrus.conf"
    cyrus_conf.write_text(
        "SERVICES {\n"
        f'  imap cmd="imapd" listen="127.0.0.1:{imap}"\n'
        f'  lmtp cmd="lmtpd" listen="127.0.0.1:{lmtp}"\n'
        f'  lmtpunix cmd="lmtpd" listen="{socket_path}"\n'
        "}\n")
    proc = subprocess.Popen(roost_command("master", "-C", str(site.conf_path), "-M",
                                          str(cyrus_conf)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    running = Master(proc, {"imap": imap, "lmtp": lmtp}, site)
    try:
        wait_for_port(imap, proc)
        wait_for_port(lmtp, proc)
        admin = imaplib.IMAP4("127.0.0.1", imap)
        admin.login("admin", PASSWORD)
        for user in ("bob", "alice"):
            assert admin.create(f"user/{user}")[0] == "OK"
        admin.logout()
        yield running
    finally:
        running.stop()


def swaks(*args: str) -> str:
    result = subprocess.run(["swaks", "--protocol", "LMTP", "--from", "sender@example.org",
                             "--header", "Subject: via swaks", *args],
                            capture_output=True, text=True, timeout=60, check=False)
    return result.stdout + result.stderr


def inbox_count(master: Master, user: str) -> int:
    client = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
    client.login(user, PASSWORD)
    status, data = client.select("INBOX")
    client.logout()
    assert status == "OK"
    return int(data[0])


def test_swaks_over_the_unix_socket(master: Master, site: Site) -> None:
    out = swaks("--socket", str(Path(site.root) / "lmtp.sock"), "--to", "bob@example.com")
    assert "250 2.1.5" in out and "<-  250" in out.split("DATA", 1)[-1], out
    assert inbox_count(master, "bob") == 1


def test_swaks_several_recipients_one_unknown(master: Master) -> None:
    out = swaks("--server", "127.0.0.1", "--port", str(master.ports["lmtp"]),
                "--to", "bob@example.com,alice@example.com,nobody@example.com")
    assert "550 5.1.1" in out, out
    after_data = out.split("354", 1)[-1]
    assert after_data.count("<-  250") >= 2, out  # RFC 2033 §4.2: one reply per recipient
    assert inbox_count(master, "bob") == 1
    assert inbox_count(master, "alice") == 1
