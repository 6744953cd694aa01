"""SCRAM-SHA-1 / SCRAM-SHA-256 server side: the RFC examples as known
answers, round trips with the test client, and malformed input."""

from __future__ import annotations

import base64

import pytest
from fixed_credentials import FixedCredentials
from hypothesis import given, settings
from hypothesis import strategies as st
from scram_client import ScramClient

from roost.auth import Challenge, Failure, Success, start
from roost.auth.outcomes import Mechanism, Outcome
from roost.auth.saslprep import SaslprepError, saslprep

RFC5802 = {  # RFC 5802 §5
    "hash": "SHA-1",
    "salt": "QSXCR+Q6sek8bf92",
    "client_first": b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
    "server_nonce": "3rfcNHYJY1ZVvWVs7j",
    "server_first": b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
    "client_final": b"c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                    b"p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
    "server_final": b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=",
}
RFC7677 = {  # RFC 7677 §3
    "hash": "SHA-256",
    "salt": "W22ZaJ0SNY7soEsUEjb6gQ==",
    "client_first": b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
    "server_nonce": "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
    "server_first": b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                    b"s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    "client_final": b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                    b"p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    "server_final": b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
}


def not_admin(user: str) -> bool:
    return False


def rfc_mech(example: dict[str, object]) -> Mechanism:
    hash_name = str(example["hash"])
    creds = FixedCredentials(salts={hash_name: base64.b64decode(str(example["salt"]))})
    creds.set_password("user", "pencil")
    return start(f"SCRAM-{hash_name}", creds, is_admin=not_admin,
                 nonce=lambda: str(example["server_nonce"]))


@pytest.mark.parametrize("example", [RFC5802, RFC7677], ids=["rfc5802", "rfc7677"])
def test_rfc_example_is_reproduced(example: dict[str, object]) -> None:
    mech = rfc_mech(example)
    assert mech.step(example["client_first"]) == Challenge(example["server_first"])  # type: ignore[arg-type]
    assert mech.step(example["client_final"]) == Success(  # type: ignore[arg-type]
        "user", "user", example["server_final"])  # type: ignore[arg-type]


@pytest.mark.parametrize("example", [RFC5802, RFC7677], ids=["rfc5802", "rfc7677"])
def test_rfc_example_with_wrong_proof_fails(example: dict[str, object]) -> None:
    mech = rfc_mech(example)
    mech.step(example["client_first"])  # type: ignore[arg-type]
    final = bytes(example["client_final"])  # type: ignore[call-overload]
    tampered = final[:-6] + (b"AAAA" if final[-6:-2] != b"AAAA" else b"BBBB") + final[-2:]
    assert isinstance(mech.step(tampered), Failure)


def run(mech: Mechanism, client: ScramClient, *, initial: bool = True) -> Outcome:
    if not initial:
        assert mech.step(b"") == Challenge(b"")
    first = mech.step(client.first())
    assert isinstance(first, Challenge)
    return mech.step(client.final(first.data))


@pytest.mark.parametrize("hash_name", ["SHA-1", "SHA-256"])
@pytest.mark.parametrize("initial", [True, False])
def test_round_trip_with_test_client(hash_name: str, initial: bool) -> None:
    creds = FixedCredentials(iterations=16)
    creds.set_password("bob", "s3cret")
    client = ScramClient(hash_name, "bob", "s3cret")
    outcome = run(start(f"scram-{hash_name.lower()}", creds, is_admin=not_admin), client,
                  initial=initial)
    assert isinstance(outcome, Success)
    assert (outcome.authcid, outcome.authzid) == ("bob", "bob")
    assert outcome.final_data is not None and client.verify(outcome.final_data)


def is_prepared(text: str) -> bool:
    """Already in SASLprep form, so the server looks up what we stored."""
    try:
        return saslprep(text) == text
    except SaslprepError:
        return False


prepared_text = st.text(min_size=1, max_size=20).filter(is_prepared)


@settings(max_examples=30, deadline=None)
@given(user=prepared_text, password=prepared_text)
def test_any_printable_user_and_password_authenticate(user: str, password: str) -> None:
    creds = FixedCredentials(iterations=2)
    creds.set_password(user, password)
    client = ScramClient("SHA-256", user, password)
    outcome = run(start("SCRAM-SHA-256", creds, is_admin=not_admin), client)
    assert isinstance(outcome, Success) and outcome.authcid == user


def test_wrong_password_fails() -> None:
    creds = FixedCredentials(iterations=16)
    creds.set_password("bob", "right")
    outcome = run(start("SCRAM-SHA-256", creds, is_admin=not_admin),
                  ScramClient("SHA-256", "bob", "wrong"))
    assert isinstance(outcome, Failure)


def test_unknown_user_gets_a_stable_salt_then_fails() -> None:
    creds = FixedCredentials(iterations=16)
    firsts = []
    for _ in range(2):
        mech = start("SCRAM-SHA-256", creds, is_admin=not_admin, nonce=lambda: "N")
        first = mech.step(b"n,,n=ghost,r=abc")
        assert isinstance(first, Challenge) and b",i=16" in first.data
        firsts.append(first.data)
    assert firsts[0] == firsts[1]
    client = ScramClient("SHA-256", "ghost", "x", nonce="abc")
    assert isinstance(mech.step(client.final(firsts[1])), Failure)


