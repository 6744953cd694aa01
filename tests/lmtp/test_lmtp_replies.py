"""Reply rendering, the delivery-failure table, and the trace headers."""

import time
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest

from roost.config import parse_config
from roost.delivery import Failure
from roost.lmtp.errors import failure_reply
from roost.lmtp.responses import Reply
from roost.lmtp.trace import trace_headers


def test_multiline_reply_carries_the_enhanced_code_on_every_line() -> None:
    assert Reply(214, "2.0.0", ("a", "b")).render() == b"214-2.0.0 a\r\n214 2.0.0 b\r\n"
    assert Reply(250, "", ("host", "PIPELINING")).render() == b"250-host\r\n250 PIPELINING\r\n"


@pytest.mark.parametrize("failure,perm,expected", [
    (Failure.UNKNOWN_USER, False, "550 5.1.1"),
    (Failure.OVER_QUOTA, False, "452 4.2.2"),
    (Failure.OVER_QUOTA, True, "552 5.2.2"),
    (Failure.MAILBOX_NOT_FOUND, False, "450 4.2.0"),
    (Failure.TEMPORARY, False, "451 4.3.0"),
    (Failure.STORAGE_FULL, False, "452 4.3.1"),
])
def test_failure_replies(failure: Failure, perm: bool, expected: str) -> None:
    conf = parse_config(f"lmtp_over_quota_perm_failure: {'yes' if perm else 'no'}\n")
    got = failure_reply(conf, failure)
    assert f"{got.code} {got.status}" == expected


def test_every_failure_has_a_reply() -> None:
    conf = parse_config("")
    assert all(failure_reply(conf, failure).code >= 400 for failure in Failure)


def test_trace_headers_rfc5321_form() -> None:
    when = datetime(2024, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=1)))
    got = trace_headers(sender="a@example.org", lhlo_host="mx.test", peer_ip="127.0.0.1",
                        servername="lmtp.test", tls=True, message_id="abc-1",
                        recipients=["bob@example.com"], now=when)
    assert got == (b"Return-Path: <a@example.org>\r\n"
                   b"Received: from mx.test ([127.0.0.1])\r\n"
                   b"\tby lmtp.test (Roost)\r\n"
                   b"\twith LMTPS id abc-1\r\n"
                   b"\tfor <bob@example.com>; Fri, 01 Mar 2024 12:30:00 +0100\r\n")


def test_trace_headers_date_is_the_current_second_in_local_time() -> None:
    before = int(time.time())
    got = trace_headers(sender="", lhlo_host="mx.test", peer_ip=None, servername="lmtp.test",
                        tls=False, message_id="abc-2", recipients=["a", "b"])
    after = time.time()
    stamp = parsedate_to_datetime(got.decode().rsplit("; ", 1)[1].strip())
    assert before <= stamp.timestamp() <= after
    assert stamp.utcoffset() == datetime.fromtimestamp(before).astimezone().utcoffset()
