"""CREATE with parameters (RFC 4466 §2.2 create-params): `USE (...)`
(RFC 6154 §3) and Cyrus's `PARTITION name`, in one list or Cyrus's old
`CREATE name partition`; partitions are for administrators, an unknown
one is `NO Unknown/invalid partition` (Cyrus's words, checked against
Debian's cyrus-imapd), a taken name is said first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.harness.imap import RunningImap, play_as, running_imap
from tests.harness.site import make_site

from roost.imap import commands as c
from roost.imap.parse import Bad, parse_command
from roost.imap.wire import Line


def parse(data: bytes) -> c.Command:
    return parse_command(Line((data,), ()))


@pytest.mark.parametrize(("wire", "command"), [
    (b"a CREATE x", c.Create("a", "x")),
    (b"a CREATE x second", c.Create("a", "x", (), "second")),
    (b"a CREATE x (PARTITION second)", c.Create("a", "x", (), "second")),
    (b'a CREATE x (partition "second")', c.Create("a", "x", (), "second")),
    (b"a CREATE x (USE (\\Drafts))", c.Create("a", "x", ("\\Drafts",))),
    (b"a CREATE x (PARTITION p2 USE (\\Drafts \\Sent))",
     c.Create("a", "x", ("\\Drafts", "\\Sent"), "p2")),
    (b"a CREATE x (USE () PARTITION p2)", c.Create("a", "x", (), "p2")),
])
def test_create_params_parse(wire: bytes, command: c.Command) -> None:
    assert parse(wire) == command


@pytest.mark.parametrize("wire", [
    b"a CREATE x (NOSUCH 1)",                 # RFC 4466 §2.2: unknown is BAD
    b"a CREATE x (PARTITION a PARTITION b)",  # repeated
    b"a CREATE x (PARTITION)",
    b"a CREATE x (USE \\Drafts)",
    b"a CREATE x ()",
    b"a CREATE x (PARTITION a",
    b"a CREATE x a b",
])
def test_malformed_create_params_are_bad(wire: bytes) -> None:
    with pytest.raises(Bad):
        parse(wire)


@given(st.lists(st.sampled_from([b"(", b")", b" ", b"PARTITION", b"USE", b"\\Drafts",
                                 b"p", b'"q"', b"()"]), max_size=12))
def test_param_soup_is_bad_or_a_create(tokens: list[bytes]) -> None:
    try:
        command = parse(b"a CREATE x " + b"".join(tokens))
    except Bad:
        return
    assert isinstance(command, c.Create)


@pytest.fixture
async def partitions(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningImap]:
    site = make_site(tmp_path / "site", cert_dir, f"partition-second: {tmp_path / 'two'}\n")
    async with running_imap(site) as server:
        yield server


async def test_admin_places_a_mailbox_on_a_partition(partitions: RunningImap) -> None:
    await play_as(partitions, "admin", r"""
        C: a1 CREATE user/bob/Old (PARTITION second)
        S: a1 OK {…}
        C: a2 CREATE user/bob/Drafts (PARTITION second USE (\Drafts))
        S: a2 OK {…}
        C: a3 CREATE user/bob/Older second
        S: a3 OK {…}
        C: a4 CREATE user/bob/Lost (PARTITION nosuch)
        S: a4 NO Unknown/invalid partition
        C: a5 CREATE user/bob/Old (PARTITION nosuch)
        S: a5 NO [ALREADYEXISTS] {…}
        C: a6 CREATE news (USE (\Drafts))
        S: a6 NO [USEATTR] SPECIAL-USE flag conflict
        C: a7 LIST "" "user/bob/*" RETURN (SPECIAL-USE)
        S: * LIST (\HasNoChildren \Drafts) "/" "user/bob/Drafts"
        S: * LIST (\HasNoChildren) "/" "user/bob/Old"
        S: * LIST (\HasNoChildren) "/" "user/bob/Older"
        S: a7 OK {…}
    """)
    store = partitions.ctx.store
    placed = {name: (await store.get_mailbox(name)).partition
              for name in ("user.bob", "user.bob.Old", "user.bob.Drafts", "user.bob.Older")}
    assert placed == {"user.bob": "default", "user.bob.Old": "second",
                      "user.bob.Drafts": "second", "user.bob.Older": "second"}


async def test_a_message_lands_on_the_mailbox_partition(partitions: RunningImap,
                                                        tmp_path: Path) -> None:
    await play_as(partitions, "admin", """
        C: a1 CREATE user/bob/Old (PARTITION second)
        S: a1 OK {…}
    """)
    await play_as(partitions, "bob", """
        C: a1 APPEND Old {5+}
        C: hello
        S: a1 OK {…}
    """)
    assert [p for p in (tmp_path / "two").rglob("*") if p.is_file()]


async def test_users_may_not_name_a_partition(partitions: RunningImap) -> None:
    """Cyrus: only an administrator places mailboxes (`NO Permission denied`)."""
    await play_as(partitions, "bob", r"""
        C: a1 CREATE Old (PARTITION second)
        S: a1 NO [NOPERM] {…}
        C: a2 CREATE Old (PARTITION nosuch)
        S: a2 NO [NOPERM] {…}
        C: a3 CREATE Drafts (USE (\Drafts))
        S: a3 OK {…}
    """)
