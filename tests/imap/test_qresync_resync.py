"""A QRESYNC resync after 1,000 flag changes and 100 expunges, checked
message by message against a full fetch (RFC 7162 §3.2.5, §6).

A client caches a 400-message mailbox (UID, FLAGS, MODSEQ) and goes
away; another session makes seeded random changes (flags added, removed
and replaced, keywords among them, and expunges in batches between them)
and delivers new mail. The client comes back with SELECT (QRESYNC ...),
applies VANISHED (EARLIER) and the FETCH replies to its cache, fetches
the new messages by UID, and must then hold exactly what a full
`UID FETCH 1:* (FLAGS)` says, with a HIGHESTMODSEQ that a second resync
from it finds nothing after.
"""

from __future__ import annotations

import random
import re

import pytest
from tests.harness.imap import ImapTranscript, RunningImap, connect, sample_message

MESSAGES = 400
FLAG_CHANGES = 1000
EXPUNGES = 100
NEW = 10
FLAGS = ("\\Seen", "\\Flagged", "\\Answered", "\\Draft", "$Work", "$Junk", "NonJunk")
_FETCH = re.compile(r"\* \d+ FETCH \((.*)\)$")
_UID = re.compile(r"\bUID (\d+)")
_FLAGS = re.compile(r"\bFLAGS \(([^)]*)\)")
_MODSEQ = re.compile(r"\bMODSEQ \((\d+)\)")

Cache = dict[int, frozenset[str]]


def fetched(lines: list[str]) -> Cache:
    """UID -> flags (\\Recent left out: it is session state) of FETCH replies."""
    found: Cache = {}
    for line in lines:
        m = _FETCH.match(line)
        if m is None:
            continue
        uid, flags = _UID.search(m.group(1)), _FLAGS.search(m.group(1))
        assert uid is not None and flags is not None, line
        found[int(uid.group(1))] = frozenset(flags.group(1).split()) - {"\\Recent"}
    return found


def vanished(lines: list[str]) -> set[int]:
    """The UIDs of every VANISHED (EARLIER) reply."""
    uids: set[int] = set()
    for line in lines:
        if line.startswith("* VANISHED (EARLIER) "):
            for item in line.removeprefix("* VANISHED (EARLIER) ").split(","):
                lo, _, hi = item.partition(":")
                uids.update(range(int(lo), int(hi or lo) + 1))
    return uids


def highestmodseq(lines: list[str]) -> int:
    return int(next(line for line in lines if "[HIGHESTMODSEQ " in line)
               .split("[HIGHESTMODSEQ ")[1].split("]")[0])


async def _change(other: ImapTranscript, uids: list[int], rng: random.Random) -> None:
    """FLAG_CHANGES STOREs and EXPUNGES expunges, interleaved in ten rounds."""
    for round_ in range(10):
        for _ in range(FLAG_CHANGES // 10):
            uid = rng.choice(uids)
            mode = rng.choice(("+", "-", ""))
            flags = " ".join(rng.sample(FLAGS, rng.randint(1, 3)))
            await other.command(f"UID STORE {uid} {mode}FLAGS.SILENT ({flags})")
        doomed = rng.sample(uids, EXPUNGES // 10)
        for uid in doomed:
            uids.remove(uid)
        batch = ",".join(map(str, doomed))
        await other.command(f"UID STORE {batch} +FLAGS.SILENT (\\Deleted)")
        await other.command(f"UID EXPUNGE {batch}")
        if round_ == 4:  # a message flagged \Deleted but kept (no EXPUNGE of it)
            await other.command(f"UID STORE {uids[0]} +FLAGS.SILENT (\\Deleted)")


@pytest.mark.timeout(300)
async def test_qresync_after_many_changes_matches_a_full_fetch(
        imap_server: RunningImap, imap: ImapTranscript, imap2: ImapTranscript) -> None:
    store = imap_server.ctx.store
    box = await imap_server.mailbox_id("user.bob")
    for n in range(3, MESSAGES + 1):
        await store.append(box, sample_message(n), flags=("\\Seen",) if n % 3 else ())
    await imap.command("ENABLE QRESYNC")
    first = await imap.command("EXAMINE INBOX")
    uidvalidity = int(next(line for line in first if "UIDVALIDITY" in line)
                      .split("UIDVALIDITY ")[1].split("]")[0])
    cache = fetched(await imap.command("UID FETCH 1:* (FLAGS)"))
    assert len(cache) == MESSAGES
    known_modseq = highestmodseq(first)
    await imap.command("UNSELECT")

    rng = random.Random(7162)
    await imap2.select("INBOX")
    await _change(imap2, sorted(cache), rng)
    for n in range(NEW):
        await store.append(box, sample_message(1000 + n))

    lines = await imap.command(f"SELECT INBOX (QRESYNC ({uidvalidity} {known_modseq}))")
    gone = vanished(lines)
    assert len(gone) == EXPUNGES
    assert gone <= set(cache)
    changes = fetched(lines)
    # Without known UIDs the client means 1:(UIDNEXT-1): new mail is in it.
    assert changes and not set(changes) & gone
    for line in lines:  # RFC 7162 §3.2.5.1: every resync FETCH names UID and MODSEQ
        if _FETCH.match(line):
            assert _UID.search(line) and _MODSEQ.search(line), line
    for uid in gone:
        del cache[uid]
    cache.update(changes)
    cache.update(fetched(await imap.command(f"UID FETCH {max(cache) + 1}:* (FLAGS)")))

    truth = fetched(await imap.command("UID FETCH 1:* (FLAGS)"))
    assert sorted(cache) == sorted(truth)
    wrong = {uid: (cache[uid], truth[uid]) for uid in truth if cache[uid] != truth[uid]}
    assert not wrong

    # From the HIGHESTMODSEQ the resync gave, nothing is left to learn.
    again = await imap.command(f"EXAMINE INBOX (QRESYNC ({uidvalidity} {highestmodseq(lines)}))")
    assert not vanished(again) and not fetched(again)


async def test_resync_with_known_uids_and_seq_match_data(
        imap_server: RunningImap, imap: ImapTranscript) -> None:
    """The same check for a client that names its UIDs and a sample of
    message numbers (RFC 7162 §3.2.5.2): the answer for them is the same."""
    store = imap_server.ctx.store
    box = await imap_server.mailbox_id("user.bob")
    for n in range(3, 101):
        await store.append(box, sample_message(n))
    await imap.command("ENABLE QRESYNC")
    first = await imap.command("SELECT INBOX")
    uidvalidity = int(next(line for line in first if "UIDVALIDITY" in line)
                      .split("UIDVALIDITY ")[1].split("]")[0])
    known_modseq = highestmodseq(first)
    cache = fetched(await imap.command("UID FETCH 1:* (FLAGS)"))
    await imap.command("UNSELECT")
    other = await connect(imap_server)
    try:
        await other.select("INBOX")
        await _change(other, sorted(cache), random.Random(5162))
    finally:
        await other.close()
    uids = sorted(cache)
    sample = (f"({','.join(str(n) for n in range(1, 101, 10))} "
              f"{','.join(str(uids[n - 1]) for n in range(1, 101, 10))})")
    lines = await imap.command(
        f"SELECT INBOX (QRESYNC ({uidvalidity} {known_modseq} 1:100 {sample}))")
    for uid in vanished(lines):
        del cache[uid]
    cache.update(fetched(lines))
    assert cache == fetched(await imap.command("UID FETCH 1:* (FLAGS)"))
