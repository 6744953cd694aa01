"""Cyrus's `cyradm` renames a user as on Cyrus: `renamemailbox user/carol
user/caroline` moves the folders, the quota root and the ACL with them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from tests.e2e.test_cyradm import cyradm
from tests.harness.master import Master, running_master
from tests.harness.site import Site


@pytest.fixture
def master(site: Site) -> Iterator[Master]:
    if shutil.which("cyradm") is None:
        pytest.skip("needs cyradm (cyrus-admin)")
    with running_master(site, {"imap": "imapd"}) as running:
        yield running


def test_renamemailbox_of_a_user(master: Master) -> None:
    out = cyradm(master, "cm user/carol\ncm user/carol/Sent\nsq user/carol 500\n"
                 "sam user/carol/Sent bob read\n"
                 "renamemailbox user/carol user/caroline\n"
                 "lm user/*\nlqr user/caroline/Sent\nlam user/caroline/Sent\n")
    listed = out.split("renamemailbox user/carol user/caroline", 1)[-1]
    assert "user/caroline (\\HasChildren)" in listed, out
    assert "user/caroline/Sent (\\HasNoChildren)" in listed, out
    assert "user/carol " not in listed and "user/carol/" not in listed, out
    assert "user/caroline" in out.split("lqr user/caroline/Sent", 1)[-1], out
    assert "STORAGE 0/500" in out, out
    assert "caroline lrswipkxtecda" in out and "bob lrs" in out, out
