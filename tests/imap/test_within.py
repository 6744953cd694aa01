"""WITHIN (RFC 5032): SEARCH OLDER / YOUNGER n, exact to the second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.harness.imap import ImapTranscript

from roost.search import evaluate as ev
from roost.search import query as q
from roost.store.api import MessageRecord

NOW = datetime(2026, 12, 1, 12, 0, 0, 500_000, tzinfo=UTC)


def _record(seconds_ago: float) -> MessageRecord:
    return MessageRecord(1, 2, frozenset(), NOW - timedelta(seconds=seconds_ago), 10, "x")


@pytest.mark.parametrize(("seconds_ago", "older", "younger"), [
    (59, False, True),
    (60, True, True),  # RFC 5032 §2: both match at the target time itself
    (60.4, True, True),  # the same second
    (61, True, False),
    (-5, False, True),  # dated in the future: younger than any interval
])
def test_boundaries_to_the_second(seconds_ago: float, older: bool, younger: bool) -> None:
    facts = ev.Facts(_record(seconds_ago), recent=False)
    box = ev.Mailbox(now=NOW)
    assert ev.evaluate(q.Older(60), facts, box) is older
    assert ev.evaluate(q.Younger(60), facts, box) is younger


def _date(when: datetime) -> str:
    return when.strftime("%d-%b-%Y %H:%M:%S +0000")


async def test_search_within(imap: ImapTranscript) -> None:
    """RFC 5032 §4 Example: the fixture's two unseen messages are new; one
    more three days and an hour old, and a seen one an hour old."""
    lines = await imap.command("CAPABILITY")
    assert "WITHIN" in lines[0].split()
    now = datetime.now(UTC)
    await imap.command(f'APPEND INBOX "{_date(now - timedelta(days=3, hours=1))}" '
                       "{15+}\r\nSubject: 3\r\n\r\nc")
    await imap.command(f'APPEND INBOX (\\Seen) "{_date(now - timedelta(hours=1))}" '
                       "{15+}\r\nSubject: 4\r\n\r\nd")
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 SEARCH UNSEEN YOUNGER 259200
        S: * SEARCH 1 2
        S: a1 OK {…}
        C: a2 SEARCH YOUNGER 259200
        S: * SEARCH 1 2 4
        S: a2 OK {…}
        C: a3 UID SEARCH OLDER 7200 NOT OLDER 2592000
        S: * SEARCH 3
        S: a3 OK {…}
        C: a4 SEARCH OLDER 0
        S: a4 BAD {…}
        C: a5 SEARCH YOUNGER -1
        S: a5 BAD {…}
    """)
