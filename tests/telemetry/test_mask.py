"""The masker alone: every protocol's secret-carrying lines, and a property:
whatever the secret, it never comes out."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roost.telemetry.mask import Masker


def masked(client: list[bytes], server: dict[int, bytes] | None = None) -> bytes:
    """Feed client lines (and, before client line i, server line server[i])."""
    masker = Masker()
    out = b""
    for i, line in enumerate(client):
        if server and i in server:
            masker.server_line(server[i])
        out += masker.client_line(line)
    return out


@pytest.mark.parametrize(("line", "shown"), [
    (b"a1 LOGIN bob secret\r\n", b"a1 LOGIN ***\r\n"),
    (b'a1 login "bob" "se cret"\r\n', b"a1 login ***\r\n"),
    (b"PASS secret\r\n", b"PASS ***\r\n"),
    (b"APOP bob c4c9334bac560ecc979e58001b3e22fb\r\n", b"APOP ***\r\n"),
    (b"AUTHINFO PASS secret\r\n", b"AUTHINFO PASS ***\r\n"),
    (b"a1 AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ=\r\n", b"a1 AUTHENTICATE PLAIN ***\r\n"),
    (b"AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n", b"AUTH PLAIN ***\r\n"),
    (b"AUTHINFO SASL PLAIN AGJvYgBzZWNyZXQ=\r\n", b"AUTHINFO SASL PLAIN ***\r\n"),
    (b'AUTHENTICATE "PLAIN" "AGJvYgBzZWNyZXQ="\r\n', b'AUTHENTICATE "PLAIN" ***\r\n'),
    # not secrets: kept as sent
    (b"a1 SELECT INBOX\r\n", b"a1 SELECT INBOX\r\n"),
    (b"USER bob\r\n", b"USER bob\r\n"),
    (b"a1 SEARCH TEXT login\r\n", b"a1 SEARCH TEXT login\r\n"),
    (b"AUTH\r\n", b"AUTH\r\n"),
])
def test_one_line(line: bytes, shown: bytes) -> None:
    assert masked([line]) == shown


def test_exchange_lines_are_masked_until_the_final_answer() -> None:
    out = masked([b"a1 AUTHENTICATE SCRAM-SHA-256\r\n", b"biwsbj1ib2Iscj1y\r\n",
                  b"Yz1iaXdzLHI9cg==\r\n", b"a2 NOOP\r\n"],
                 {1: b"+ \r\n", 2: b"+ cj1yc2VydmVy\r\n", 3: b"a1 OK done\r\n"})
    assert out == b"a1 AUTHENTICATE SCRAM-SHA-256\r\n***\r\n***\r\na2 NOOP\r\n"


def test_nntp_and_sieve_continuations_keep_the_exchange_going() -> None:
    out = masked([b"AUTHINFO SASL PLAIN\r\n", b"AGJvYgBzZWNyZXQ=\r\n", b"GROUP x\r\n"],
                 {1: b"383 \r\n", 2: b"281 ok\r\n"})
    assert out == b"AUTHINFO SASL PLAIN\r\n***\r\nGROUP x\r\n"
    out = masked([b'AUTHENTICATE "PLAIN"\r\n', b'"AGJvYgBzZWNyZXQ="\r\n', b"LISTSCRIPTS\r\n"],
                 {1: b'""\r\n', 2: b"OK\r\n"})
    assert out == b'AUTHENTICATE "PLAIN"\r\n***\r\nLISTSCRIPTS\r\n'


def test_literal_password_and_what_follows_it() -> None:
    out = masked([b"a1 LOGIN {3+}\r\n", b"bob {6+}\r\n", b"secret\r\n", b"a2 NOOP\r\n"])
    assert b"bob" not in out and b"secret" not in out
    assert out.endswith(b"a2 NOOP\r\n")


secrets = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e), min_size=8,
                  max_size=40).filter(lambda s: "*" not in s)


@given(secrets, st.sampled_from(["a1 LOGIN bob {s}", "PASS {s}", "AUTHINFO PASS {s}",
                                 "a AUTHENTICATE PLAIN {s}", "AUTH X {s}"]))
def test_a_secret_never_comes_out(secret: str, shape: str) -> None:
    line = shape.format(s=secret).encode() + b"\r\n"
    assert secret.encode() not in masked([line])


@given(secrets)
def test_a_literal_secret_never_comes_out(secret: str) -> None:
    raw = secret.encode()
    lines = [b"a1 LOGIN bob {%d}\r\n" % len(raw), raw + b"\r\n", b"a2 NOOP\r\n"]
    out = masked(lines)
    assert raw not in out and out.endswith(b"a2 NOOP\r\n")


def test_a_long_secret_line_cut_in_pieces_stays_masked() -> None:
    """A piece without its line end (the log does not wait past 64 KiB):
    what follows it up to the LF is masked as the start was."""
    out = masked([b"a1 LOGIN bob sec", b"ret-and-more", b"\r\n", b"a2 NOOP\r\n"])
    assert out == b"a1 LOGIN ******\r\na2 NOOP\r\n"
    assert masked([b"a1 SEL", b"ECT INBOX\r\n"]) == b"a1 SELECT INBOX\r\n"
