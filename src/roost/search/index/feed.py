"""The indexer: follows the store and adds what the index lacks.

It needs no hook in delivery or APPEND: a mailbox's UIDs only grow, so
comparing UIDNEXT with the index's mark for the mailbox says exactly what
is new, and the messages above the mark are read, extracted and added in
batches (`search_batchsize` messages, at most BATCH_BYTES of mail), each
batch with its new mark in one index transaction. Run by `roost squatter`
once, or in rolling mode (`-R`, Cyrus's daemon: a cyrus.conf EVENTS or
DAEMON entry) polling the list every `ROLL_INTERVAL` seconds, in its own
process: the server's event loops never do this work, so no 250 or APPEND
OK waits for it.

Invariant: a mark moves only past UIDs whose bodies are in the index (or
that were expunged): the UIDs of a batch are the live ones at or below
it, read after the mailbox's UIDNEXT.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from roost.search.index.api import SHARED, Document, FullTextIndex
from roost.search.index.extract import Extractor, document
from roost.store.api import MailboxInfo, MessageNotFound, MessageRecord, Store, StoreCorrupt

log = logging.getLogger(__name__)

ROLL_INTERVAL = 1.0
"""Seconds from the start of one look at the mailbox list to the next in
rolling mode (or till the end of a longer pass): new mail is indexed about
this long after a burst of it ends, and searched directly till then."""

BATCH_BYTES = 64 << 20
"""Bytes of mail above which a batch ends before `search_batchsize`
messages: what one batch holds in memory (raw bodies and their text)
stays bounded whatever the messages' sizes."""

ROLL_DEFER = 10.0
"""Seconds the rolling indexer may put a pass off while mail keeps arriving.
Why: any work beside delivery slows it on a small machine, whatever its
priority (on two cores a SCHED_IDLE busy loop cost delivery 13-15%, as
much as indexing alongside it), so the indexer takes the lulls between
bursts; under a stream that never pauses it still indexes every `defer`
seconds. Meanwhile what is not indexed is searched directly (the same
answers, slower)."""

RECLAIM_INTERVAL = 300.0
"""Seconds between two reclaims in rolling mode: each reads every message
record of the mailboxes, so it is not done every pass; what waits costs
space, never an answer (lookups meet the mailbox's live UIDs)."""


#: Which of the listed mailboxes to index (`squatter -a`); the rest are
#: left to the scan, which answers the same.
Choose = Callable[[Sequence[MailboxInfo]], Awaitable[list[MailboxInfo]]]


def batches(records: Sequence[MessageRecord], count: int,
            size: int = BATCH_BYTES) -> list[Sequence[MessageRecord]]:
    """`records` cut into index transactions of at most `count` messages
    and about `size` bytes of mail (a message larger than that alone); one
    empty batch when there are none, to move the mark past expunged UIDs."""
    parts: list[Sequence[MessageRecord]] = []
    start = taken = 0
    for at, record in enumerate(records):
        if at > start and (at - start == count or taken + record.size > size):
            parts.append(records[start:at])
            start, taken = at, 0
        taken += record.size
    parts.append(records[start:])
    return parts


def owner_of(info: MailboxInfo) -> str:
    """Whose index a mailbox's messages go to."""
    return info.owner if info.owner is not None else SHARED


@dataclass
class Progress:
    """What one pass did, for -v and the benchmarks."""

    mailboxes: int = 0
    messages: int = 0
    bodies: int = 0


@dataclass
class Reclaimed:
    """What one reclaim took out: bodies no message holds, and of those
    the ones whose text left the index with them."""

    bodies: int = 0
    texts: int = 0


