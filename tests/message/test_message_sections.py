"""FETCH BODY[section] / BINARY[section] extraction (RFC 9051 §6.4.5, RFC 3516)."""

from __future__ import annotations

import pytest

from roost.message import UnknownTransferEncoding, binary_size, fetch_binary, fetch_section

MIXED = (
    b"From: a@b.c\r\nSubject: s\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n"
    b"--b1\r\n\r\nbody text\r\n"
    b'--b1\r\nContent-Type: application/pdf; name="x.pdf"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n"
    b"--b1\r\nContent-Type: message/rfc822\r\n\r\n"
    b"From: x@y\r\nSubject: inner\r\n  folded\r\nTo: z@w\r\n\r\ninner body\r\n"
    b"--b1--\r\n"
)
SIMPLE = b"Subject: hi\r\nX-Y: 1\r\n\r\nline1\r\nline2\r\n"

SECTIONS = [
    pytest.param(MIXED, (), "", None, MIXED, id="whole"),
    pytest.param(MIXED, (), "HEADER", None, MIXED[: MIXED.index(b"\r\n\r\n") + 4], id="header"),
    pytest.param(MIXED, (), "TEXT", None, MIXED[MIXED.index(b"\r\n\r\n") + 4 :], id="text"),
    pytest.param(MIXED, (1,), "", None, b"body text", id="part1"),
    pytest.param(MIXED, (1,), "MIME", None, b"\r\n", id="part1-empty-mime-header"),
    pytest.param(MIXED, (2,), "", None, b"JVBERi0=", id="part2-raw"),
    pytest.param(MIXED, (2,), "MIME", None,
                 b'Content-Type: application/pdf; name="x.pdf"\r\n'
                 b"Content-Transfer-Encoding: base64\r\n\r\n", id="part2-mime"),
    pytest.param(MIXED, (3,), "HEADER", None,
                 b"From: x@y\r\nSubject: inner\r\n  folded\r\nTo: z@w\r\n\r\n", id="rfc822-header"),
    pytest.param(MIXED, (3,), "TEXT", None, b"inner body", id="rfc822-text"),
    pytest.param(MIXED, (3,), "HEADER.FIELDS", ("SUBJECT",),
                 b"Subject: inner\r\n  folded\r\n\r\n", id="rfc822-fields-continuation"),
    pytest.param(MIXED, (3,), "HEADER.FIELDS.NOT", ("subject", "to"),
                 b"From: x@y\r\n\r\n", id="rfc822-fields-not"),
    pytest.param(MIXED, (3, 1), "", None, b"inner body", id="rfc822-part1-is-body"),
    pytest.param(MIXED, (3,), "", None,
                 b"From: x@y\r\nSubject: inner\r\n  folded\r\nTo: z@w\r\n\r\ninner body",
                 id="rfc822-whole"),
    pytest.param(MIXED, (1,), "HEADER", None, None, id="header-of-non-message-part"),
    pytest.param(MIXED, (1,), "TEXT", None, None, id="text-of-non-message-part"),
    pytest.param(MIXED, (4,), "", None, None, id="nonexistent-part"),
    pytest.param(MIXED, (0,), "", None, None, id="part-zero"),
    pytest.param(MIXED, (1, 1), "", None, None, id="subpart-of-leaf"),
    pytest.param(MIXED, (), "MIME", None, None, id="mime-needs-part"),
    pytest.param(MIXED, (), "BOGUS", None, None, id="unknown-kind"),
    pytest.param(SIMPLE, (1,), "", None, b"line1\r\nline2\r\n", id="single-part-body"),
    pytest.param(SIMPLE, (1,), "MIME", None, b"Subject: hi\r\nX-Y: 1\r\n\r\n",
                 id="single-part-mime-is-message-header"),
    pytest.param(SIMPLE, (2,), "", None, None, id="single-part-no-part2"),
    pytest.param(SIMPLE, (), "HEADER.FIELDS", ("x-y", "absent"), b"X-Y: 1\r\n\r\n",
                 id="fields-case-insensitive"),
    pytest.param(SIMPLE, (), "header.fields", ("nothing",), b"\r\n", id="fields-none-match"),
    pytest.param(b"Subject: x", (), "HEADER.FIELDS", ("subject",), b"Subject: x\r\n\r\n",
                 id="fields-last-line-without-eol"),
]


@pytest.mark.parametrize(("raw", "part", "kind", "fields", "expected"), SECTIONS)
def test_fetch_section(raw: bytes, part: tuple[int, ...], kind: str,
                       fields: tuple[str, ...] | None, expected: bytes | None) -> None:
    assert fetch_section(raw, part, kind, fields or ()) == expected


def test_binary_decodes_base64() -> None:
    assert fetch_binary(MIXED, (2,)) == b"%PDF-"
    assert binary_size(MIXED, (2,)) == 5


def test_binary_identity_and_whole_message() -> None:
    assert fetch_binary(MIXED, (1,)) == b"body text"
    assert binary_size(MIXED, (1,)) == 9
    assert fetch_binary(MIXED, ()) == MIXED
    assert binary_size(MIXED, ()) == len(MIXED)


def test_binary_quoted_printable() -> None:
    raw = b"Content-Transfer-Encoding: Quoted-Printable\r\n\r\nH=C3=A9llo=\r\n world=3D"
    assert fetch_binary(raw, (1,)) == b"H\xc3\xa9llo world="


def test_binary_bad_base64_recovers_what_it_can() -> None:
    raw = b"Content-Transfer-Encoding: base64\r\n\r\naGVsbG8*!gd29y\r\nbGQ"
    assert fetch_binary(raw, (1,)) == b"hello world"


def test_binary_unknown_encoding_raises() -> None:
    raw = b"Content-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n"
    with pytest.raises(UnknownTransferEncoding):
        fetch_binary(raw, (1,))
    with pytest.raises(UnknownTransferEncoding):
        binary_size(raw, (1,))


def test_binary_nonexistent_part() -> None:
    assert fetch_binary(SIMPLE, (3,)) is None
    assert binary_size(SIMPLE, (3,)) is None


def test_lf_only_message_sections() -> None:
    raw = b"Subject: lf\nContent-Type: multipart/mixed; boundary=q\n\n--q\nX: 1\n\none\n--q--\n"
    assert fetch_section(raw, (1,), "") == b"one"
    assert fetch_section(raw, (1,), "MIME") == b"X: 1\n\n"
    assert fetch_section(raw, (), "HEADER") == raw[: raw.index(b"\n\n") + 2]
