"""Cyrus's own `sieveshell` (Debian cyrus-clients) against `roost master`
with cyrus.conf `sieve cmd="timsieved"`: put, activate, list, get, delete,
deactivate, a script refused with its position, an admin's proxy login,
as a Cyrus user would run it (`--exec`, password with `-p`)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.harness.master import Master, running_master
from tests.harness.site import PASSWORD, Site

pytestmark = pytest.mark.skipif(shutil.which("sieveshell") is None,
                                reason="sieveshell (Debian cyrus-clients) not installed")

#: The talk's example filter (MISSION.md), as a user uploads it.
PLUG_FILTER = """\
require [ "fileinto", "imapflags" ];
if header :contains "From" [ "billg@microsoft.com",
        "robinson-west.com" ] {
    addflag "\\\\Seen";
}
elsif header :contains "X-BeenThere" "plug-announce" {
    fileinto "INBOX.plug.announce";
}
elsif header :contains "X-BeenThere" "plug@" {
    fileinto "INBOX.plug";
}
elsif header :contains "X-BeenThere" "plug-*@" {
    fileinto "INBOX.plug.other";
}
"""


@pytest.fixture
def master(site: Site) -> Iterator[Master]:
    with running_master(site, {"sieve": "timsieved"}) as running:
        yield running


def sieveshell(master: Master, commands: str, user: str = "bob", authname: str = "bob") -> str:
    result = subprocess.run(
        ["sieveshell", "-u", user, "-a", authname, "-p", PASSWORD, "-e", commands,
         f"127.0.0.1:{master.ports['sieve']}"],
        capture_output=True, text=True, timeout=60, check=False, cwd=master.site.root)
    return result.stdout + result.stderr


@pytest.mark.sqlite_only("asserts Cyrus's sievedir layout on disk; tests/e2e/test_postgres_sieve_and_passwords.py runs sieveshell on PostgreSQL")
def test_put_activate_list_get_delete(master: Master, tmp_path: Path) -> None:
    (tmp_path / "plug").write_text(PLUG_FILTER)
    (tmp_path / "other").write_text("keep;\n")
    out = sieveshell(master, f"put {tmp_path}/plug\nput {tmp_path}/other spare\n"
                     "activate plug\nlist\nget plug\n")
    assert "plug  <- active script" in out, out
    assert "spare \n" in out, out
    assert 'fileinto "INBOX.plug.announce";' in out, out
    assert "failed" not in out, out
    script = master.site.root / "config" / "sieve" / "b" / "bob" / "plug.script"
    assert script.read_text() == PLUG_FILTER
    assert (script.parent / "defaultbc").resolve() == script.parent / "plug.bc"

    out = sieveshell(master, "delete plug\ndeactivate\ndelete plug\nlist\n")
    assert "delete failed: Deleting script: You may not delete the active script" in out, out
    assert out.count("failed") == 1, out
    assert "plug" not in out.split("deactivate", 1)[-1].replace("delete plug", ""), out
    assert not script.exists()


def test_a_malformed_script_is_refused_with_its_position(master: Master, tmp_path: Path) -> None:
    (tmp_path / "bad").write_text('require "fileinto";\nif true {\n  fileinto "x"\n}\n')
    out = sieveshell(master, f"put {tmp_path}/bad\nlist\n")
    assert "upload failed: put script: line 4, column 1:" in out, out
    assert "bad" not in out.split("line 4", 1)[-1], out


@pytest.mark.sqlite_only("asserts Cyrus's sievedir layout on disk; tests/e2e/test_postgres_sieve_and_passwords.py runs sieveshell on PostgreSQL")
def test_an_admin_manages_a_user_and_the_global_scripts(master: Master, tmp_path: Path) -> None:
    (tmp_path / "g").write_text("discard;\n")
    out = sieveshell(master, f"put {tmp_path}/g forbob\nactivate forbob\n",
                     user="bob", authname="admin")
    assert "failed" not in out, out
    out = sieveshell(master, "list\n")
    assert "forbob  <- active script" in out, out
    out = sieveshell(master, f"put {tmp_path}/g\nlist\n", user="admin", authname="admin")
    assert "g \n" in out, out
    assert (master.site.root / "config" / "sieve" / "global" / "g.script").exists()
