"""IMAP string rendering (RFC 9051 §4.3)."""

from __future__ import annotations

import pytest

from roost.message.imapstr import nstring, number, plist, string


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"", b'""'),
        (b"plain", b'"plain"'),
        (b'say "hi" \\ bye', b'"say \\"hi\\" \\\\ bye"'),
        (b"two\r\nlines", b"{10}\r\ntwo\r\nlines"),
        (b"caf\xc3\xa9", b"{5}\r\ncaf\xc3\xa9"),
        ("café", b"{5}\r\ncaf\xc3\xa9"),
        (b"nul\x00dropped", b'"nuldropped"'),
        (b"x" * 2000, b"{2000}\r\n" + b"x" * 2000),
    ],
)
def test_string(value: bytes | str, expected: bytes) -> None:
    assert string(value) == expected


def test_nstring_number_plist() -> None:
    assert nstring(None) == b"NIL"
    assert nstring(b"NIL") == b'"NIL"'
    assert number(42) == b"42"
    assert plist([b"A", b"NIL"]) == b"(A NIL)"
    assert plist([]) == b"()"
