"""Modified UTF-7 (RFC 3501 §5.1.3): known spellings, strictness, round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roost.imap import mutf7


@pytest.mark.parametrize(
    ("text", "wire"),
    [
        ("INBOX", "INBOX"),
        ("&", "&-"),
        ("a&b", "a&-b"),
        ("Entwürfe", "Entw&APw-rfe"),
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),  # RFC 3501 §5.1.3
        ("😀", "&2D3eAA-"),
    ],
)
def test_known(text: str, wire: str) -> None:
    assert mutf7.encode(text) == wire
    assert mutf7.decode(wire) == text


@pytest.mark.parametrize(
    "wire",
    [
        "&",  # not closed
        "&Jjo",  # not closed
        "&Jjo!-",  # not base64
        "&AGE-",  # encodes printable "a"
        "&ACY-",  # encodes "&", which must be "&-"
        "&U,BTFw-&ZeVnLIqe-",  # two adjacent runs
        "&AP-",  # non-zero padding bits
        "&APw=-",  # padding character
        "&A-",  # truncated
        "&AAAA-",  # three bytes: not whole UTF-16 units
        "&2D0-",  # lone surrogate
        "ü",  # 8-bit must be encoded
        "a\tb",  # control characters must be encoded
    ],
)
def test_invalid(wire: str) -> None:
    with pytest.raises(ValueError):
        mutf7.decode(wire)


@given(st.text(st.characters(codec="utf-8")))
def test_round_trip(text: str) -> None:
    assert mutf7.decode(mutf7.encode(text)) == text


@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_decode_never_raises_other_errors(wire: str) -> None:
    try:
        text = mutf7.decode(wire)
    except ValueError:
        return
    assert mutf7.encode(text) == wire  # accepted means canonical
