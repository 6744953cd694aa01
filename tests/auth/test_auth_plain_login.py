"""PLAIN (RFC 4616) and LOGIN, server side."""

from __future__ import annotations

import pytest
from fixed_credentials import FixedCredentials
from hypothesis import given, settings
from hypothesis import strategies as st

from roost.auth import Challenge, Failure, Success, UnknownMechanism, start


def not_admin(user: str) -> bool:
    return False


@pytest.fixture
def creds() -> FixedCredentials:
    store = FixedCredentials(iterations=8)
    store.set_password("bob", "pw")
    store.set_password("bob@example.com", "pw2")
    return store


def test_plain_initial_response(creds: FixedCredentials) -> None:
    mech = start("PLAIN", creds, is_admin=not_admin)
    assert mech.step(b"\0bob\0pw") == Success("bob", "bob")


def test_plain_without_initial_response(creds: FixedCredentials) -> None:
    mech = start("plain", creds, is_admin=not_admin)
    assert mech.step(b"") == Challenge(b"")
    assert mech.step(b"bob\0bob\0pw") == Success("bob", "bob")


def test_plain_wrong_password(creds: FixedCredentials) -> None:
    assert isinstance(start("PLAIN", creds, is_admin=not_admin).step(b"\0bob\0nope"), Failure)


def test_plain_proxy_authorization_is_for_admins(creds: FixedCredentials) -> None:
    assert isinstance(start("PLAIN", creds, is_admin=not_admin).step(b"alice\0bob\0pw"), Failure)
    mech = start("PLAIN", creds, is_admin=lambda user: user == "bob")
    assert mech.step(b"alice\0bob\0pw") == Success("bob", "alice")


def test_plain_canonicalizes(creds: FixedCredentials) -> None:
    mech = start("PLAIN", creds, is_admin=not_admin, canonicalize=str.lower)
    assert mech.step(b"\0BOB@Example.COM\0pw2") == Success("bob@example.com", "bob@example.com")


def test_plain_bad_identity_fails(creds: FixedCredentials) -> None:
    def refuse(name: str) -> str:
        raise ValueError("no")

    assert isinstance(start("PLAIN", creds, is_admin=not_admin, canonicalize=refuse)
                      .step(b"\0bob\0pw"), Failure)


@pytest.mark.parametrize("message", [
    b"bob\0pw", b"\0bob\0pw\0", b"\0\0pw", b"\0bob\0", b"\0b\xffob\0pw",
    b"\0bob\0" + b"p" * 3000,
])
def test_plain_malformed(creds: FixedCredentials, message: bytes) -> None:
    mech = start("PLAIN", creds, is_admin=not_admin)
    assert isinstance(mech.step(message), Failure)
    assert isinstance(mech.step(b"\0bob\0pw"), Failure)  # the exchange is over


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=100))
def test_plain_random_bytes_never_succeed(data: bytes) -> None:
    store = FixedCredentials(iterations=2)
    store.set_password("bob", "pw")
    outcome = start("PLAIN", store, is_admin=not_admin).step(data)
    assert isinstance(outcome, Success) == (data in (b"\0bob\0pw", b"bob\0bob\0pw"))


def test_login_prompts(creds: FixedCredentials) -> None:
    mech = start("LOGIN", creds, is_admin=not_admin)
    assert mech.step(b"") == Challenge(b"Username:")
    assert mech.step(b"bob") == Challenge(b"Password:")
    assert mech.step(b"pw") == Success("bob", "bob")
    assert isinstance(mech.step(b"pw"), Failure)


def test_login_user_as_initial_response(creds: FixedCredentials) -> None:
    mech = start("LOGIN", creds, is_admin=not_admin)
    assert mech.step(b"bob") == Challenge(b"Password:")
    assert isinstance(mech.step(b"wrong"), Failure)


@pytest.mark.parametrize("steps", [[b"", b"\xff"], [b"", b"bob", b"\xfe"], [b"x" * 3000],
                                   [b"", b"", b"pw"]])
def test_login_malformed(creds: FixedCredentials, steps: list[bytes]) -> None:
    mech = start("LOGIN", creds, is_admin=not_admin)
    outcomes = [mech.step(data) for data in steps]
    assert isinstance(outcomes[-1], Failure)


def test_unknown_mechanism(creds: FixedCredentials) -> None:
    with pytest.raises(UnknownMechanism):
        start("CRAM-MD5", creds, is_admin=not_admin)


def test_plain_prepares_the_authcid(creds: FixedCredentials) -> None:
    # RFC 4013 §3: SOFT HYPHEN maps to nothing.
    assert start("PLAIN", creds, is_admin=not_admin).step(b"\0b\xc2\xadob\0pw") == Success(
        "bob", "bob")
    assert isinstance(start("PLAIN", creds, is_admin=not_admin).step(b"\0b\x07ob\0pw"), Failure)


@pytest.mark.parametrize("mech_name", ["PLAIN", "SCRAM-SHA-1"])
def test_only_one_empty_challenge(creds: FixedCredentials, mech_name: str) -> None:
    mech = start(mech_name, creds, is_admin=not_admin)
    assert mech.step(b"") == Challenge(b"")
    assert isinstance(mech.step(b""), Failure)