def test_authzid_needs_admin() -> None:
    creds = FixedCredentials(iterations=16)
    creds.set_password("bob", "pw")
    client = ScramClient("SHA-1", "bob", "pw", authzid="alice")
    assert isinstance(run(start("SCRAM-SHA-1", creds, is_admin=not_admin), client), Failure)
    client = ScramClient("SHA-1", "bob", "pw", authzid="alice")
    outcome = run(start("SCRAM-SHA-1", creds, is_admin=lambda u: u == "bob"), client)
    assert isinstance(outcome, Success) and (outcome.authcid, outcome.authzid) == ("bob", "alice")


def test_gs2_y_flag_is_accepted_without_plus() -> None:
    creds = FixedCredentials(iterations=16)
    creds.set_password("bob", "pw")
    client = ScramClient("SHA-256", "bob", "pw", gs2_flag="y")
    assert isinstance(run(start("SCRAM-SHA-256", creds, is_admin=not_admin), client), Success)


def test_escaped_username() -> None:
    creds = FixedCredentials(iterations=16)
    creds.set_password("a,b=c", "pw")
    client = ScramClient("SHA-256", "a,b=c", "pw")
    assert b"n=a=2Cb=3Dc," in client.first()
    assert isinstance(run(start("SCRAM-SHA-256", creds, is_admin=not_admin), client), Success)


def test_nonce_must_be_the_servers() -> None:
    creds = FixedCredentials(iterations=16)
    creds.set_password("bob", "pw")
    mech = start("SCRAM-SHA-256", creds, is_admin=not_admin)
    client = ScramClient("SHA-256", "bob", "pw")
    first = mech.step(client.first())
    assert isinstance(first, Challenge)
    forged = first.data.replace(b"r=" + client.nonce.encode(), b"r=" + client.nonce.encode() + b"X")
    assert isinstance(mech.step(client.final(forged)), Failure)


@pytest.mark.parametrize("client_first", [
    b"p=tls-unique,,n=bob,r=abc",        # channel binding: we offer no -PLUS
    b"x,,n=bob,r=abc",                    # unknown gs2 flag
    b"n,b=bob,n=bob,r=abc",               # authzid field without a=
    b"n,,m=ext,n=bob,r=abc",              # RFC 5802 §5.1 mandatory extension
    b"n,,n=bob",                          # no nonce
    b"n,,r=abc,n=bob",                    # attributes out of order
    b"n,,n=b=2Xob,r=abc",                 # bad saslname escape
    b"n,,n=,r=abc",                       # empty user name
    b"n,,n=bob,r=",                       # empty nonce
    b"n,,n=bob,r=a b",                    # nonce with a space
    b"n,,n=\xff,r=abc",                   # not UTF-8
    b"n,,n=bob\x07,r=abc",                # SASLprep prohibits controls
    b"n,n=bob,r=abc",                     # gs2 header truncated
    b"n,,n=bob,r=abc" + b"x" * 5000,      # too long
])
def test_malformed_client_first_fails(client_first: bytes) -> None:
    creds = FixedCredentials(iterations=16)
    creds.set_password("bob", "pw")
    mech = start("SCRAM-SHA-256", creds, is_admin=not_admin)
    assert isinstance(mech.step(client_first), Failure)
    assert isinstance(mech.step(b"n,,n=bob,r=abc"), Failure)


@pytest.mark.parametrize("mangle", [
    lambda final: final.replace(b"c=biws", b"c=eSws"),         # different gs2 header
    lambda final: final.replace(b"c=biws", b"c=b!ws"),         # bad base64
    lambda final: final.split(b",p=")[0],                       # no proof
    lambda final: final.replace(b",p=", b",p=@@"),              # bad proof base64
    lambda final: b"r=x," + final,                              # c= not first
    lambda final: final + b"\xff",                              # not UTF-8
])
def test_malformed_client_final_fails(mangle: object) -> None:
    creds = FixedCredentials(iterations=16)
    creds.set_password("bob", "pw")
    mech = start("SCRAM-SHA-256", creds, is_admin=not_admin)
    client = ScramClient("SHA-256", "bob", "pw")
    first = mech.step(client.first())
    assert isinstance(first, Challenge)
    assert isinstance(mech.step(mangle(client.final(first.data))), Failure)  # type: ignore[operator]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.binary(max_size=200))
def test_random_bytes_never_raise_or_succeed(first: bytes, final: bytes) -> None:
    creds = FixedCredentials(iterations=2)
    creds.set_password("bob", "pw")
    mech = start("SCRAM-SHA-1", creds, is_admin=not_admin)
    outcomes = [mech.step(first), mech.step(final)]
    assert not any(isinstance(o, Success) for o in outcomes)


def test_imaplib_authobject_drives_the_exchange() -> None:
    """What imaplib.IMAP4.authenticate does: decoded challenges in, responses out."""
    creds = FixedCredentials(iterations=16)
    creds.set_password("bob", "pw")
    mech = start("SCRAM-SHA-256", creds, is_admin=not_admin)
    answer = ScramClient("SHA-256", "bob", "pw").imaplib_authobject()
    outcome = mech.step(b"")
    while isinstance(outcome, Challenge):
        outcome = mech.step(answer(outcome.data))
    assert isinstance(outcome, Success) and outcome.final_data is not None
    assert answer(outcome.final_data) == b""
