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


def test_setquota_listquota_listquotaroot(master: Master) -> None:
    """sq, lq and lqr print what they print against Debian's Cyrus 3 (run
    side by side: bench/cyrus_side.py), the hierarchy separator aside:
    cyradm's multi-resource `sq` sends `(STORAGE 2000MESSAGE 10 )`, which
    Cyrus refuses too; a removed root reads back as `  /`."""
    out = cyradm(master, "cm user/carol\ncm user/carol/Sent\nsq user/carol 1000\n"
                 "lq user/carol\nlqr user/carol/Sent\n"
                 "sq user/carol STORAGE 2000 MESSAGE 10\nlq user/carol\n"
                 "sq user/carol none\nlqr user/carol\nlq user/carol\nsq user/carol FOO 3\n")
    assert out.split("127.0.0.1> ") == [
        "", "cm user/carol\n", "cm user/carol/Sent\n", "sq user/carol 1000\nquota:1000\n",
        "lq user/carol\n STORAGE 0/1000 (0%)\n",
        "lqr user/carol/Sent\nuser/carol STORAGE 0/1000 (0%)\n",
        "sq user/carol STORAGE 2000 MESSAGE 10\n", "lq user/carol\n STORAGE 0/1000 (0%)\n",
        "sq user/carol none\nremove quota\n", "lqr user/carol\nuser/carol\n",
        "lq user/carol\n  /\n", "sq user/carol FOO 3\n",
        "setquota: Invalid quota list in Setquota\nsetquota: Unsupported quota resource\n"], out
