"""Login names -> (user id, domain), and user id validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roost.auth import BadUsername, canonical_user, split_user, validate_user
from roost.auth.identity import Identity
from roost.config import parse_config

VIRT = parse_config("virtdomains: userid\ndefaultdomain: example.com\n")
NOVIRT = parse_config("virtdomains: off\n")
DOTS = parse_config("unixhierarchysep: yes\n")
NODOTS = parse_config("unixhierarchysep: no\n")


@pytest.mark.parametrize(("login", "expected"), [
    ("bob", ("bob", None)),
    ("bob@other.org", ("bob", "other.org")),
    ("bob@Other.ORG", ("bob", "other.org")),
    ("bob%other.org", ("bob", "other.org")),
    ("bob@example.com", ("bob", None)),
    ("bob@EXAMPLE.com", ("bob", None)),
    ("john.doe@other.org", ("john.doe", "other.org")),
])
def test_split_with_virtdomains(login: str, expected: tuple[str, str | None]) -> None:
    assert split_user(login, VIRT) == expected


REALMS = parse_config("virtdomains: off\nloginrealms: Other.org\n")


def test_without_virtdomains_a_realm_is_cross_realm() -> None:
    """Cyrus: with virtdomains off, `bob@REALM` is a cross-realm login,
    denied unless REALM is in loginrealms, and then the local user bob."""
    with pytest.raises(BadUsername, match="cross-realm"):
        split_user("bob@other.org", NOVIRT)
    assert split_user("bob@other.org", REALMS) == ("bob", None)
    assert canonical_user("bob@OTHER.org", REALMS) == "bob"
    with pytest.raises(BadUsername, match="cross-realm"):
        split_user("bob@third.org", REALMS)
    assert split_user("bob%other.org", NOVIRT) == ("bob%other.org", None)  # no domains


def test_domain_admins_administer_their_domain() -> None:
    assert Identity("admin", None, is_admin=True).administers("example.com")
    assert Identity("admin", None, is_admin=True).administers(None)
    domain_admin = Identity("admin@example.com", "example.com", is_admin=True)
    assert domain_admin.administers("example.com")
    assert not domain_admin.administers("example.org")
    assert not domain_admin.administers(None)
    assert not Identity("bob@example.com", "example.com").administers("example.com")


def test_canonical_user() -> None:
    assert canonical_user("bob@Other.org", VIRT) == "bob@other.org"
    assert canonical_user("bob@example.com", VIRT) == "bob"


@pytest.mark.parametrize("login", [
    "", "@other.org", "bob@", "bob@-bad.org", "bob@a..b", "bob@x@y.org", "bob%x@y.org",
    "bob@exa mple.com", "b/ob@other.org",
])
def test_split_rejects(login: str) -> None:
    with pytest.raises(BadUsername):
        split_user(login, VIRT)


def test_dots_only_with_unixhierarchysep() -> None:
    assert validate_user("john.doe", DOTS) == "john.doe"
    with pytest.raises(BadUsername):
        validate_user("john.doe", NODOTS)


@pytest.mark.parametrize("user", [
    "", "a/b", "a^b", "a b", "a\tb", "a\x00b", "a\x7fb", "a\x85b", ".bob", "bob.", "x" * 256,
])
def test_validate_rejects(user: str) -> None:
    with pytest.raises(BadUsername):
        validate_user(user, DOTS)


@given(st.text(st.characters(codec="utf-8"), max_size=40))
def test_canonical_users_are_stable(login: str) -> None:
    """Any login either is refused or canonicalizes to a fixed point."""
    try:
        key = canonical_user(login, VIRT)
    except BadUsername:
        return
    assert canonical_user(key, VIRT) == key
    assert not any(ord(ch) < 0x21 for ch in key)


ON = parse_config("virtdomains: on\ndefaultdomain: example.com\n")
CASED = parse_config("virtdomains: userid\nusername_tolower: no\n")


@pytest.mark.parametrize(("login", "server_domain", "expected"), [
    ("bob", "other.org", ("bob", "other.org")),       # the server address's domain
    ("bob", None, ("bob", None)),                      # no name: the default domain
    ("bob", "example.com", ("bob", None)),             # the default domain's name
    ("bob@third.org", "other.org", ("bob", "third.org")),  # a qualified login wins
    ("bob@example.com", "other.org", ("bob", None)),
])
def test_on_takes_the_server_domain(login: str, server_domain: str | None,
                                    expected: tuple[str, str | None]) -> None:
    assert split_user(login, ON, server_domain) == expected


def test_userid_ignores_the_server_domain() -> None:
    assert split_user("bob", VIRT, "other.org") == ("bob", None)


def test_username_tolower_is_cyrus_default() -> None:
    """Cyrus 3 `username_tolower: 1`: the whole id, domain included."""
    assert canonical_user("Bob@Other.ORG", VIRT) == "bob@other.org"
    assert canonical_user("Bob", NOVIRT) == "bob"
    assert canonical_user("Bob@Other.ORG", CASED) == "Bob@other.org"
