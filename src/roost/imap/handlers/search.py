"""SEARCH / UID SEARCH (RFC 9051 §6.4.4, RFC 3501 §6.4.4), with ESEARCH
(RFC 4731), SEARCHRES (RFC 5182) and the MODSEQ key (RFC 7162 §3.1.5).

Evaluation is `roost.search.run` (a plan decided by set arithmetic, then
batches); this module supplies its loaders (parse-once cache, a batch per
store query as FETCH does; body text) and renders the reply. The parser
bounds the number of keys and their nesting (`parse_search.MAX_KEYS`,
`MAX_DEPTH`), so a command's cost is bounded whatever the client sends. The strings of the
query were decoded from the command's CHARSET by the parser, which also
refuses charsets it cannot decode; here they are plain text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from roost.imap import commands as c
from roost.imap.selected import SelectedMailbox
from roost.imap.sequence import SequenceSet
from roost.imap.session import Session
from roost.message import ParsedMessage, body_text, header_text
from roost.search import evaluate as ev
from roost.search import query as q
from roost.search.run import search_uids
from roost.store.api import MessageNotFound, MessageRecord


def scope(s: Session, key: q.Key) -> ev.Mailbox:
    """Resolve the UID and sequence-set keys against this session's view.

    Message numbers beyond EXISTS match nothing rather than fail: unlike
    FETCH, RFC 9051 §6.4.4 names no error for them.
    """
    view = s.mailbox
    box = ev.Mailbox(now=datetime.now(UTC))
    for item in ev.set_keys(key):
        box.sets[item] = frozenset(
            view.select_uids(item.sequence, isinstance(item, q.Uid), s.saved_search))
    return box


TEXT_OFF_LOOP = 1 << 20
"""Bodies above this size are decoded for TEXT/BODY on a thread: a MIME walk
and decode runs at about 200 MB/s (bench/mboxgen corpus), so 1 MiB is
~5 ms of the loop, where a thread hop (~0.1 ms) is cheap beside it."""


def message_text(raw: bytes, with_header: bool) -> ev.MessageText:
    """What TEXT and BODY search in (RFC 9051 §6.4.4): decoded, folded."""
    header = ev.fold(header_text(raw)) if with_header else ""
    return ev.MessageText(header, ev.fold(body_text(raw)))


async def matching_uids(s: Session, key: q.Key) -> list[int]:
    """The UIDs of the messages `key` matches, ascending."""
    view = s.mailbox
    box = scope(s, key)
    with_header = ev.any_key(key, (q.Text,))

    async def load_parsed(records: Sequence[MessageRecord]) -> Mapping[str, ParsedMessage]:
        return await s.store.parsed_many([r.blob for r in records])

    async def load_text(record: MessageRecord) -> ev.MessageText | None:
        try:
            raw = await s.store.body(record.blob)
        except MessageNotFound:
            return None
        if len(raw) > TEXT_OFF_LOOP:
            return await asyncio.to_thread(message_text, raw, with_header)
        return message_text(raw, with_header)

    facts = {uid: ev.Facts(view.records[uid], uid in view.recent) for uid in view.uids}
    return await search_uids(key, facts, box, load_parsed, load_text)


def saved_result(uids: list[int], returns: frozenset[str]) -> list[int]:
    """RFC 5182 §2.4: with MIN and/or MAX but neither ALL nor COUNT, only
    those messages are saved."""
    if not uids or returns & {"ALL", "COUNT"} or not returns & {"MIN", "MAX"}:
        return uids
    kept = {uids[0]} if "MIN" in returns else set()
    if "MAX" in returns:
        kept.add(uids[-1])
    return sorted(kept)


def esearch(tag: str, uid: bool, numbers: list[int], returns: frozenset[str],
            modseq: int | None) -> bytes:
    """`ESEARCH (TAG "t") [UID] MIN.. MAX.. COUNT.. ALL..` (RFC 4731 §3.1).

    With no match, MIN, MAX and ALL are left out; COUNT 0 stays.
    """
    parts = [b'ESEARCH (TAG "' + tag.encode("ascii", "replace") + b'")']
    if uid:
        parts.append(b"UID")
    if numbers and "MIN" in returns:
        parts.append(b"MIN %d" % numbers[0])
    if numbers and "MAX" in returns:
        parts.append(b"MAX %d" % numbers[-1])
    if "COUNT" in returns:
        parts.append(b"COUNT %d" % len(numbers))
    if numbers and "ALL" in returns:
        parts.append(b"ALL " + SequenceSet.from_ids(numbers).render().encode("ascii"))
    if modseq is not None and numbers:
        parts.append(b"MODSEQ %d" % modseq)
    return b" ".join(parts)


def _highest_modseq(view: SelectedMailbox, uids: list[int]) -> int:
    return max(view.records[u].modseq for u in uids)


async def search(s: Session, cmd: c.Search) -> None:
    view = s.mailbox
    returns = cmd.returns
    if returns is not None and "SAVE" in returns:
        s.saved_search = []  # RFC 5182 §2.1: a failed SEARCH leaves $ empty
    uids = await matching_uids(s, cmd.query)
    modseq = _highest_modseq(view, uids) if uids and ev.any_key(cmd.query, (q.ModSeq,)) else None
    numbers = uids if cmd.uid else [view.seq_of(u) for u in uids]
    if returns is None and not s.rev2:
        line = b" ".join([b"SEARCH", *(b"%d" % n for n in numbers)])
        if modseq is not None:
            line += b" (MODSEQ %d)" % modseq  # RFC 7162 §3.1.5
        s.untagged(line)
        return
    # RFC 9051 §6.4.4: under IMAP4rev2 a plain SEARCH is RETURN (ALL).
    returns = returns if returns is not None else frozenset({"ALL"})
    if "SAVE" in returns:
        s.saved_search = saved_result(uids, returns)
        if returns == {"SAVE"}:
            return  # RFC 5182 §2.4: SAVE alone sends no ESEARCH
    s.untagged(esearch(cmd.tag, cmd.uid, numbers, returns, modseq))
