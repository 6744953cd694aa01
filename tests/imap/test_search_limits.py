"""Transcripts: SEARCH cost is bounded whatever the client sends.

Too many keys or too deep a nesting is BAD before anything is evaluated,
and the connection stays usable; a big but legal search over a populated
mailbox completes (bounded by pytest-timeout, never timed). The runner
yields to the event loop between batches.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from tests.harness.imap import ImapTranscript, RunningImap

from roost.imap.parse_search import MAX_DEPTH, MAX_KEYS
from roost.search import evaluate as ev
from roost.search import query as q
from roost.search.run import BATCH, search_uids
from roost.store.api import MessageRecord
from roost.store.names import user_inbox

COUNT = 3000


async def test_too_many_keys_is_bad_and_the_session_goes_on(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    many = " ".join(["1"] * (MAX_KEYS + 1))
    await imap.play(rf"""
        C: a1 SEARCH {many}
        S: a1 BAD {{…}}too many search keys (at most {MAX_KEYS}){{…}}
        C: a2 SEARCH {" ".join(["OR 1 2"] * (MAX_KEYS // 3))}
        S: * SEARCH 1 2
        S: a2 OK {{…}}
    """)


async def test_too_deep_is_bad_and_the_session_goes_on(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(rf"""
        C: a1 UID SEARCH {"NOT " * (MAX_DEPTH + 1)}ALL
        S: a1 BAD {{…}}nested too deeply (at most {MAX_DEPTH} levels){{…}}
        C: a2 UID SEARCH {"(" * 10}2{")" * 10}
        S: * SEARCH 2
        S: a2 OK {{…}}
    """)


@dataclass
class Crowded:
    imap: ImapTranscript
    flagged: list[int]  # message numbers
    from_carol: list[int]


@pytest.fixture
async def crowded(imap: ImapTranscript, imap_server: RunningImap) -> Crowded:
    """bob's INBOX: the 2 samples, then 3,000 more (appended in batches, so
    in no set order), every third flagged, every second from Carol. Selected."""
    inbox = await imap_server.mailbox_id(user_inbox("bob"))
    store = imap_server.ctx.store
    when = datetime(2024, 1, 1, tzinfo=UTC)
    for first in range(3, COUNT + 3, 500):
        await asyncio.gather(*(store.append(
            inbox, (f"From: {'carol' if n % 2 == 0 else 'dave'}@example.com\r\n"
                    f"Subject: message {n}\r\n\r\nbody {n}\r\n").encode(),
            flags=("\\Flagged",) if n % 3 == 0 else (), internaldate=when)
            for n in range(first, min(first + 500, COUNT + 3))))
    await imap.select("INBOX")
    records = await store.messages(inbox)
    carol = [("from", "carol@example.com") in (await store.parsed(r.blob)).headers_for_search
             for r in records]
    return Crowded(imap, [i + 1 for i, r in enumerate(records) if "\\Flagged" in r.flags],
                   [i + 1 for i, is_carol in enumerate(carol) if is_carol])


def _numbers(line: str) -> list[int]:
    assert line.startswith("* SEARCH"), line
    return [int(n) for n in line.split()[2:]]


@pytest.mark.timeout(120)
async def test_big_search_of_sequence_sets_completes(crowded: Crowded) -> None:
    """999 keys that a per-message evaluation would run 3 million times."""
    ors = MAX_KEYS // 3
    keys = " ".join(f"OR {i}:* FLAGGED" for i in range(1, ors + 1))
    lines = await crowded.imap.command("SEARCH " + keys)
    flagged = set(crowded.flagged)
    assert _numbers(lines[0]) == [n for n in range(1, COUNT + 3) if n >= ors or n in flagged]
    assert len(flagged) == COUNT // 3


@pytest.mark.timeout(120)
async def test_big_search_of_header_keys_completes(crowded: Crowded) -> None:
    """999 keys that each need the parse of every message."""
    ors = MAX_KEYS // 3
    keys = " ".join(f"OR SUBJECT nothing{i} FROM carol" for i in range(ors))
    lines = await crowded.imap.command("SEARCH " + keys)
    assert _numbers(lines[0]) == crowded.from_carol
    assert len(crowded.from_carol) == COUNT // 2


async def test_a_long_search_yields_to_the_event_loop() -> None:
    """Between batches the runner lets other tasks run (here: a counter)."""
    when = datetime(2024, 1, 1, tzinfo=UTC)
    facts = {uid: ev.Facts(MessageRecord(uid, 1, frozenset(), when, 10, str(uid)), False)
             for uid in range(1, 3 * BATCH + 1)}
    turns = 0
    done = False

    async def other_client() -> None:
        nonlocal turns
        while not done:
            turns += 1
            await asyncio.sleep(0)

    async def no_parse(records: object) -> dict[str, object]:
        raise AssertionError("record keys need no parse")

    async def no_text(record: object) -> None:
        raise AssertionError("record keys need no body")

    counter = asyncio.create_task(other_client())
    await asyncio.sleep(0)
    started = turns
    # Decided per message from the record, but not by the plan's sets (a
    # top-level OR with a decided side would be: roost.search.plan.certain).
    key = q.Not(q.And((q.Smaller(5), q.Body("x"))))
    found = await search_uids(key, facts, ev.Mailbox(now=when), no_parse, no_text)
    done = True
    await counter
    assert found == list(facts)
    assert turns - started >= 3
