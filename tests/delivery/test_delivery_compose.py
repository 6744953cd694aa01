"""The messages scripts make delivery send, built from the RFCs' rules, and
where outgoing mail is sent."""

from __future__ import annotations

import email
import email.policy

import pytest

from roost.delivery.compose import notify_mail, reject_mdn, vacation_reply
from roost.delivery.outgoing import parse_smtp_host
from roost.sieve import Notify, Vacation

ORIGINAL = (b"From: ann@example.org\r\nSubject: Lunch\r\nMessage-ID: <m2@example.org>\r\n"
            b"References: <m0@example.org>\r\n <m1@example.org>\r\n\r\nHi.\r\n")


def test_vacation_reply_threads_and_encodes_a_utf8_subject() -> None:
    action = Vacation("Loin.", "ann@example.org", "h", 86400, subject="Absent — à bientôt")
    sent = vacation_reply(action, ORIGINAL, "bob@example.com")
    reply = email.message_from_bytes(sent.raw, policy=email.policy.default)
    assert reply["In-Reply-To"] == "<m2@example.org>"  # RFC 5230 §5.8
    assert reply["References"] == "<m0@example.org> <m1@example.org> <m2@example.org>"
    assert reply["Subject"] == "Absent — à bientôt"
    assert b"=?utf-8?" in sent.raw.split(b"\r\n\r\n")[0]  # RFC 5230 §4.3: RFC 2047 words
    assert (sent.sender, sent.recipients) == ("", ("ann@example.org",))


def test_no_mdn_to_the_null_sender() -> None:
    """RFC 5429 §2.2.1: no MDN when MAIL FROM is empty."""
    assert reject_mdn("no", ORIGINAL, "", "bob@example.com", "postmaster@x", "x") is None


def test_notify_from_a_null_sender_is_sent_from_null() -> None:
    """RFC 5436 §2.7: an empty trigger sender makes an empty notification sender;
    URI headers that are unsafe are ignored."""
    action = Notify("mailto:a@example.net,b@example.net?from=evil@x&x-tag=1&subject=Hey")
    sent = notify_mail(action, ORIGINAL, "", "bob@example.com")
    assert sent is not None
    note = email.message_from_bytes(sent.raw, policy=email.policy.default)
    assert sent.sender == "" and sent.recipients == ("a@example.net", "b@example.net")
    assert note["From"] == "bob@example.com" and note["X-tag"] == "1"
    assert note["Subject"] == "Hey"


@pytest.mark.parametrize(("value", "parsed"), [
    ("localhost:587", ("localhost", 587, False)),
    ("mx.example.org", ("mx.example.org", 587, False)),
    ("127.0.0.1:2525/tls", ("127.0.0.1", 2525, True)),
    ("[::1]:25/noauth", ("::1", 25, False)),
])
def test_smtp_host_is_read_as_cyrus_writes_it(value: str, parsed: tuple[str, int, bool]) -> None:
    assert parse_smtp_host(value) == parsed
