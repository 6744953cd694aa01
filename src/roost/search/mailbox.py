"""Search one mailbox of a store, through its full-text index when it has one.

What IMAP SEARCH, `roost search` and the tests share: the loaders of the
parse-once cache (a batch per store query, as FETCH does) and of the body
text, and the index narrowing (``roost.search.indexed``) before the run
(``roost.search.run``). The caller resolves UID and sequence-set keys
into ``box`` (the sets need a session's view).
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping, Sequence

from roost.message import ParsedMessage
from roost.search import evaluate as ev
from roost.search import query as q
from roost.search.index.api import FullTextIndex, Needle, Ranked
from roost.search.index.feed import owner_of
from roost.search.indexed import narrow, needles
from roost.search.run import LazyFacts, Progress, search_uids
from roost.search.text import body_text, header_text
from roost.store.api import MailboxInfo, MessageNotFound, MessageRecord, Store

TEXT_OFF_LOOP = 1 << 20
"""Bodies above this size are decoded for TEXT/BODY on a thread: a MIME walk
and decode runs at about 200 MB/s (bench/mboxgen corpus), so 1 MiB is
~5 ms of the loop, where a thread hop (~0.1 ms) is cheap beside it."""


def message_text(raw: bytes, with_header: bool) -> ev.MessageText:
    """What TEXT and BODY search in (RFC 9051 §6.4.4): decoded, folded."""
    header = ev.fold(header_text(raw)) if with_header else ""
    return ev.MessageText(header, ev.fold(body_text(raw)))


async def indexed(index: FullTextIndex | None, info: MailboxInfo,
                  records: Mapping[int, MessageRecord], uids: Sequence[int],
                  key: q.Key) -> q.Key:
    """`key` narrowed by the mailbox owner's index, meaning the same (FUZZY
    keys: more, roost.search.indexed); as it is when there is no usable
    index or no text key."""
    wanted = needles(key)
    if index is None or not wanted:
        return key
    answer = await index.lookup(owner_of(info), info.id, wanted)
    if answer is None:
        return key
    key = as_fuzzy(index, key)
    return narrow(key, answer, records, uids, await ranks(index, info, key))


def as_fuzzy(index: FullTextIndex, key: q.Key) -> q.Key:
    """`key` as the index is to read it: with `search_fuzzy_always` every
    text key is FUZZY (RFC 6203; Cyrus's option), non-text keys under it
    still matching exactly (§5)."""
    return q.Fuzzy(key) if index.fuzzy_always else key


async def ranks(index: FullTextIndex, info: MailboxInfo, key: q.Key) -> dict[Needle, Ranked]:
    """The index's ranking of each needle under FUZZY in `key`."""
    ranked = {}
    for needle in needles(key, fuzzy=True):
        found = await index.fuzzy(owner_of(info), info.id, needle)
        if found is not None:
            ranked[needle] = found
    return ranked


async def relevancy(index: FullTextIndex | None, info: MailboxInfo, key: q.Key,
                    uids: Sequence[int]) -> list[int]:
    """RFC 6203 §4 scores (1..100) of matched `uids`: the best the index
    gives the message for any FUZZY needle; 1 where it gave none (not yet
    indexed, or matched only as a substring inside a word)."""
    ranked = {} if index is None else await ranks(index, info, as_fuzzy(index, key))
    return [max((r.scores.get(u, 1) for r in ranked.values()), default=1) for u in uids]


async def search_mailbox(store: Store, index: FullTextIndex | None, info: MailboxInfo,
                         records: Mapping[int, MessageRecord], uids: Sequence[int],
                         key: q.Key, box: ev.Mailbox,
                         recent: Collection[int] = (), progress: Progress | None = None
                         ) -> list[int]:
    """The UIDs among `uids` (ascending, keys of `records`) that `key`
    matches, ascending; the same whatever state the index is in."""
    with_header = ev.any_key(key, (q.Text,))
    key = await indexed(index, info, records, uids, key)

    async def load_parsed(batch: Sequence[MessageRecord]) -> Mapping[str, ParsedMessage]:
        return await store.parsed_many([r.blob for r in batch])

    async def load_text(record: MessageRecord) -> ev.MessageText | None:
        try:
            raw = await store.body(record.blob)
        except MessageNotFound:
            return None
        if len(raw) > TEXT_OFF_LOOP:
            return await asyncio.to_thread(message_text, raw, with_header)
        return message_text(raw, with_header)

    facts = LazyFacts(records, uids, recent)
    return await search_uids(key, facts, box, load_parsed, load_text, progress)
