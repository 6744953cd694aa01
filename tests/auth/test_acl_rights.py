"""Rights strings and the rights decision, pure: RFC 4314 §2.1.1's `c`/`d`,
Cyrus's display, negative entries, identifiers, implicit rights."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roost.auth.acl import (
    BadIdentifier,
    BadRights,
    check_identifier,
    granted,
    parse_change,
    parse_rights,
    shown,
)
from roost.auth.groups import GroupFile
from roost.auth.identity import ANONYMOUS, Identity, identity_for
from roost.auth.rights import Access, parse_acl_option
from roost.config import ConfigError, parse_config
from roost.store.api import AclEntry, MailboxInfo

BOB = Identity("bob")
STAFF_BOB = Identity("bob", groups=frozenset({"group:staff"}))
ADMIN = Identity("admin", is_admin=True)


@pytest.mark.parametrize(("text", "rights"), [
    ("lrs", "lrs"), ("srl", "lrs"), ("c", "kx"), ("d", "te"), ("lrswipcda", "lrswipkxtea"),
    ("lrswipkxtea", "lrswipkxtea"), ("kc", "kx"), ("", ""), ("llrr", "lr")])
def test_parse_rights(text: str, rights: str) -> None:
    assert parse_rights(text) == rights


@pytest.mark.parametrize(("text", "message"), [
    ("lrQ", "Uppercase rights are not allowed"), ("lrq", "The q right is not supported"),
    ("n", "The n right is not supported"), ("0", "The 0 right is not supported")])
def test_rights_that_do_not_exist(text: str, message: str) -> None:
    with pytest.raises(BadRights, match=message):
        parse_rights(text)


@pytest.mark.parametrize(("rights", "display"), [
    ("lrswipkxtea", "lrswipkxtecda"), ("lrs", "lrs"), ("k", "kc"), ("x", "xc"),
    ("t", "td"), ("lkxa", "lkxca"), ("a", "a"), ("", "")])
def test_shown_as_cyrus_shows_them(rights: str, display: str) -> None:
    assert shown(rights) == display


@given(st.sets(st.sampled_from("lrswipkxtea")))
def test_shown_rights_parse_back(held: set[str]) -> None:
    """The display is the rights plus the virtual c/d (RFC 4314 §2.1.1 MUST)."""
    rights = parse_rights("".join(held))
    display = shown(rights)
    assert parse_rights(display.replace("c", "").replace("d", "")) == rights
    assert ("c" in display) == bool(held & {"k", "x"})
    assert ("d" in display) == bool(held & {"t", "e"})


def test_parse_change() -> None:
    assert parse_change("+rd") == ("add", "rte")
    assert parse_change("-c") == ("remove", "kx")
    assert parse_change("lr") == ("replace", "lr")


@pytest.mark.parametrize("identifier", ["", "-", "a b", "bob\t", "x\x7f"])
def test_identifiers_that_cannot_be_stored(identifier: str) -> None:
    with pytest.raises(BadIdentifier):
        check_identifier(identifier)


def test_granted_unions_positives_less_negatives() -> None:
    acl = (AclEntry("anyone", "lr"), AclEntry("group:staff", "sw"), AclEntry("-bob", "w"),
           AclEntry("alice", "a"))
    assert granted(BOB, acl) == "lr"
    assert granted(STAFF_BOB, acl) == "lrs"
    assert granted(ANONYMOUS, acl) == "lr"
    assert granted(ANONYMOUS, (AclEntry("anonymous", "p"), AclEntry("bob", "r"))) == "p"
    assert granted(BOB, (AclEntry("anonymous", "p"),)) == ""
    assert granted(Identity("anonymous-ish"), (AclEntry("anonymous", "p"),)) == ""


def mailbox(owner: str | None, *acl: AclEntry) -> MailboxInfo:
    return MailboxInfo(1, "user.bob.x", 1, 1, 1, "default", owner, (), tuple(acl))


async def test_owner_and_admin_rights_are_added_after_negatives() -> None:
    access = Access(None, parse_config(""))  # type: ignore[arg-type]  # rights reads no store
    box = mailbox("bob", AclEntry("-bob", "lrswipkxtea"), AclEntry("anyone", "r"))
    assert await access.rights(BOB, box) == "lkxa"
    assert await access.rights(ADMIN, box) == "lra"
    assert await access.rights(ANONYMOUS, mailbox("anonymous")) == ""
    custom = Access(None, parse_config("implicit_owner_rights: lrc\n"))  # type: ignore[arg-type]
    assert await custom.rights(BOB, mailbox("bob")) == "lrkx"


def test_defaultacl_option() -> None:
    assert parse_acl_option("anyone lrs group:staff lrswc") == (
        AclEntry("anyone", "lrs"), AclEntry("group:staff", "lrswkx"))
    assert parse_acl_option("") == ()


def test_group_file(tmp_path: Path) -> None:
    path = tmp_path / "group"
    path.write_text("# comment\nstaff:x:10:carol,bob\nwheel:x:0:root\nbad line\nempty:x:11:\n")
    assert GroupFile(path).groups_of("bob") == {"group:staff"}
    assert GroupFile(path).groups_of("nobody") == frozenset()
    assert GroupFile(tmp_path / "missing").groups_of("bob") == frozenset()


def test_identity_for_reads_groups_and_admin_groups(tmp_path: Path) -> None:
    path = tmp_path / "group"
    path.write_text("staff:x:10:carol,bob\nmailadm:x:11:dora\n")
    conf = parse_config(f"unix_group_file: {path}\nadmins: cyrus group:mailadm\n")
    bob = identity_for("bob", conf)
    assert bob.groups == {"group:staff"} and not bob.is_admin
    assert identity_for("dora", conf).is_admin
    assert identity_for("cyrus", conf).is_admin
    off = parse_config(f"unix_group_file: {path}\nunix_group_enable: no\n")
    assert identity_for("bob", off).groups == frozenset()


def test_bad_rights_in_the_configuration_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="The q right"):
        Access(None, parse_config("defaultacl: anyone lrq\n"))  # type: ignore[arg-type]
