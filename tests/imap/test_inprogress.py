"""INPROGRESS (RFC 9585): `* OK [INPROGRESS ("tag" done goal)]` during long
SEARCH, the first SORT of a big mailbox, and COPY/MOVE of many, at most one
per INTERVAL (10 s; set to 0 here so every report point speaks)."""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import AsyncIterator

import pytest
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import Site

from roost.imap import progress
from roost.imap.progress import Progress
from roost.store.api import AppendMessage

MESSAGES = 1200  # SEARCH decides 500 per batch: three reports
_RNG = random.Random(9585)
_MARKERS = iter(lambda: _RNG.getrandbits(64), None)
_REPORT = re.compile(r'\* OK \[INPROGRESS \("([^"]+)" (\d+|NIL) (\d+|NIL)\)\] ')


@pytest.fixture
async def server(site: Site) -> AsyncIterator[RunningImap]:
    """bob's INBOX: MESSAGES messages no other test has (the SORT key cache
    is per process), every tenth with "needle" in its body."""
    marker = next(_MARKERS)
    async with running_imap(site, messages=0) as running:
        inbox = await running.mailbox_id("user.bob")
        batch = [AppendMessage(
            b"From: a@example.com\r\nSubject: %d %x\r\n\r\n%s\r\n"
            % (n, marker, b"needle" if n % 10 == 0 else b"hay")) for n in range(MESSAGES)]
        await running.ctx.store.append_messages(inbox, batch)
        yield running


@pytest.fixture
async def box(server: RunningImap) -> AsyncIterator[ImapTranscript]:
    client = await connect(server)
    await client.select("INBOX")
    yield client
    await client.close()


def reports(lines: list[str]) -> list[tuple[str, str, str]]:
    return [m.groups() for line in lines if (m := _REPORT.match(line))]


async def test_quiet_when_quick(box: ImapTranscript) -> None:
    """At the RECOMMENDED 10-15 s nothing this short reports."""
    lines = await box.command("SEARCH BODY needle")
    assert reports(lines) == []


async def test_long_search_reports_each_batch(box: ImapTranscript,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    await box.play("""
        C: s1 UID SEARCH RETURN (COUNT) BODY needle
        S: * OK [INPROGRESS ("s1" 500 1200)] Still working
        S: * OK [INPROGRESS ("s1" 1000 1200)] Still working
        S: * OK [INPROGRESS ("s1" 1200 1200)] Still working
        S: * ESEARCH (TAG "s1") UID COUNT 120
        S: s1 OK {…}
    """)


async def test_first_sort_of_a_big_mailbox_reports(box: ImapTranscript,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The first SORT loads every message's keys (the next is served from
    the key cache and says nothing)."""
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    first = await box.command("SORT RETURN (COUNT) (SUBJECT) UTF-8 ALL")
    assert reports(first) == [(first[-1].split()[0], "1200", "1200")]
    assert first[-2].endswith("COUNT 1200")
    again = await box.command("SORT RETURN (COUNT) (SUBJECT) UTF-8 ALL")
    assert reports(again) == []


async def test_copy_and_move_of_many(box: ImapTranscript,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A keepalive `("tag" NIL NIL)` while the one transaction runs; any
    report comes before the tagged reply, and the copy is whole."""
    monkeypatch.setattr(progress, "INTERVAL", 0.001)
    await box.command("CREATE Archive")
    for verb in ("COPY", "MOVE"):
        lines = await box.command(f"{verb} 1:* Archive")
        tag = lines[-1].split()[0]
        assert all(r == (tag, "NIL", "NIL") for r in reports(lines))
        assert "COPYUID" in " ".join(lines)
    status = await box.command("STATUS Archive (MESSAGES)")
    assert status[0] == '* STATUS "Archive" (MESSAGES 2400)'


async def test_step_is_rate_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[bytes] = []

    async def send(text: bytes) -> None:
        sent.append(text)

    slow = Progress("a1", send)  # INTERVAL 10 s: none of these is due
    for n in range(1, 50):
        await slow.step(n, 50)
    assert sent == []
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    await slow.step(70, 50)
    assert sent == [b'OK [INPROGRESS ("a1" 50 50)] Still working']  # done <= goal


async def test_keepalive_speaks_until_the_body_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic: the body waits for two keepalives, then ends; the
    ticker is stopped and awaited before the block exits."""
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    sent: list[bytes] = []
    two = asyncio.Event()

    async def send(text: bytes) -> None:
        sent.append(text)
        if len(sent) == 2:
            two.set()
        await asyncio.sleep(0)

    async with Progress("m1", send).keepalive():
        await asyncio.wait_for(two.wait(), 10)
    count = len(sent)
    await asyncio.sleep(0.01)
    assert len(sent) == count >= 2
    assert set(sent) == {b'OK [INPROGRESS ("m1" NIL NIL)] Still working'}
