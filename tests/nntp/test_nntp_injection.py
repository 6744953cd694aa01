"""RFC 5537 §3.5/§3.6 as `Injector` applies them: pure, table-like cases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from roost.nntp.injection import Injector, Refused

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
BASE = b"From: a@example.com\r\nSubject: s\r\nNewsgroups: g.one, g.two\r\n"


def header(raw: bytes) -> list[bytes]:
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


def test_a_given_message_id_path_and_date_are_kept_and_xref_dropped() -> None:
    raw = (BASE + b"Message-ID: <m@x>\r\nPath: up!edge\r\nDate: Tue, 1 Dec 2026 11:00:00 +0000\r\n"
           b"Xref: other 1\r\n\r\nbody\r\n")
    article = Injector("here").post(raw, NOW)
    lines = header(article.raw)
    assert lines[0] == b"Path: here!.POSTED!up!edge"
    assert b"Message-ID: <m@x>" in lines and not any(line.startswith(b"Xref") for line in lines)
    assert sum(line.startswith(b"Date:") for line in lines) == 1
    assert (article.message_id, article.groups) == ("m@x", ("g.one", "g.two"))
    assert article.raw.endswith(b"\r\n\r\nbody\r\n")


def test_reply_to_follows_followup_to() -> None:
    injector = Injector("here", "bb", ("to", "replyto"), "example.com")
    article = injector.post(BASE + b"Followup-To: g.two\r\nTo: x@y\r\n\r\n.", NOW)
    lines = header(article.raw)
    assert b"To: x@y, bb+g.one@example.com, bb+g.two@example.com" in lines
    assert b"Reply-To: bb+g.two@example.com" in lines
    poster = injector.post(BASE + b"Followup-To: poster\r\n\r\n.", NOW)
    assert not any(line.startswith(b"Reply-To") for line in header(poster.raw))


@pytest.mark.parametrize(("extra", "why"), [
    (b"Injection-Info: x\r\n", "injected"),
    (b"Date: Sat, 1 Jan 2028 00:00:00 +0000\r\n", "future"),
    (b"Date: soon\r\n", "Date"),
    (b"Message-ID: no-brackets\r\n", "Message-ID"),
])
def test_refused_posts(extra: bytes, why: str) -> None:
    with pytest.raises(Refused, match=why):
        Injector("here").post(BASE + extra + b"\r\nbody\r\n", NOW)


def test_relaying_checks_the_offered_id_and_the_mandatory_fields() -> None:
    raw = BASE + b"Date: Tue, 1 Dec 2026 11:00:00 +0000\r\nMessage-ID: <r@x>\r\nPath: up\r\n\r\nb\r\n"
    assert header(Injector("here").relay(raw, "r@x").raw)[0] == b"Path: here!up"
    with pytest.raises(Refused, match="offered"):
        Injector("here").relay(raw, "other@x")
    with pytest.raises(Refused, match="Path"):
        Injector("here").relay(raw.replace(b"Path: up\r\n", b""), "r@x")
