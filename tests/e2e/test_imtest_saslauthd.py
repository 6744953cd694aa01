"""Cyrus's `imtest` logs in to a Roost master (forked workers) whose
passwords a real saslauthd checks (sasl_pwcheck_method: saslauthd): PLAIN
after STARTTLS works; SCRAM, which needs secrets saslauthd does not have,
is not offered."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.harness.master import Master, cyrus_tool, running_master
from tests.harness.saslauthd import running_saslauthd
from tests.harness.site import make_site

PASSWORD = "through-saslauthd"


@pytest.fixture
def master(tmp_path: Path, cert_dir: Path) -> Iterator[Master]:
    if shutil.which(cyrus_tool("imtest")) is None and not Path(cyrus_tool("imtest")).exists():
        pytest.skip("needs imtest (cyrus-clients)")
    with running_saslauthd({"carol": PASSWORD}) as mux:
        site = make_site(tmp_path / "site", cert_dir,
                         f"sasl_pwcheck_method: saslauthd\nsasl_saslauthd_path: {mux}\n")
        with running_master(site, {"imap": "imapd"}) as running:
            yield running


def imtest(master: Master, mech: str, password: str) -> str:
    result = subprocess.run(
        [cyrus_tool("imtest"), "-a", "carol", "-w", password, "-m", mech, "-t", "",
         "-p", str(master.ports["imap"]), "127.0.0.1"],
        input=b"a1 NOOP\r\na2 LOGOUT\r\n", capture_output=True, timeout=30, check=False)
    return result.stdout.decode("utf-8", "replace") + result.stderr.decode("utf-8", "replace")


def test_imtest_plain_through_saslauthd(master: Master) -> None:
    out = imtest(master, "PLAIN", PASSWORD)
    assert "Authenticated." in out and "a1 OK" in out, out
    assert "AUTH=SCRAM" not in out and "AUTH=PLAIN" in out, out
    out = imtest(master, "PLAIN", "wrong")
    assert "Authenticated." not in out and "NO [AUTHENTICATIONFAILED]" in out, out


def test_no_scram_through_saslauthd(master: Master) -> None:
    out = imtest(master, "SCRAM-SHA-256", PASSWORD)
    assert "Authenticated." not in out, out
