"""The log lines a Cyrus admin greps for, as syslog receives them from a
real master's workers: the test is the syslog daemon (a unix datagram
socket named by `syslog_socket`)."""

from __future__ import annotations

import imaplib
import re
import smtplib
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from roost.config import ConfigError, parse_config
from roost.telemetry.logsetup import log_handler
from tests.harness.master import PATIENCE, running_master, wait_until
from tests.harness.site import PASSWORD, make_site

MESSAGE = (b"From: alice@example.com\r\nTo: bob@example.com\r\nSubject: hi\r\n"
           b"Message-ID: <m1@example.com>\r\n\r\nhello\r\n")


class Syslog:
    """What arrived on the socket, one datagram a line."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.lines: list[str] = []

    def wait_for(self, pattern: str) -> str:
        """The first line matching `pattern` (bounded wait)."""
        regex = re.compile(pattern)

        def arrived() -> bool:
            try:
                while True:
                    self.lines.append(self.sock.recv(65536).decode())
            except BlockingIOError:
                pass
            return any(regex.search(line) for line in self.lines)

        assert wait_until(arrived, PATIENCE), "\n".join(self.lines)
        return next(line for line in self.lines if regex.search(line))


@pytest.fixture
def syslog() -> Iterator[Syslog]:
    with tempfile.TemporaryDirectory(prefix="roost-syslog-") as directory:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(str(Path(directory) / "log"))
        sock.setblocking(False)
        yield Syslog(sock)
        sock.close()


def test_login_badlogin_delivery_and_expunge_lines(tmp_path: Path, cert_dir: Path,
                                                   syslog: Syslog) -> None:
    path = syslog.sock.getsockname()
    site = make_site(tmp_path / "site", cert_dir,
                     f"syslog_facility: local6\nsyslog_prefix: cyrus\nsyslog_socket: {path}\n"
                     "autocreate_quota: 0\n")
    with running_master(site, {"imap": "imapd", "lmtp": "lmtpd"}) as master:
        client = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        with pytest.raises(imaplib.IMAP4.error):
            client.login("bob", "wrong")
        client.login("bob", PASSWORD)
        with smtplib.LMTP("127.0.0.1", master.ports["lmtp"]) as lmtp:
            lmtp.sendmail("alice@example.com", ["bob@example.com"], MESSAGE)
        client.select("INBOX")
        client.store("1", "+FLAGS", "(\\Deleted)")
        client.expunge()
        client.logout()
        # <PRI> is facility*8 + severity: local6 (22), warning (4) / info (6)
        bad = syslog.wait_for(r"badlogin: ")
        assert re.fullmatch(r"<180>cyrus/imap\[\d+\]: badlogin: \[127\.0\.0\.1\] plaintext "
                            r"bob .+", bad), bad
        good = syslog.wait_for(r"\]: login: ")
        assert re.fullmatch(r"<182>cyrus/imap\[\d+\]: login: \[127\.0\.0\.1\] bob plaintext "
                            r"User logged in SESSIONID=<.+-\d+-\d+-\d+>", good), good
        delivered = syslog.wait_for(r"Delivered: ")
        assert re.fullmatch(r"<182>cyrus/lmtp\[\d+\]: Delivered: <m1@example\.com> to "
                            r"mailbox: user\.bob", delivered), delivered
        expunged = syslog.wait_for(r"Expunged ")
        assert re.fullmatch(r"<182>cyrus/imap\[\d+\]: Expunged 1 messages from user\.bob",
                            expunged), expunged
        assert PASSWORD not in "\n".join(syslog.lines)


def test_an_unknown_facility_is_a_config_error() -> None:
    conf = parse_config("syslog_facility: local9\n")
    with pytest.raises(ConfigError, match="syslog_facility"):
        log_handler(conf)


def test_without_a_facility_lines_go_to_stderr() -> None:
    import logging

    handler = log_handler(parse_config(""))
    assert isinstance(handler, logging.StreamHandler)
