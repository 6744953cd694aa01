"""CONDSTORE and QRESYNC (RFC 7162) on top of the store's one MODSEQ mechanism.

Every message record carries the MODSEQ of its last change and expunged
records stay as tombstones stamped with the MODSEQ of their expunge, so
CHANGEDSINCE, VANISHED (EARLIER) and a QRESYNC resync are answered from
the session's view (`SelectedMailbox`) and `Store.vanished_since`; nothing
here keeps state of its own.

Invariants:
- Nothing costs a session that never sent a CONDSTORE enabling command
  more than one set lookup per command (`Session.condstore`).
- VANISHED (EARLIER) names only UIDs the view does not hold: a message
  the client still sees (an expunge not yet announced among them) is
  never reported as long gone.
- VANISHED (EARLIER) is never short: tombstones are kept until
  `cyr_expire -X` purges them, and for a MODSEQ older than the newest
  purged one (the mailbox's `deletedmodseq`) it is computed from the live
  UIDs instead. The only shortening is the client's own seq-match data.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from roost.imap import commands as c
from roost.imap.selected import SelectedMailbox
from roost.imap.sequence import SequenceSet
from roost.imap.session import Session

FLUSH_EVERY = 2000
"""Resync FETCH lines queued between flushes (about 100 KB)."""


def highestmodseq_line(view: SelectedMailbox) -> bytes:
    """`OK [HIGHESTMODSEQ n]` (RFC 7162 §3.1.2.1), n as the client may hold it."""
    return b"OK [HIGHESTMODSEQ %d] Highest" % view.announced_modseq


def enable(s: Session) -> None:
    """A CONDSTORE enabling command ran (RFC 7162 §3.1).

    The first one with a mailbox selected tells its HIGHESTMODSEQ, before
    the command's own replies (RFC 7162 §3.1.3 Example 5).
    """
    if s.condstore:
        return
    s.enabled.add("CONDSTORE")
    if s.selected is not None:
        s.untagged(highestmodseq_line(s.selected))


def vanished_earlier(gone: SequenceSet) -> bytes:
    """`VANISHED (EARLIER) set` (RFC 7162 §3.2.10.1)."""
    return b"VANISHED (EARLIER) " + gone.render().encode("ascii")


async def vanished_among(s: Session, view: SelectedMailbox, since: int,
                         within: SequenceSet, floor: int = 0) -> SequenceSet | None:
    """UIDs of `within`, above `floor`, expunged after `since` and no longer
    in the view (RFC 7162 §3.2.6); None when there are none.

    While the store remembers every expunge after `since`, these are its
    tombstones; a `*` in `within` reaches the highest of them (`1:*` asks
    about every UID the client may hold). Once `cyr_expire -X` purged some
    (`Vanished.complete` False), RFC 7162 §3.2.6 has the server report every
    UID of `within` that is not in the mailbox: below the view's UIDNEXT
    (`*` is UIDNEXT-1) and not in the view, never a UID the client may
    still see.
    """
    vanished = await s.store.vanished_since(view.mailbox_id, since)
    if vanished.complete:
        gone = [uid for uid in vanished.uids if uid > floor and uid not in view.records]
        asked = list(within.members(gone)) if gone else []
        return SequenceSet.from_ids(asked) if asked else None
    spans = [(max(lo, floor + 1), min(hi, view.uidnext - 1))
             for lo, hi in within.resolve(view.uidnext - 1)]
    absent = list(absent_spans([(lo, hi) for lo, hi in spans if lo <= hi], view.uids))
    return SequenceSet(tuple(absent)) if absent else None


def absent_spans(spans: list[tuple[int, int]], present: list[int]) -> Iterator[tuple[int, int]]:
    """The parts of ascending disjoint `spans` holding no member of ascending
    `present`, as ranges: a mailbox that held millions of UIDs costs a
    walk of its live ones, never a list of every number."""
    for lo, hi in spans:
        at = bisect.bisect_left(present, lo)
        while lo <= hi:
            if at < len(present) and present[at] <= hi:
                if present[at] > lo:
                    yield lo, present[at] - 1
                lo = present[at] + 1
                at += 1
            else:
                yield lo, hi
                break


def _numbers(seqset: SequenceSet) -> Iterator[int]:
    """The members of a set without `*`, in the order written (lazily: a
    client may write 1:4294967295)."""
    for lo, hi in seqset.ranges:
        yield from range(lo, hi + 1) if lo <= hi else range(lo, hi - 1, -1)


def matched_floor(view: SelectedMailbox, match: tuple[SequenceSet, SequenceSet]) -> int:
    """The highest UID up to which the client's seq-match data agrees with
    the mailbox (RFC 7162 §3.2.5.2): pairs are taken in order until the
    first whose message number no longer holds that UID. Numbers only grow,
    so the walk ends by EXISTS whatever the sets say."""
    floor = 0
    for seq, uid in zip(_numbers(match[0]), _numbers(match[1])):
        if seq > view.exists or view.uids[seq - 1] != uid:
            break
        floor = uid
    return floor


def known_uids(view: SelectedMailbox, params: c.QResync) -> SequenceSet | None:
    """RFC 7162 §3.2.5.1: without known-uids, 1:(UIDNEXT-1); none in a
    mailbox that never held a message."""
    if params.known_uids is not None:
        return params.known_uids
    if view.uidnext <= 1:
        return None
    return SequenceSet(((1, view.uidnext - 1),))


async def resync(s: Session, view: SelectedMailbox, params: c.QResync) -> None:
    """The QRESYNC part of SELECT (RFC 7162 §3.2.5): VANISHED (EARLIER) of
    the known UIDs expunged since the client's MODSEQ, then the FETCH
    (UID FLAGS MODSEQ) of those changed since; nothing when UIDVALIDITY
    differs (the client starts over)."""
    known = known_uids(view, params)
    if params.uidvalidity != view.uidvalidity or known is None:
        return
    floor = matched_floor(view, params.seq_match) if params.seq_match else 0
    gone = await vanished_among(s, view, params.modseq, known, floor)
    if gone:
        s.untagged(vanished_earlier(gone))
    since = params.modseq
    changed = [uid for uid in known.members(view.uids) if view.records[uid].modseq > since]
    for n, uid in enumerate(changed, 1):
        s.untagged(view.fetch_flags_line(uid, True, True))
        if n % FLUSH_EVERY == 0:
            await s.flush()

