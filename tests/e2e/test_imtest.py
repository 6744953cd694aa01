"""Cyrus's own `imtest` (Debian cyrus-clients) against Roost: STARTTLS, then
PLAIN and SCRAM-SHA-256, as a Cyrus site's scripts would use it."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from tests.harness.master import Master, cyrus_tool, running_master
from tests.harness.site import PASSWORD, Site


@pytest.fixture
def master(site: Site) -> Iterator[Master]:
    with running_master(site, {"imap": "imapd", "imaps": "imapd -s"}) as running:
        yield running


def imtest(master: Master, user: str, mech: str, commands: str, tls: str = "starttls") -> str:
    port = master.ports["imap" if tls == "starttls" else "imaps"]
    args = [cyrus_tool("imtest"), "-a", user, "-w", PASSWORD, "-m", mech, "-p", str(port)]
    args += ["-t", ""] if tls == "starttls" else ["-s"]
    result = subprocess.run([*args, "127.0.0.1"], input=commands.encode(),
                            capture_output=True, timeout=30, check=False)
    return result.stdout.decode("utf-8", "replace") + result.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("mech", ["PLAIN", "SCRAM-SHA-256"])
def test_imtest_after_starttls(master: Master, mech: str) -> None:
    out = imtest(master, "admin", mech, "a1 CREATE user/bob\r\na2 LOGOUT\r\n")
    assert "Authenticated." in out, out
    assert "a1 OK" in out, out
    out = imtest(master, "bob", mech, "b1 SELECT INBOX\r\nb2 LOGOUT\r\n")
    assert "Security strength factor: 256" in out, out
    assert "b1 OK [READ-WRITE]" in out, out


def test_imtest_implicit_tls(master: Master) -> None:
    out = imtest(master, "admin", "SCRAM-SHA-1", "a1 NOOP\r\na2 LOGOUT\r\n", tls="imaps")
    assert "Authenticated." in out and "a1 OK" in out, out


def test_imtest_wrong_password(master: Master) -> None:
    port = master.ports["imap"]
    result = subprocess.run([cyrus_tool("imtest"), "-a", "bob", "-w", "nope", "-m", "PLAIN",
                             "-t", "", "-p", str(port), "127.0.0.1"],
                            input=b"a1 LOGOUT\r\n", capture_output=True, timeout=30, check=False)
    out = result.stdout.decode() + result.stderr.decode()
    assert "S: * OK" in out, out  # it did reach the server
    assert "Authenticated." not in out and "NO [AUTHENTICATIONFAILED]" in out, out