class Indexer:
    """Feeds `index` from `store`; one task at a time."""

    def __init__(self, store: Store, index: FullTextIndex, batch: int = 500,
                 extractor: Extractor | None = None,
                 report: Callable[[str], None] | None = None,
                 choose: Choose | None = None) -> None:
        self.store = store
        self.index = index
        self.batch = max(1, batch)
        self.extractor = extractor
        self.report = report
        self.choose = choose
        """None: every mailbox listed is indexed."""
        self._reclaimed_at: dict[int, int] = {}
        """Each mailbox's HIGHESTMODSEQ at its last reclaim: an expunge raises
        it (RFC 7162 §3.1), so a mailbox still at that value has nothing to
        reclaim and its messages are not read again."""

    async def mailbox(self, info: MailboxInfo, mark: int, progress: Progress, *,
                      rebuild: bool = False) -> None:
        """Index what the mailbox has above `mark`, its mark in the owner's
        index (with `rebuild`: 0, into the index being rebuilt)."""
        top = info.uidnext - 1
        if top <= mark:
            return
        owner = owner_of(info)
        records = [r for r in await self.store.messages(info.id) if r.uid > mark]
        progress.mailboxes += 1
        parts = batches(records, self.batch)
        for number, part in enumerate(parts, 1):
            # The last batch also covers the expunged UIDs up to UIDNEXT - 1.
            upto = max(top, part[-1].uid if part else 0) if number == len(parts) \
                else part[-1].uid
            docs = await self._documents(owner, part, rebuild)
            places = [(r.uid, r.blob) for r in part]
            await asyncio.to_thread(self.index.add, owner, info.id, upto, docs, places,
                                    rebuild=rebuild)
            progress.messages += len(part)
            progress.bodies += len(docs)
        if self.report is not None:
            self.report(f"{info.name}: indexed {len(records)} messages up to UID {top}")

    async def _documents(self, owner: str, records: Sequence[MessageRecord],
                         rebuild: bool) -> list[Document]:
        """Documents of the bodies the owner's index lacks. Bodies gone
        meanwhile (expunged everywhere) are left out; a body the store
        cannot read (StoreCorrupt) is kept as unindexable, so its messages
        are searched directly and fail there as they would unindexed."""
        blobs = list(dict.fromkeys(r.blob for r in records))
        known = await asyncio.to_thread(self.index.known, owner, blobs, rebuild=rebuild)
        docs, broken = await self._extract([b for b in blobs if b not in known])
        return docs + [Document(b, "", "", "", exact=False) for b in broken]

    async def _extract(self, wanted: Sequence[str]) -> tuple[list[Document], list[str]]:
        """Documents of the bodies still in the store, and those it cannot read."""
        try:
            parses = dict(await self.store.parsed_many(wanted))
        except StoreCorrupt:  # one bad body: ask for each, to know which
            parses = {}
            for blob in wanted:
                with contextlib.suppress(MessageNotFound, StoreCorrupt):
                    parses[blob] = await self.store.parsed(blob)
        raws, broken = {}, []
        for blob in wanted:
            try:
                raw = await self.store.body(blob)
            except MessageNotFound:
                continue
            except StoreCorrupt:
                broken.append(blob)
                continue
            if blob in parses:
                raws[blob] = raw
            else:
                broken.append(blob)
        extractor = self.extractor
        docs = await asyncio.to_thread(
            lambda: [document(b, raw, parses[b], extractor) for b, raw in raws.items()])
        return docs, broken

    async def reclaim(self, infos: Sequence[MailboxInfo]) -> Reclaimed:
        """Take out of the owners' indexes what they hold of messages
        expunged from `infos` and of their owners' deleted mailboxes, with
        no rebuild (`squatter -i`, and the rolling indexer now and then).
        A body no message holds any more loses its text too when the store
        still has it (the engine deletes by repeating it); else its text
        stays unreachable until a rebuild. Only UIDs below the UIDNEXT read
        before the messages are dropped: mail arriving meanwhile is never
        taken for expunged. A mailbox unchanged since this indexer last
        reclaimed it is passed over (the rolling indexer does this every
        RECLAIM_INTERVAL over every mailbox)."""
        done = Reclaimed()
        alive = {i.id for i in await self.store.list_mailboxes()}
        for owner in dict.fromkeys(owner_of(i) for i in infos):
            marks = await asyncio.to_thread(self.index.marks, owner)
            named = {i.id: i for i in infos if owner_of(i) == owner}
            orphans: list[str] = []
            for mailbox_id in marks:
                if mailbox_id not in alive:
                    orphans += await asyncio.to_thread(self.index.drop_places, owner,
                                                       mailbox_id, (), None)
                elif mailbox_id in named and \
                        self._reclaimed_at.get(mailbox_id) != named[mailbox_id].highestmodseq:
                    below = named[mailbox_id].uidnext
                    live = {r.uid for r in await self.store.messages(mailbox_id)}
                    orphans += await asyncio.to_thread(self.index.drop_places, owner,
                                                       mailbox_id, live, below)
                    self._reclaimed_at[mailbox_id] = named[mailbox_id].highestmodseq
            docs, _ = await self._extract(list(dict.fromkeys(orphans)))
            done.bodies += len(set(orphans))
            done.texts += await asyncio.to_thread(self.index.forget, owner, orphans, docs)
        return done

    async def mailboxes(self, infos: Sequence[MailboxInfo], *, rebuild: bool = False) -> Progress:
        """Index each mailbox in turn. With `rebuild`, the index of each owner
        named is rebuilt beside the live one from all that owner's mailboxes
        and swapped in once they are done."""
        progress = Progress()
        infos = await self._chosen(infos)
        owners = list(dict.fromkeys(owner_of(i) for i in infos))
        if not rebuild:
            await self._pass(infos, progress)
            return progress
        every = await self._chosen(
            [i for i in await self.store.list_mailboxes() if owner_of(i) in owners])
        for owner in owners:
            await asyncio.to_thread(self.index.start_rebuild, owner)
            for info in every:
                if owner_of(info) == owner:
                    await self.mailbox(info, 0, progress, rebuild=True)
            await asyncio.to_thread(self.index.finish_rebuild, owner)
        return progress

    async def _chosen(self, infos: Sequence[MailboxInfo]) -> list[MailboxInfo]:
        return list(infos) if self.choose is None else await self.choose(infos)

    async def _pass(self, infos: Sequence[MailboxInfo], progress: Progress,
                    stop: asyncio.Event | None = None) -> None:
        """Index each mailbox above its mark; marks are read once per owner."""
        marks: dict[str, dict[int, int]] = {}
        for info in infos:
            if stop is not None and stop.is_set():
                return
            owner = owner_of(info)
            if owner not in marks:
                marks[owner] = await asyncio.to_thread(self.index.marks, owner)
            await self.mailbox(info, marks[owner].get(info.id, 0), progress)

    async def roll(self, stop: asyncio.Event, prefix: str = "",
                   interval: float = ROLL_INTERVAL, defer: float = ROLL_DEFER) -> None:
        """Rolling mode: index new mail until `stop` is set, looking every
        `interval` seconds; while mail keeps arriving (some mailbox's
        UIDNEXT moved since the last look) a pass waits for a look that
        finds none, for at most `defer` seconds. Reclaim what expunges left
        every RECLAIM_INTERVAL seconds."""
        reclaimed = time.monotonic()
        seen: dict[int, int] | None = None  # each mailbox's UIDNEXT at the last look
        waiting: float | None = None  # since when a pass has been put off
        while not stop.is_set():
            started = time.monotonic()
            progress = Progress()
            try:
                infos = await self._chosen(await self.store.list_mailboxes(prefix))
                looked, seen = seen, {i.id: i.uidnext for i in infos}
                arriving = looked is not None and looked != seen
                waiting = (started if waiting is None else waiting) if arriving else None
                if waiting is None or started - waiting >= defer:
                    waiting = None
                    await self._pass(infos, progress, stop)
                    if time.monotonic() - reclaimed >= RECLAIM_INTERVAL:
                        reclaimed = time.monotonic()
                        await self.reclaim(infos)
            except Exception:  # the daemon must outlive one bad pass; the next retries
                seen = None
                log.exception("squatter: indexing pass failed; retrying")
            # Looks start `interval` apart even after a pass that found mail:
            # a pass takes each mailbox's whole backlog, so what arrives
            # meanwhile is added in full batches (in batches of 20 a message
            # cost 30-50% more CPU than in batches of 100-500).
            try:
                await asyncio.wait_for(stop.wait(),
                                       max(0.0, interval - (time.monotonic() - started)))
            except TimeoutError:
                pass
