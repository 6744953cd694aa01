"""Run a query over a mailbox: plan once, then decide messages in batches.

The record-only parts of the query are decided for every message at once
(``roost.search.plan``); the messages still undecided get their parse-once
summaries in one load per batch (as FETCH does), then their body text one
by one, and only while the answer is unknown (``evaluate``'s three-valued
logic). Between batches the run yields to the event loop, so one long
SEARCH never keeps a worker's other sessions waiting.

Nothing here touches the store; the caller passes the loaders.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Iterator, Mapping, Sequence

from roost.message import ParsedMessage
from roost.search import query as q
from roost.search.evaluate import PARSED_KEYS, Facts, Mailbox, MessageText, any_key, evaluate
from roost.search.plan import candidates, certain, plan
from roost.store.api import MessageRecord

BATCH = 500  # messages decided between two yields to the event loop

#: Parses of many records at once, by blob; a message gone is left out.
ParsedManyLoader = Callable[[Sequence[MessageRecord]], Awaitable[Mapping[str, ParsedMessage]]]
#: Body text of one record; None when the message is gone.
TextLoader = Callable[[MessageRecord], Awaitable[MessageText | None]]
#: Told (messages decided, messages to decide) between batches.
Progress = Callable[[int, int], Awaitable[None]]


class LazyFacts(Mapping[int, Facts]):
    """The facts of a mailbox's messages, each made the first time it is
    asked for (and kept: the run fills in parses and texts). A plan that
    set arithmetic decides alone, as an index answer makes of BODY and
    TEXT, never builds one: at 100,000 messages building them all cost
    150-250 ms, more than the index lookup (docs/search.md, "Speed")."""

    def __init__(self, records: Mapping[int, MessageRecord], uids: Sequence[int],
                 recent: Collection[int]) -> None:
        self._records = records
        self._uids = uids
        self._recent = recent
        self._made: dict[int, Facts] = {}

    def __getitem__(self, uid: int) -> Facts:
        made = self._made.get(uid)
        if made is None:
            made = self._made[uid] = Facts(self._records[uid], uid in self._recent)
        return made

    def __iter__(self) -> Iterator[int]:
        return iter(self._uids)

    def __len__(self) -> int:
        return len(self._uids)

    def __contains__(self, uid: object) -> bool:
        return uid in self._records


async def search_uids(key: q.Key, facts: Mapping[int, Facts], box: Mailbox,
                      load_parsed: ParsedManyLoader, load_text: TextLoader,
                      progress: Progress | None = None) -> list[int]:
    """The UIDs among `facts` (ascending keys) that `key` matches, ascending.

    A message whose parse or body is gone (expunged meanwhile) does not match.
    `progress(done, goal)` is awaited after each batch (IMAP INPROGRESS).
    """
    sure, rest = certain(plan(key, facts, box))
    if rest is None:
        return sorted(sure)
    planned = rest
    only = candidates(planned)
    uids = [u for u in facts if (only is None or u in only) and u not in sure]
    wants_parsed = any_key(planned, PARSED_KEYS)
    # With no Matched part left, nothing is decided before a load: skip that pass.
    record_decides = any_key(planned, (q.Matched,))
    found: list[int] = list(sure)
    for start in range(0, len(uids), BATCH):
        undecided = [facts[u] for u in uids[start:start + BATCH]]
        if record_decides:
            undecided = _decide(planned, undecided, box, found)
        if undecided and wants_parsed:
            parses = await load_parsed([f.record for f in undecided])
            for f in undecided:
                f.parsed = parses.get(f.record.blob)
            undecided = _decide(planned, [f for f in undecided if f.parsed is not None],
                                box, found)
        for f in undecided:
            f.text = await load_text(f.record)
            if f.text is not None and evaluate(planned, f, box) is True:
                found.append(f.record.uid)
        if progress is not None:
            await progress(min(start + BATCH, len(uids)), len(uids))
        await asyncio.sleep(0)  # let the worker's other sessions in
    return sorted(found)


def _decide(key: q.Key, batch: list[Facts], box: Mailbox, found: list[int]) -> list[Facts]:
    """Add the matches of `batch` to `found`; return the still undecided."""
    undecided = []
    for f in batch:
        verdict = evaluate(key, f, box)
        if verdict is True:
            found.append(f.record.uid)
        elif verdict is None:
            undecided.append(f)
    return undecided
