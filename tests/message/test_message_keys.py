"""Search/sort fields of ParsedMessage: dates, RFC 5256 keys, preview,
attachments, headers_for_search, serialization."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from roost.message import ParsedMessage, body_text, header_text, parse_message
from roost.message.sortkeys import base_subject
from roost.message.text import PREVIEW_CHARS, collapsed_start

SUBJECTS = [
    ("Re: hello", "hello"),
    ("RE: Fwd: hello", "hello"),
    ("Re[2]: hello", "hello"),
    ("re [list]: hello", "hello"),
    ("[list] Re: hello (fwd)", "hello"),
    ("hello (fwd) (FWD)  ", "hello"),
    ("[Fwd: Re: hello]", "hello"),
    ("[list]", "[list]"),
    ("Re:", ""),
    ("  a\t\tb  ", "a b"),
    ("Fw: [x] [y] z", "z"),
    ("[a] [b]", "[b]"),
    ("[a] Re: [b] x", "x"),
    ("[fwd: [Fwd: re: x]]", "x"),
    ("Fwd[3]: x", "x"),
]


@pytest.mark.parametrize(("subject", "expected"), SUBJECTS)
def test_base_subject(subject: str, expected: str) -> None:
    assert base_subject(subject) == expected


def test_sort_subject_is_decoded_first() -> None:
    raw = b"Subject: =?utf-8?q?Re=3A_caf=C3=A9?=\r\n\r\n"
    assert parse_message(raw).sort_subject == "café"


DATES = [
    (b"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
     datetime(1996, 7, 17, 2, 23, 25, tzinfo=timezone(timedelta(hours=-7)))),
    (b"17 Jul 96 02:23 EST",
     datetime(1996, 7, 17, 2, 23, tzinfo=timezone(timedelta(hours=-5)))),
    (b"Thu, 1 Jan 2015 00:00:00 -0000", datetime(2015, 1, 1, tzinfo=UTC)),
    (b"Thu, 1 Jan 2015 00:00:60 +0000", datetime(2015, 1, 1, 0, 0, 59, tzinfo=UTC)),
    (b"not a date", None),
    (b"Mon, 32 Jan 2015 00:00:00 +0000", None),
    (b"", None),
]


@pytest.mark.parametrize(("value", "expected"), DATES)
def test_sent_date(value: bytes, expected: datetime | None) -> None:
    parsed = parse_message(b"Date: " + value + b"\r\n\r\n")
    assert parsed.sent_date == expected
    if parsed.sent_date is not None:
        assert parsed.sent_date.tzinfo is not None


def test_missing_date() -> None:
    assert parse_message(b"Subject: x\r\n\r\n").sent_date is None


def test_address_and_id_keys() -> None:
    raw = (
        b"From: \"Smith, J\" <JSmith@x.org>\r\nTo: list: a@b, c@d;\r\nCc: (c) cc@e\r\n"
        b"Message-ID: <m1@x>\r\nIn-Reply-To: junk <p1@x> <p2@x>\r\n"
        b"References: <r1@x>\r\n <r2@x> <p1@x>\r\n\r\n"
    )
    parsed = parse_message(raw)
    # A group's first ENVELOPE address is its start, addr-mailbox the group
    # name (RFC 5256 §3 SORT TO, as Cyrus sorts: tests/e2e/test_sort_thread_cyrus.py).
    assert (parsed.sort_from, parsed.sort_to, parsed.sort_cc) == ("JSmith", "list", "cc")
    assert (parsed.display_from, parsed.display_to) == ("Smith, J", "list")
    assert parsed.message_id == "m1@x"
    assert parsed.in_reply_to == "p1@x"
    assert parsed.references == ("r1@x", "r2@x", "p1@x")


def test_headers_for_search() -> None:
    raw = (
        b"Subject: =?utf-8?q?caf=C3=A9?=\r\n  au lait\r\nX-Empty:\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''%C3%A9.txt\r\n\r\n"
    )
    assert parse_message(raw).headers_for_search == (
        ("subject", "café  au lait"),  # unfolding keeps the WSP
        ("x-empty", ""),
        ("content-disposition", 'attachment; filename="é.txt"'),
    )


PREVIEWS = [
    pytest.param(b"Content-Type: text/plain\r\n\r\n  Hello\r\n\r\n  world  ", "Hello world",
                 id="whitespace-collapsed"),
    pytest.param(b"Content-Type: text/html\r\n\r\n<html><head><title>t</title></head>"
                 b"<style>p{}</style><p>Hi &amp; bye</p><!-- c -->", "Hi & bye", id="html"),
    pytest.param(b"Content-Type: image/png\r\n\r\nabc", "", id="no-text-part"),
    pytest.param(b"Content-Type: text/plain\r\n\r\n" + b"x" * 500, "x" * 200, id="cut"),
    pytest.param(b"Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: "
                 b"base64\r\n\r\n8NLJ18XU\r\n", "Привет", id="base64-charset"),
]


@pytest.mark.parametrize(("raw", "expected"), PREVIEWS)
def test_preview(raw: bytes, expected: str) -> None:
    assert parse_message(raw).preview == expected


def _collapsed_whole(text: str) -> str:
    """What collapsed_start must equal: the whole text collapsed, then cut."""
    return re.sub(r"\s+", " ", text).strip()[:PREVIEW_CHARS]


@pytest.mark.parametrize("text", [
    pytest.param(" " * 5000 + "a b", id="leading-whitespace-beyond-first-span"),
    pytest.param("a" * 799 + " " * 3 + "b" * 300, id="run-cut-at-span-end"),
    pytest.param("a \u2003\t" * 400, id="unicode-whitespace-runs"),
    pytest.param("x" + " " * 10000 + "y", id="short-after-collapse"),
    pytest.param("", id="empty"),
])
def test_collapsed_start_equals_collapsing_the_whole(text: str) -> None:
    assert collapsed_start(text) == _collapsed_whole(text)


ATTACHMENTS = [
    pytest.param(b"Content-Type: text/plain\r\n\r\nx", False, id="plain"),
    pytest.param(b"Content-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\nx", True,
                 id="top-level-attachment"),
    pytest.param(b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b\r\n"
                 b"Content-Type: image/png; name=a.png\r\n\r\n--b--", True, id="named-image"),
    pytest.param(b"Content-Type: multipart/related; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b\r\n"
                 b"Content-Type: image/png; name=a.png\r\nContent-Disposition: inline\r\n\r\n"
                 b"--b--", False, id="inline-image"),
]


@pytest.mark.parametrize(("raw", "expected"), ATTACHMENTS)
def test_has_attachment(raw: bytes, expected: bool) -> None:
    assert parse_message(raw).has_attachment is expected


def test_body_text_and_header_text() -> None:
    raw = (
        b"Subject: =?utf-8?q?caf=C3=A9?=\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
        b"quoted-printable\r\n\r\nna=C3=AFve\r\n--b\r\nContent-Type: application/zip\r\n\r\n"
        b"PK\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\ninner\r\n--b--\r\n"
    )
    assert body_text(raw) == "naïve\ninner"
    assert header_text(raw) == "Subject: café\nContent-Type: multipart/mixed; boundary=b"


def test_json_round_trip() -> None:
    raw = (
        b"Date: Wed, 17 Jul 1996 02:23:25 -0700\r\nSubject: caf\xc3\xa9\r\n"
        b"References: <a@b> <c@d>\r\n\r\nbody \xff\r\n"
    )
    parsed = parse_message(raw)
    text = parsed.to_json()
    assert ParsedMessage.from_json(text) == parsed
    assert ParsedMessage.from_json(parse_message(b"").to_json()) == parse_message(b"")


def test_json_rejects_other_schema() -> None:
    with pytest.raises(ValueError):
        ParsedMessage.from_json("[999]")
