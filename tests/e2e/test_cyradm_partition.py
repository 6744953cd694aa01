"""cyradm's `cm --partition P [--specialuse X] name` (Debian cyrus-admin):
the old `CREATE name P` form and RFC 4466's `CREATE name (PARTITION P USE
(X))`, the mailbox landing on partition P as `info` shows; an unknown
partition refused in Cyrus's words."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e.test_cyradm import cyradm
from tests.harness.master import Master, running_master
from tests.harness.site import make_site

pytestmark = pytest.mark.skipif(shutil.which("cyradm") is None, reason="cyradm not installed")


@pytest.fixture
def two_partitions(tmp_path: Path, cert_dir: Path) -> Iterator[Master]:
    site = make_site(tmp_path / "site", cert_dir,
                     f"partition-second: {tmp_path / 'spool2'}\n")
    with running_master(site, {"imap": "imapd"}) as running:
        yield running


def _partition_of(out: str, mailbox: str) -> str:
    block = out.split(f"{{{mailbox}}}:", 1)[1]
    return block.split("partition: ", 1)[1].split("\n", 1)[0].strip()


def test_cm_with_partition_and_specialuse(two_partitions: Master) -> None:
    out = cyradm(two_partitions,
                 "cm user/carol\n"
                 "cm --partition second user/carol/Old\n"
                 "cm --partition second --specialuse \\\\Drafts user/carol/Drafts\n"
                 "cm --partition nosuch user/carol/Lost\n"
                 "cm --partition second --specialuse \\\\Drafts shared\n"
                 "info user/carol/Old\ninfo user/carol/Drafts\ninfo user/carol\n"
                 "lm --specialuse user/carol/*\nlm user/*\n")
    assert "createmailbox: Unknown/invalid partition" in out, out
    assert "SPECIAL-USE flag conflict" in out, out  # Cyrus has no [USEATTR]; RFC 6154 §3 asks it
    assert _partition_of(out, "user/carol/Old") == "second", out
    assert _partition_of(out, "user/carol/Drafts") == "second", out
    assert _partition_of(out, "user/carol") == "default", out
    assert "user/carol/Drafts (\\HasNoChildren \\Drafts)" in out, out
    assert "user/carol/Lost" not in out.split("lm user/*", 1)[1], out
