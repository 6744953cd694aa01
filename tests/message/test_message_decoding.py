"""Header decoding: RFC 2047 encoded-words, RFC 2231 parameters, charsets."""

from __future__ import annotations

import pytest

from roost.message import decode_header_value, parse_params
from roost.message.charsets import decode
from roost.message.params import join_continuations, raw_params

WORDS = [
    pytest.param("=?utf-8?q?caf=C3=A9?=", "café", id="q"),
    pytest.param(b"=?UTF-8?B?Y2Fmw6k=?=", "café", id="b"),
    pytest.param("=?utf-8?q?a?= =?utf-8?q?b?=", "ab", id="adjacent-space-dropped"),
    pytest.param("=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab", id="adjacent-folded"),
    pytest.param("=?utf-8?q?a?= x =?utf-8?q?b?=", "a x b", id="text-between-kept"),
    pytest.param("=?utf-8?q?a_b?=", "a b", id="underscore-space"),
    pytest.param("=?utf-8?B?w6?= =?utf-8?B?kg==?=", "Ò", id="unpadded-b64-split-char"),
    pytest.param("=?utf-8?q?=FF?=", "\ufffd", id="invalid-utf8-replaced"),
    pytest.param("=?utf-8?q?=C3?= =?utf-8?q?=A9?=", "é", id="split-multibyte-char"),
    pytest.param("=?iso-8859-1?q?caf=E9?=", "café", id="latin1"),
    pytest.param("=?x-unknown?q?caf=E9?=", "café", id="unknown-charset-fallback"),
    pytest.param("=?zlib?q?abc?=", "abc", id="non-text-codec-refused"),
    pytest.param("=?utf-8*en?q?hi?=", "hi", id="rfc2231-language-suffix"),
    pytest.param("=?utf-8?x?abc?=", "=?utf-8?x?abc?=", id="bad-encoding-left-alone"),
    pytest.param(b"caf\xc3\xa9", "café", id="raw-utf8"),
    pytest.param(b"caf\xe9", "café", id="raw-latin1"),
    pytest.param("plain\r\n folded", "plain folded", id="unfold"),
]


@pytest.mark.parametrize(("value", "expected"), WORDS)
def test_decode_header_value(value: str | bytes, expected: str) -> None:
    assert decode_header_value(value) == expected


PARAMS = [
    pytest.param('text/plain; charset="utf-8"; format=flowed',
                 (("charset", "utf-8"), ("format", "flowed")), id="plain"),
    pytest.param("attachment; filename*=utf-8''%C3%A9t%C3%A9.pdf",
                 (("filename", "été.pdf"),), id="rfc2231-charset"),
    pytest.param("attachment; filename*=iso-8859-1'fr'caf%E9", (("filename", "café"),),
                 id="rfc2231-language"),
    pytest.param('x; name*0="long "; name*1="file"; name*2=".txt"',
                 (("name", "long file.txt"),), id="continuations"),
    pytest.param("x; name*1*=%C3%A9.txt; name*0*=utf-8''caf",
                 (("name", "café.txt"),), id="continuations-out-of-order-encoded"),
    pytest.param('x; a="q\\"uote"; b=(comment) c', (("a", 'q"uote'), ("b", "c")),
                 id="quoted-pair-and-comment"),
    pytest.param("x; ; novalue; =v; k=", (("k", ""),), id="junk"),
    pytest.param("x; A=1; a=2", (("a", "1"),), id="first-wins-case-insensitive"),
    pytest.param("", (), id="empty"),
]


@pytest.mark.parametrize(("value", "expected"), PARAMS)
def test_parse_params(value: str, expected: tuple[tuple[str, str], ...]) -> None:
    assert parse_params(value) == expected


def test_charset_decode_never_raises_on_odd_names() -> None:
    for name in ("utf-7", "base64", "hex", "idna", "rot13", "", None, "\x00", "utf-8\r\n"):
        assert isinstance(decode(b"\xff\xfeabc", name), str)


JOINED = [
    pytest.param(b'x; name*0="long"; name*1="er name.txt"', ((b"name", b"longer name.txt"),),
                 id="plain-sections"),
    pytest.param(b"x; title*0*=us-ascii'en'a%20; title*1=\"isn't it!\"; b=c",
                 ((b"title*", b"us-ascii'en'a%20isn%27t%20it!"), (b"b", b"c")),
                 id="extended-first-section-percent-encodes-the-rest"),
    pytest.param(b'x; n*1="b"; n*0="a"', ((b"n", b"ab"),), id="out-of-order"),
    pytest.param(b'x; n*0="a"; n*2="c"', ((b"n", b"a"), (b"n*2", b"c")), id="gap-stays"),
    pytest.param(b"x; n*=utf-8''%C3%A9; m=1", ((b"n*", b"utf-8''%C3%A9"), (b"m", b"1")),
                 id="no-continuation"),
]


@pytest.mark.parametrize(("value", "expected"), JOINED)
def test_join_continuations_as_cyrus_reports_them(
        value: bytes, expected: tuple[tuple[bytes, bytes], ...]) -> None:
    assert join_continuations(raw_params(value)) == expected
