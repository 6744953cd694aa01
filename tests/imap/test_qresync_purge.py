"""QRESYNC and sessions stay honest after `cyr_expire -X` purged tombstones.

RFC 7162 §3.2.6: a client whose MODSEQ is older than what the server
still remembers of its expunges must be told of every UID of its set that
is gone. A client caches a 60-message mailbox, another session expunges
a seeded batch, the tombstones are purged (the mailbox's deletedmodseq
rises past them), more are expunged; each resync is then checked UID by
UID against the truth (`UID SEARCH ALL`): the cached UIDs less those
VANISHED (EARLIER) must be exactly the live ones.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.harness.imap import ImapTranscript, RunningImap, connect, sample_message
from tests.imap.test_qresync_resync import highestmodseq, vanished

from roost.imap.condstore import absent_spans
from roost.imap.sequence import SequenceSet
from roost.store.api import MailboxRenamed

MESSAGES = 60


async def _live(imap: ImapTranscript) -> set[int]:
    lines = await imap.command("UID SEARCH ALL")
    return {int(n) for n in next(line for line in lines if line.startswith("* SEARCH"))
            .split()[2:]}


async def _expunge(imap: ImapTranscript, uids: list[int]) -> None:
    batch = ",".join(map(str, uids))
    await imap.command(f"UID STORE {batch} +FLAGS.SILENT (\\Deleted)")
    await imap.command(f"UID EXPUNGE {batch}")


async def _fill(server: RunningImap) -> None:
    box = await server.mailbox_id("user.bob")
    for n in range(3, MESSAGES + 1):
        await server.ctx.store.append(box, sample_message(n))


async def _purge(server: RunningImap) -> int:
    """cyr_expire -X 0: every tombstone so far (expunged before now)."""
    purged = await server.ctx.store.expire_expunged(datetime.now(UTC) + timedelta(seconds=1))
    return purged.tombstones


async def test_resync_before_and_after_a_purge_matches_the_truth(
        imap_server: RunningImap, imap: ImapTranscript, imap2: ImapTranscript) -> None:
    await _fill(imap_server)
    await imap.command("ENABLE QRESYNC")
    first = await imap.command("EXAMINE INBOX")
    uidvalidity = next(line for line in first if "UIDVALIDITY" in line).split()[3].rstrip("]")
    cached = await _live(imap)
    assert len(cached) == MESSAGES
    old_modseq = highestmodseq(first)
    await imap.command("UNSELECT")
    rng = random.Random(7162)
    await imap2.select("INBOX")
    early = sorted(rng.sample(sorted(cached), 12))
    await _expunge(imap2, early)

    before = await imap.command(f"EXAMINE INBOX (QRESYNC ({uidvalidity} {old_modseq}))")
    assert vanished(before) == set(early)  # tombstones still there: exactly those
    assert cached - vanished(before) == await _live(imap)
    await imap.command("UNSELECT")

    assert await _purge(imap_server) == len(early)
    status = await imap2.command("STATUS INBOX (HIGHESTMODSEQ)")
    line = next(line for line in status if line.startswith("* STATUS"))
    mid_modseq = int(line.split("HIGHESTMODSEQ ")[1].rstrip(")"))
    late = sorted(rng.sample(sorted(cached - set(early)), 7))
    await _expunge(imap2, late)
    truth = await _live(imap2)

    # From before the purge: every cached UID that is gone, worked out from the live ones.
    after = await imap.command(f"EXAMINE INBOX (QRESYNC ({uidvalidity} {old_modseq}))")
    assert vanished(after) == set(early) | set(late)
    assert cached - vanished(after) == truth == await _live(imap)
    await imap.command("UNSELECT")
    # With known UIDs, only those are answered for, and never a live one.
    known = await imap.command(
        f"EXAMINE INBOX (QRESYNC ({uidvalidity} {old_modseq} 1:30))")
    assert vanished(known) == {uid for uid in set(early) | set(late) if uid <= 30}
    # The same through UID FETCH (CHANGEDSINCE ... VANISHED).
    fetched = await imap.command(f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {old_modseq} VANISHED)")
    assert vanished(fetched) == set(early) | set(late)
    await imap.command("UNSELECT")
    # From after the purge the tombstones are complete again: just the late ones.
    since_purge = await imap.command(f"EXAMINE INBOX (QRESYNC ({uidvalidity} {mid_modseq}))")
    assert vanished(since_purge) == set(late)


async def test_a_session_that_slept_through_a_purge_is_told_every_expunge(
        imap_server: RunningImap, imap: ImapTranscript, imap2: ImapTranscript) -> None:
    """Its view is older than deletedmodseq: the store hands it the live
    UIDs, and the session announces what it holds that is not among them."""
    await _fill(imap_server)
    await imap.command("ENABLE QRESYNC")
    await imap.select("INBOX")
    await imap2.select("INBOX")
    doomed = [5, 9, 10, 11, 40]
    await _expunge(imap2, doomed)
    assert await _purge(imap_server) == len(doomed)
    lines = await imap.command("NOOP")
    assert "* VANISHED 5,9:11,40" in lines
    assert await _live(imap) == set(range(1, MESSAGES + 1)) - set(doomed)
    # A plain (no QRESYNC) session sees them as EXPUNGE, highest number first.
    plain = await connect(imap_server)
    try:
        await plain.select("INBOX")
        more = [20, 21]
        await _expunge(imap2, more)
        await _purge(imap_server)
        assert [line for line in await plain.command("NOOP") if "EXPUNGE" in line] == [
            "* 17 EXPUNGE", "* 16 EXPUNGE"]
    finally:
        await plain.close()


async def test_mailbox_changes_purged_still_reach_a_session(
        imap_server: RunningImap, imap: ImapTranscript, imap2: ImapTranscript) -> None:
    """-X purges rename and deletion records too: a session holding the
    mailbox from before learns the name it now has, and that it is gone."""
    store = imap_server.ctx.store
    await imap.command("CREATE Box")
    box = await imap_server.mailbox_id("user.bob.Box")
    before = (await store.get_mailbox("user.bob.Box")).highestmodseq
    await imap2.command("RENAME Box Moved")
    await _purge(imap_server)
    renamed = [c for c in await store.mailbox_changes_since(box, before)
               if isinstance(c, MailboxRenamed)]
    assert [c.name for c in renamed] == ["user.bob.Moved"]
    await imap.select("Moved")
    await imap2.command("DELETE Moved")
    await _purge(imap_server)
    assert "* BYE Selected mailbox was deleted, have to disconnect" in await imap.command("NOOP")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 200), st.integers(0, 30)), max_size=6),
       st.sets(st.integers(1, 240)))
def test_absent_ranges_are_the_set_difference(spans: list[tuple[int, int]],
                                              present: set[int]) -> None:
    """What a purged mailbox reports: the members of the asked ranges not
    live, as disjoint ascending ranges, never a live UID."""
    merged = SequenceSet(tuple((lo, lo + width) for lo, width in spans) or ((1, 1),)).resolve(0)
    got = list(absent_spans(merged, sorted(present)))
    asked = {n for lo, hi in merged for n in range(lo, hi + 1)}
    assert {n for lo, hi in got for n in range(lo, hi + 1)} == asked - present
    assert all(lo <= hi for lo, hi in got)
    assert all(a[1] < b[0] for a, b in pairwise(got))
