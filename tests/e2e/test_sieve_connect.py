"""`sieve-connect` (Debian sieve-connect, a Perl ManageSieve client) against
`roost master` with cyrus.conf `cmd="managesieve"`: it does STARTTLS and
then PLAIN, as RFC 5804 §2.1.1 wants; upload, activate, list, download,
checkscript with the error's position, delete."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.harness.master import Master, running_master
from tests.harness.site import PASSWORD, Site

pytestmark = pytest.mark.skipif(shutil.which("sieve-connect") is None,
                                reason="sieve-connect (Debian sieve-connect) not installed")

FILTER = 'require "fileinto";\nif header :contains "Subject" "[plug]" { fileinto "INBOX.plug"; }\n'


@pytest.fixture
def master(site: Site) -> Iterator[Master]:
    with running_master(site, {"sieve": "managesieve"}) as running:
        yield running


def sieve_connect(master: Master, *args: str) -> tuple[int, str]:
    """Run sieve-connect as bob; the password comes on its standard input."""
    result = subprocess.run(
        ["sieve-connect", "-s", "127.0.0.1", "-p", str(master.ports["sieve"]), "-u", "bob",
         "--passwordfd", "0", "--notlsverify", *args],
        input=PASSWORD + "\n", capture_output=True, text=True, timeout=60, check=False)
    return result.returncode, result.stdout + result.stderr


def test_exec_script_round_trip(master: Master, tmp_path: Path) -> None:
    (tmp_path / "f.sieve").write_text(FILTER)
    commands = tmp_path / "commands"
    commands.write_text(f"put {tmp_path}/f.sieve plug\nactivate plug\nlist\n"
                        f"get plug {tmp_path}/back.sieve\n")
    code, out = sieve_connect(master, "--exec", str(commands))
    assert code == 0, out
    assert '"plug" ACTIVE' in out, out
    assert (tmp_path / "back.sieve").read_text() == FILTER
    assert "bob PLAIN+TLS" in master.log_text, master.log_text

    commands.write_text("deactivate\ndelete plug\nlist\n")
    code, out = sieve_connect(master, "--exec", str(commands))
    assert code == 0, out
    assert "plug" not in out, out


def test_checkscript_and_upload_report_the_position(master: Master, tmp_path: Path) -> None:
    bad = tmp_path / "bad.sieve"
    bad.write_text('require "fileinto";\nfileinto "x"\n')
    code, out = sieve_connect(master, "--checkscript", "--localsieve", str(bad))
    assert code != 0
    assert 'CHECKSCRIPT failed: NO "line 3, column 1:' in out, out
    code, out = sieve_connect(master, "--upload", "--localsieve", str(bad), "--remotesieve", "bad")
    assert code != 0
    assert 'PUTSCRIPT(bad) failed: NO "line 3, column 1:' in out, out
    code, out = sieve_connect(master, "--list")
    assert code == 0 and "bad" not in out, out
