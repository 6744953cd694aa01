"""THREAD / UID THREAD (RFC 5256 §3, ORDEREDSUBJECT and REFERENCES).

The search part is SEARCH's (``handlers.search.matching_uids``); the
threading is ``roost.search.thread`` over `Item`s made from `SortKeys`
(``handlers.sort.load_keys``), on a thread for big mailboxes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from roost.imap import commands as c
from roost.imap.handlers.search import matching_uids
from roost.imap.handlers.sort import SORT_OFF_LOOP, load_keys
from roost.imap.session import Session
from roost.search import thread as t
from roost.search.sort import SortKeys, sent_time
from roost.store.api import MessageRecord

_ALGORITHMS = {"ORDEREDSUBJECT": t.ordered_subject, "REFERENCES": t.references}


def thread_items(uids: Sequence[int], records: Mapping[int, MessageRecord],
                 keys: Mapping[str, SortKeys], seq_of: Mapping[int, int]) -> list[t.Item]:
    """One `Item` per message whose keys are there, in sequence order."""
    items = []
    for uid in uids:
        record = records[uid]
        found = keys.get(record.blob)
        if found is None:
            continue  # expunged meanwhile: no longer matches, as in SEARCH
        items.append(t.Item(uid, seq_of[uid], sent_time(found, record), found.subject,
                            found.subject_is_reply, found.message_id, found.parents))
    return items


def thread_data(algorithm: str, uids: Sequence[int], records: Mapping[int, MessageRecord],
                keys: Mapping[str, SortKeys], seq_of: Mapping[int, int],
                by_uid: bool) -> bytes:
    """The whole untagged reply, ``THREAD`` and its thread-lists."""
    roots = _ALGORITHMS[algorithm](thread_items(uids, records, keys, seq_of))
    lists = t.render(roots, (lambda i: i.uid) if by_uid else (lambda i: i.seq))
    return b"THREAD " + lists if lists else b"THREAD"


async def thread(s: Session, cmd: c.Thread) -> None:
    view = s.mailbox
    uids = await matching_uids(s, cmd.query)
    keys = await load_keys(s, uids)
    records = {u: view.records[u] for u in uids}
    seq_of = {u: view.seq_of(u) for u in uids}
    args = (cmd.algorithm, uids, records, keys, seq_of, cmd.uid)
    if len(uids) > SORT_OFF_LOOP:
        s.untagged(await asyncio.to_thread(thread_data, *args))
    else:
        s.untagged(thread_data(*args))
