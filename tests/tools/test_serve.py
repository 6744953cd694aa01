"""`roost serve`: first run creates a working site and prints the admin password once."""

from __future__ import annotations

import imaplib
import poplib
import signal
import stat
import subprocess
from pathlib import Path

from tests.harness.master import free_port, roost_command, wait_for_port


def test_first_run_creates_site_and_serves(tmp_path: Path) -> None:
    data = tmp_path / "var"
    imap, imaps, lmtp, sieve, pop3, pop3s = (free_port() for _ in range(6))
    args = roost_command("serve", "--data", str(data), "--imap-port", str(imap),
                         "--imaps-port", str(imaps), "--lmtp-port", str(lmtp),
                         "--sieve-port", str(sieve), "--pop3-port", str(pop3),
                         "--pop3s-port", str(pop3s))
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for port in (imap, imaps, lmtp, sieve, pop3, pop3s):
            wait_for_port(port, proc)
        password = (data / "admin-password").read_text().strip()
        assert stat.S_IMODE((data / "admin-password").stat().st_mode) == 0o600
        assert (data / "config" / "socket" / "lmtp").is_socket()
        client = imaplib.IMAP4_SSL("127.0.0.1", imaps, ssl_context=_insecure())
        client.login("admin", password)
        assert client.create("user/bob")[0] == "OK"
        client.logout()
        assert poplib.POP3("127.0.0.1", pop3, timeout=10).quit().startswith(b"+OK")
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert password.encode() in out
    # A second run reuses the site and does not print the password again.
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for_port(imap, proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert password.encode() not in out


def _insecure():  # type: ignore[no-untyped-def]
    import ssl

    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx
