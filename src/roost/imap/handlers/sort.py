"""SORT / UID SORT (RFC 5256 §3) with ESORT's RETURN (RFC 5267 §3) and the
DISPLAYFROM / DISPLAYTO keys (RFC 5957 §3).

The search part is SEARCH's (``handlers.search.matching_uids``); the order
is ``roost.search.sort`` over `SortKeys` (the worker's `KEYS`, else the
parse cache a batch at a time) and, for big mailboxes, computed on a thread so that other sessions of the
worker keep being served.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from roost.imap import commands as c
from roost.imap import contexts
from roost.imap.handlers.search import (
    esearch,
    follow_up,
    highest_modseq,
    matching_uids,
    returned_uids,
    start_updates,
)
from roost.imap.partial import PartialRange
from roost.imap.progress import Progress, for_command
from roost.imap.sequence import render_in_order
from roost.imap.session import Session
from roost.search import evaluate as ev
from roost.search import query as q
from roost.search.sort import Criterion, KeyCache, SortKeys, needs_parse, sort_keys, sort_uids

LOAD_BATCH = 2000
"""Parses loaded per store call; the loop is yielded to between calls."""
SORT_OFF_LOOP = 5000
"""Above this many messages the ordering runs on a thread: sorting 100,000
keys takes ~0.3 s, far beyond a thread hop's cost."""
KEYS = KeyCache(200_000)
"""The worker's `SortKeys` by blob (a few hundred bytes each)."""


async def load_keys(s: Session, uids: Sequence[int],
                    progress: Progress | None = None) -> dict[str, SortKeys]:
    """The `SortKeys` of `uids` in the selected mailbox, by blob: from the
    cache, else from the parse cache a batch at a time (a message gone
    meanwhile is left out). The first SORT of a big mailbox loads many:
    `progress` hears of each batch (RFC 9585)."""
    view = s.mailbox
    found: dict[str, SortKeys] = {}
    missing: list[str] = []
    for uid in uids:
        blob = view.records[uid].blob
        cached = KEYS.get(blob)
        if cached is None:
            missing.append(blob)
        else:
            found[blob] = cached
    for start in range(0, len(missing), LOAD_BATCH):
        parses = await s.store.parsed_many(missing[start:start + LOAD_BATCH])
        for blob, parsed in parses.items():
            found[blob] = keys = sort_keys(parsed)
            KEYS.put(blob, keys)
        if progress is not None:
            await progress.step(start + LOAD_BATCH, len(missing))
        await asyncio.sleep(0)
    return found


def esort(tag: str, uid: bool, numbers: list[int], returns: frozenset[str],
          modseq: int | None, partial: PartialRange | None = None) -> bytes:
    """SEARCH's ESEARCH reply with ESORT's meanings (RFC 5267 §3.1): MIN
    and MAX are the first and last in sort order, which is what the
    ESEARCH renderer reads them as; ALL keeps the sort order, and so does
    PARTIAL's page, counted in sort order (RFC 9394 §3.1, RFC 5267 §4.4)."""
    line = esearch(tag, uid, numbers, returns - {"ALL"}, None)
    if numbers and "ALL" in returns:
        line += b" ALL " + render_in_order(numbers).encode("ascii")
    if partial is not None:
        page = partial.pick(numbers)
        found = render_in_order(page).encode("ascii") if page else b"NIL"
        line += b" PARTIAL (" + partial.render() + b" " + found + b")"
    if modseq is not None:
        line += b" MODSEQ %d" % modseq
    return line


async def in_order(s: Session, criteria: tuple[Criterion, ...], uids: list[int],
                   progress: Progress | None = None) -> list[int]:
    """`uids` (ascending) in the order `criteria` give (RFC 5256 §3)."""
    view = s.mailbox
    keys = await load_keys(s, uids, progress) if needs_parse(criteria) else {}
    records = {u: view.records[u] for u in uids}
    if len(uids) > SORT_OFF_LOOP:
        return await asyncio.to_thread(sort_uids, uids, records, keys, criteria)
    return sort_uids(uids, records, keys, criteria)


async def sort(s: Session, cmd: c.Sort) -> None:
    progress = for_command(s, cmd.tag)
    update = cmd.returns is not None and "UPDATE" in cmd.returns
    if update:
        contexts.refuse_reused_tag(s.contexts, cmd.tag)
    box, matches = follow_up(s, cmd.query)
    uids = await matching_uids(s, cmd.query, progress, box)
    ordered = await in_order(s, cmd.criteria, uids, progress)
    reply(s, cmd, ordered)
    if update:  # RFC 5267 §4.3.1: NOUPDATE follows the results

        async def order(among: list[int]) -> list[int]:
            return await in_order(s, cmd.criteria, sorted(among))

        start_updates(s, contexts.UpdateContext(cmd.tag, cmd.uid, matches, order, ordered))


def reply(s: Session, cmd: c.Sort, ordered: list[int]) -> None:
    """The untagged SORT or ESEARCH reply of `ordered`, the sorted matches."""
    view = s.mailbox
    numbers = ordered if cmd.uid else [view.seq_of(u) for u in ordered]
    # RFC 7162 §3.1.5: with a MODSEQ key, SORT tells the highest mod-sequence
    # of the messages it returns (RFC 4731 §3.2 for ESORT's MIN and MAX).
    with_modseq = bool(ordered) and ev.any_key(cmd.query, (q.ModSeq,))
    if cmd.returns is not None:
        returned = returned_uids(ordered, cmd.returns, cmd.partial)
        modseq = highest_modseq(view, returned) if with_modseq and returned else None
        s.untagged(esort(cmd.tag, cmd.uid, numbers, cmd.returns, modseq, cmd.partial))
        return
    modseq = highest_modseq(view, ordered) if with_modseq else None
    line = b" ".join([b"SORT", *(b"%d" % n for n in numbers)])
    s.untagged(line if modseq is None else line + b" (MODSEQ %d)" % modseq)
