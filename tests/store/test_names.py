"""Mailbox name translation: internal names and each namespace's view."""

import pytest

from roost.config import parse_config
from roost.store.api import InvalidMailboxName
from roost.store.names import Namespace, owner_of, user_inbox, validate_internal

ALT = parse_config("")  # Cyrus 3 defaults: unixhierarchysep and altnamespace on
STD = parse_config("altnamespace: no\nunixhierarchysep: no\n")


@pytest.mark.parametrize("external,internal", [
    ("INBOX", "user.bob"),
    ("inbox", "user.bob"),
    ("Sent", "user.bob.Sent"),
    ("Archive/2024", "user.bob.Archive.2024"),
    ("john.doe", "user.bob.john^doe"),
    ("Other Users/alice", "user.alice"),
    ("Other Users/alice/Sent", "user.alice.Sent"),
    ("Shared Folders/shared/news", "shared.news"),
    ("INBOX/sub", "user.bob.INBOX.sub"),
])
def test_altnamespace_round_trip(external: str, internal: str) -> None:
    ns = Namespace(ALT, "bob")
    assert ns.to_internal(external) == internal
    expected = "INBOX" if external.lower() == "inbox" else external
    assert ns.to_external(internal) == expected


@pytest.mark.parametrize("external,internal", [
    ("INBOX", "user.bob"),
    ("INBOX.Sent", "user.bob.Sent"),
    ("user.alice.Sent", "user.alice.Sent"),
    ("shared.news", "shared.news"),
])
def test_standard_namespace(external: str, internal: str) -> None:
    ns = Namespace(STD, "bob")
    assert ns.to_internal(external) == internal
    assert ns.to_external(internal) == external


def test_admins_see_the_internal_hierarchy() -> None:
    ns = Namespace(ALT, "cyrus", is_admin=True)
    assert ns.to_internal("user/bob") == "user.bob"
    assert ns.to_internal("user/john.doe/Sent") == "user.john^doe.Sent"
    assert ns.to_external("user.bob.Sent") == "user/bob/Sent"


def test_virtual_domains() -> None:
    assert user_inbox("bob@example.com") == "example.com!user.bob"
    ns = Namespace(ALT, "bob@example.com")
    assert ns.to_internal("Sent") == "example.com!user.bob.Sent"
    assert ns.to_external("example.com!user.bob") == "INBOX"
    assert ns.to_external("other.org!user.eve") is None


VIRT = parse_config("virtdomains: userid\n")


@pytest.mark.parametrize("external,internal", [
    ("user/bob", "user.bob"),
    ("user/bob@example.com", "example.com!user.bob"),
    ("user/john.doe/Sent@Example.COM", "example.com!user.john^doe.Sent"),
    ("shared/news@example.org", "example.org!shared.news"),
])
def test_global_admin_names_every_domain(external: str, internal: str) -> None:
    """Cyrus: a global administrator writes another domain's names with `@domain`."""
    ns = Namespace(VIRT, "admin", is_admin=True)
    assert ns.to_internal(external) == internal
    assert ns.to_external(internal) == external.replace("Example.COM", "example.com")


def test_domain_admin_names_its_domain_only() -> None:
    ns = Namespace(VIRT, "admin@example.com", is_admin=True)
    assert ns.to_internal("user/bob") == "example.com!user.bob"
    assert ns.to_external("example.com!user.bob") == "user/bob"
    assert ns.to_external("example.org!user.bob") is None
    assert ns.to_external("user.bob") is None
    # Without virtdomains an `@` is only a character of the name.
    assert Namespace(ALT, "admin", is_admin=True).to_internal("user/a@b") == "user.a@b"


@pytest.mark.parametrize("internal,owner", [
    ("user.bob", "bob"), ("user.bob.Sent", "bob"), ("user.john^doe", "john.doe"),
    ("example.com!user.bob.x", "bob@example.com"), ("shared.news", None),
])
def test_owner_of(internal: str, owner: str | None) -> None:
    assert owner_of(internal) == owner


@pytest.mark.parametrize("bad", ["", "user", "a..b", "a.", "x\r\ny", "a*b"])
def test_invalid_names(bad: str) -> None:
    with pytest.raises(InvalidMailboxName):
        validate_internal(bad)


def test_namespace_prefix_alone_is_not_a_mailbox() -> None:
    with pytest.raises(InvalidMailboxName):
        Namespace(ALT, "bob").to_internal("Other Users")
