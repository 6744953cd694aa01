"""The indexer: follows the store and adds what the index lacks.

It needs no hook in delivery or APPEND: a mailbox's UIDs only grow, so
comparing UIDNEXT with the index's mark for the mailbox says exactly what
is new, and the messages above the mark are read, extracted and added in
batches (`search_batchsize`), each batch with its new mark in one index
transaction. Run by `roost squatter` once, or in rolling mode (`-R`,
Cyrus's daemon: a cyrus.conf EVENTS or DAEMON entry) polling the list
every `ROLL_INTERVAL` seconds, in its own process: the server's event
loops never do this work, so no 250 or APPEND OK waits for it.

Invariant: a mark moves only past UIDs whose bodies are in the index (or
that were expunged): the UIDs of a batch are the live ones at or below
it, read after the mailbox's UIDNEXT.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from roost.search.index.api import SHARED, Document, FullTextIndex
from roost.search.index.extract import Extractor, document
from roost.store.api import MailboxInfo, MessageNotFound, MessageRecord, Store, StoreCorrupt

log = logging.getLogger(__name__)

ROLL_INTERVAL = 1.0
"""Seconds between two looks at the mailbox list in rolling mode: new mail
is indexed about this long after its 250 (and searched directly till then)."""


def owner_of(info: MailboxInfo) -> str:
    """Whose index a mailbox's messages go to."""
    return info.owner if info.owner is not None else SHARED


@dataclass
class Progress:
    """What one pass did, for -v and the benchmarks."""

    mailboxes: int = 0
    messages: int = 0
    bodies: int = 0


class Indexer:
    """Feeds `index` from `store`; one task at a time."""

    def __init__(self, store: Store, index: FullTextIndex, batch: int = 100,
                 extractor: Extractor | None = None,
                 report: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.index = index
        self.batch = max(1, batch)
        self.extractor = extractor
        self.report = report

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
        for start in range(0, max(1, len(records)), self.batch):
            part = records[start:start + self.batch]
            last = start + self.batch >= len(records)
            # The last batch also covers the expunged UIDs up to UIDNEXT - 1.
            upto = max(top, part[-1].uid if part else 0) if last else part[-1].uid
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
        wanted = [b for b in blobs if b not in known]
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
        return docs + [Document(b, "", "", "", exact=False) for b in broken]

    async def mailboxes(self, infos: Sequence[MailboxInfo], *, rebuild: bool = False) -> Progress:
        """Index each mailbox in turn. With `rebuild`, the index of each owner
        named is rebuilt beside the live one from all that owner's mailboxes
        and swapped in once they are done."""
        progress = Progress()
        owners = list(dict.fromkeys(owner_of(i) for i in infos))
        if not rebuild:
            await self._pass(infos, progress)
            return progress
        every = [i for i in await self.store.list_mailboxes() if owner_of(i) in owners]
        for owner in owners:
            await asyncio.to_thread(self.index.start_rebuild, owner)
            for info in every:
                if owner_of(info) == owner:
                    await self.mailbox(info, 0, progress, rebuild=True)
            await asyncio.to_thread(self.index.finish_rebuild, owner)
        return progress

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
                   interval: float = ROLL_INTERVAL) -> None:
        """Rolling mode: index new mail until `stop` is set."""
        while not stop.is_set():
            progress = Progress()
            try:
                await self._pass(await self.store.list_mailboxes(prefix), progress, stop)
            except Exception:  # the daemon must outlive one bad pass; the next retries
                log.exception("squatter: indexing pass failed; retrying")
            if progress.messages == 0:
                try:
                    await asyncio.wait_for(stop.wait(), interval)
                except TimeoutError:
                    pass
