"""SORT / UID SORT (RFC 5256 §3) with ESORT's RETURN (RFC 5267 §3) and the
DISPLAYFROM / DISPLAYTO keys (RFC 5957 §3).

The search part is SEARCH's (``handlers.search.matching_uids``); the order
is ``roost.search.sort`` over the parse cache, loaded a batch at a time
and, for big mailboxes, computed on a thread so that other sessions of the
worker keep being served.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from roost.imap import commands as c
from roost.imap.handlers.search import esearch, matching_uids
from roost.imap.session import Session
from roost.message import ParsedMessage
from roost.search.sort import needs_parse, sort_uids

LOAD_BATCH = 2000
"""Parses loaded per store call; the loop is yielded to between calls."""
SORT_OFF_LOOP = 5000
"""Above this many messages the ordering runs on a thread: casemapping and
sorting 100,000 keys takes ~0.3 s, far beyond a thread hop's cost."""


async def load_parses(s: Session, uids: Sequence[int]) -> dict[str, ParsedMessage]:
    """The parse-once summaries of `uids` in the selected mailbox, by blob."""
    view = s.mailbox
    parses: dict[str, ParsedMessage] = {}
    for start in range(0, len(uids), LOAD_BATCH):
        blobs = [view.records[u].blob for u in uids[start:start + LOAD_BATCH]]
        parses.update(await s.store.parsed_many(blobs))
        await asyncio.sleep(0)
    return parses


def render_sorted_set(numbers: Sequence[int]) -> str:
    """RFC 5267 §3.2: a sequence-set in sort order, ranges only where the
    numbers rise by one (10:12, never 12:10)."""
    parts: list[str] = []
    start = 0
    for index in range(1, len(numbers) + 1):
        if index < len(numbers) and numbers[index] == numbers[index - 1] + 1:
            continue
        first, last = numbers[start], numbers[index - 1]
        parts.append(str(first) if first == last else f"{first}:{last}")
        start = index
    return ",".join(parts)


def esort(tag: str, uid: bool, numbers: list[int], returns: frozenset[str]) -> bytes:
    """SEARCH's ESEARCH reply with ESORT's meanings (RFC 5267 §3.1): MIN
    and MAX are the first and last in sort order, which is what the
    ESEARCH renderer reads them as; ALL keeps the sort order."""
    line = esearch(tag, uid, numbers, returns - {"ALL"}, None)
    if numbers and "ALL" in returns:
        line += b" ALL " + render_sorted_set(numbers).encode("ascii")
    return line


async def sort(s: Session, cmd: c.Sort) -> None:
    view = s.mailbox
    uids = await matching_uids(s, cmd.query)
    parses = await load_parses(s, uids) if needs_parse(cmd.criteria) else {}
    records = {u: view.records[u] for u in uids}
    if len(uids) > SORT_OFF_LOOP:
        ordered = await asyncio.to_thread(sort_uids, uids, records, parses, cmd.criteria)
    else:
        ordered = sort_uids(uids, records, parses, cmd.criteria)
    numbers = ordered if cmd.uid else [view.seq_of(u) for u in ordered]
    if cmd.returns is None:
        s.untagged(b" ".join([b"SORT", *(b"%d" % n for n in numbers)]))
    else:
        s.untagged(esort(cmd.tag, cmd.uid, numbers, cmd.returns))
