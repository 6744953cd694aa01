"""The rolling indexer (`squatter -R`) while mail keeps arriving: passes
start `interval` apart even when one found mail, so a stream of
deliveries is added in a few large index transactions, not one per
handful of messages (each FTS5 commit writes and merges segments)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path

from tests.search.mail import message

from roost.search.index.api import Document
from roost.search.index.extract import TEXT_VERSION
from roost.search.index.feed import Indexer
from roost.store.sqlite import SqliteStore
from roost.store.sqlite.fts import FtsIndex

BATCH = 100


class CountedIndex(FtsIndex):
    """The FTS5 index, recording how many messages each transaction added."""

    def __init__(self, root: Path) -> None:
        super().__init__(root, TEXT_VERSION)
        self.adds: list[int] = []

    def add(self, owner: str, mailbox_id: int, upto: int, docs: Sequence[Document],
            places: Sequence[tuple[int, str]], *, rebuild: bool = False) -> None:
        self.adds.append(len(places))
        super().add(owner, mailbox_id, upto, docs, places, rebuild=rebuild)


async def stream(root: Path) -> tuple[int, list[int]]:
    """Mail appended back to back for 1.5 s under a rolling indexer with
    passes a second apart: how many messages, and what each index
    transaction added."""
    store = SqliteStore(root / "mailstore.db", {"default": root / "spool"}, fsync=False)
    index = CountedIndex(root / "search")
    stop = asyncio.Event()
    try:
        inbox = await store.create_mailbox("user.bob")
        rolling = asyncio.create_task(Indexer(store, index, BATCH).roll(stop, interval=1.0))
        count, end = 0, time.monotonic() + 1.5
        while time.monotonic() < end:
            count += 1
            await store.append(inbox.id, message("s", f"word{count}", 0))
        for _ in range(100):  # bounded: 10 s
            if index.marks("bob").get(inbox.id) == count:
                break
            await asyncio.sleep(0.1)
        stop.set()
        await asyncio.wait_for(rolling, 10)
        assert index.marks("bob").get(inbox.id) == count
        return count, index.adds
    finally:
        index.close()
        await store.close()


def test_a_stream_of_mail_goes_in_in_few_transactions(tmp_path: Path) -> None:
    count, adds = asyncio.run(stream(tmp_path))
    assert sum(adds) == count
    # Full batches but the last of each pass, and at most three passes (at
    # about 0, 1 and 2 s). The old loop, straight back after a pass that
    # found mail, then added the few messages that came during the pass.
    assert len(adds) <= -(-count // BATCH) + 3, adds
