"""Cyrus's `cyradm` (Debian cyrus-admin) manages Roost's mailboxes as it would Cyrus's."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from tests.harness.master import Master, running_master
from tests.harness.site import PASSWORD, Site


@pytest.fixture
def master(site: Site) -> Iterator[Master]:
    with running_master(site, {"imap": "imapd"}) as running:
        yield running


def cyradm(master: Master, script: str) -> str:
    result = subprocess.run(
        ["cyradm", "--user", "admin", "--password", PASSWORD, "--server", "127.0.0.1",
         "--port", str(master.ports["imap"])],
        input=script, capture_output=True, text=True, timeout=60, check=False)
    return result.stdout + result.stderr


def test_create_list_delete_users(master: Master) -> None:
    out = cyradm(master, "cm user/carol\ncm user/dave\ncm user/dave/Sent\nlm user/*\n")
    assert "user/carol (\\HasNoChildren)" in out, out
    assert "user/dave (\\HasChildren)" in out, out
    assert "user/dave/Sent (\\HasNoChildren)" in out, out
    out = cyradm(master, "sam user/carol admin x\ndm user/carol\nlm user/*\n")
    assert "user/carol" not in out.split("lm user/*", 1)[-1], out
    assert "user/dave (\\HasChildren)" in out, out


def test_creating_twice_is_an_error(master: Master) -> None:
    out = cyradm(master, "cm user/erin\ncm user/erin\n")
    assert "createmailbox: Mailbox already exists" in out or "ALREADYEXISTS" in out, out
