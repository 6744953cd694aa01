"""The Message-ID duplicate suppression tracks: the bytes scan of the usual
header gives what the `email` parser gives, for any header."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from roost.delivery.compose import headers_of
from roost.delivery.suppression import _scan_ids, message_id_of


def parser_answer(raw: bytes) -> str | None:
    """What the `email` parser says (the rule before the scan existed)."""
    header = headers_of(raw)
    for name in ("Resent-Message-ID", "Message-ID"):
        value = " ".join(str(header.get(name) or "").split())
        if value:
            return value
    return None


NAMES = st.sampled_from([b"Message-ID", b"message-id", b"MESSAGE-ID", b"Resent-Message-ID",
                         b"resent-message-id", b"Subject", b"X-Message-ID", b"Message-ID ",
                         b"From ", b"", b"Mess\xc3\xa9ge-ID", b"Message-Id"])
VALUES = st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"").replace(b"\r", b""))
FIELD = st.tuples(NAMES, VALUES, st.lists(VALUES, max_size=2)).map(
    lambda t: t[0] + b":" + t[1] + b"".join(b"\r\n\t" + fold for fold in t[2]))
LINE = st.one_of(FIELD, FIELD, FIELD, VALUES, st.sampled_from([b" folded", b"\tx", b"a\rb"]))
ENDING = st.sampled_from([b"\r\n", b"\r\n", b"\n", b"\r"])


@settings(max_examples=400, derandomize=True)
@given(st.lists(st.tuples(LINE, ENDING), max_size=8), st.booleans())
def test_the_scan_agrees_with_the_email_parser(lines: list[tuple[bytes, bytes]],
                                               blank: bool) -> None:
    raw = b"".join(line + end for line, end in lines) + (b"\r\nbody\r\n" if blank else b"")
    assert message_id_of(raw) == parser_answer(raw)


def test_a_usual_header_is_scanned_not_parsed() -> None:
    raw = (b"Return-Path: <a@example.org>\r\nReceived: from x\r\n\tby y; now\r\n"
           b"Message-ID:\r\n <one@example.org>\r\nResent-Message-ID: \r\n"
           b"Subject: hi\r\n\r\nMessage-ID: <body@example.org>\r\n")
    assert _scan_ids(raw) is not None
    assert message_id_of(raw) == "<one@example.org>" == parser_answer(raw)


def test_resent_message_id_wins_and_odd_headers_go_to_the_parser() -> None:
    raw = b"Message-ID: <a@x>\r\nResent-Message-ID: <b@x>\r\n\r\n"
    assert message_id_of(raw) == "<b@x>"
    odd = b"From someone Mon Jan 1 00:00:00 2024\r\nMessage-ID: <c@x>\r\n\r\n"
    assert _scan_ids(odd) is None
    assert message_id_of(odd) == parser_answer(odd)
    assert message_id_of(b"") is None


TRACE = (b"Return-Path: <a@example.org>\r\nReceived: from mx.test\r\n\tby lmtp.test (Roost)"
         b"\r\n\twith LMTP id x-1; Fri, 01 Mar 2024 12:30:00 +0100\r\n")


@settings(max_examples=400, derandomize=True)
@given(st.lists(st.tuples(LINE, ENDING), max_size=8), st.booleans())
def test_the_trace_fields_do_not_change_the_id(lines: list[tuple[bytes, bytes]],
                                               blank: bool) -> None:
    # LMTP finds the id once, in the body as received, for both the
    # suppression and the Delivered: line; the store gets it with trace fields.
    body = b"".join(line + end for line, end in lines) + (b"\r\nbody\r\n" if blank else b"")
    assert message_id_of(TRACE + body) == message_id_of(body)
