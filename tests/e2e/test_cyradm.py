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


SHORTHANDS = [("none", None), ("read", "lrs"), ("post", "lrsp"), ("append", "lrsip"),
              ("write", "lrswipkxtecd"), ("delete", "lrxtecd"), ("all", "lrswipkxtecda"),
              ("lrswipcda", "lrswipkxtecda")]


def test_sam_lam_dam_with_the_shorthands(master: Master) -> None:
    """cyradm turns each shorthand into rights (Cyrus::IMAP::Admin); lam shows
    them back as Cyrus does (`c` and `d` added)."""
    script = "cm user/carol\ncm user/carol/Shared\n" + "".join(
        f"sam user/carol/Shared u{n} {name}\n" for n, (name, _) in enumerate(SHORTHANDS))
    out = cyradm(master, script + "lam user/carol/Shared\n")
    assert "Error" not in out and "error" not in out, out
    shown = dict(line.split() for line in out.splitlines()
                 if line.strip() and not line.startswith("127.0.0.1>"))
    assert shown["carol"] == "lrswipkxtecda", out
    for n, (_, rights) in enumerate(SHORTHANDS):
        assert shown.get(f"u{n}") == rights, (n, out)
    out = cyradm(master, "dam user/carol/Shared u1\nsam user/carol/Shared anyone read\n"
                 "lam user/carol/Shared\n")
    assert "u1 " not in out and "anyone lrs" in out, out


def test_an_admin_grants_itself_x_before_deleting(master: Master) -> None:
    """The Cyrus documentation's sequence: `dm` of a user's folder is refused
    until the admin grants itself `c` (create and delete) with sam."""
    out = cyradm(master, "cm user/wcooley\ncm user/wcooley/test\ndm user/wcooley/test\n"
                 "lm user/wcooley/*\n")
    assert "deletemailbox: [NOPERM] Permission denied" in out, out
    assert "user/wcooley/test (\\HasNoChildren)" in out, out
    out = cyradm(master, "sam user/wcooley/test admin c\nlam user/wcooley/test\n"
                 "dm user/wcooley/test\nlm user/wcooley/*\n")
    assert "admin kxc" in out, out
    assert "user/wcooley/test" not in out.split("dm user/wcooley/test", 1)[-1], out
    assert "Permission denied" not in out, out
