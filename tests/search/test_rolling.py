"""The rolling indexer (`squatter -R`) while mail keeps arriving. Looks
start `interval` apart even after one that found mail, so a stream of
deliveries goes in as a few large index transactions, not one per handful
of messages (each FTS5 commit writes and merges segments); and a pass
waits for a lull in the mail, for at most `defer` seconds."""

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
    """The FTS5 index, recording when each transaction came and how many
    messages it added."""

    def __init__(self, root: Path) -> None:
        super().__init__(root, TEXT_VERSION)
        self.adds: list[tuple[float, int]] = []

    def add(self, owner: str, mailbox_id: int, upto: int, docs: Sequence[Document],
            places: Sequence[tuple[int, str]], *, rebuild: bool = False) -> None:
        self.adds.append((time.monotonic(), len(places)))
        super().add(owner, mailbox_id, upto, docs, places, rebuild=rebuild)


async def stream(root: Path, seconds: float, interval: float,
                 defer: float) -> tuple[int, list[tuple[float, int]]]:
    """Mail appended back to back for `seconds` under a rolling indexer:
    how many messages, and each index transaction (seconds after the
    stream began, messages added)."""
    store = SqliteStore(root / "mailstore.db", {"default": root / "spool"}, fsync=False)
    index = CountedIndex(root / "search")
    stop = asyncio.Event()
    try:
        inbox = await store.create_mailbox("user.bob")
        rolling = asyncio.create_task(
            Indexer(store, index, BATCH).roll(stop, interval=interval, defer=defer))
        await asyncio.sleep(0.3)  # its first look (at once) finds the mailbox empty
        count, start = 0, time.monotonic()
        while time.monotonic() < start + seconds:
            count += 1
            await store.append(inbox.id, message("s", f"word{count}", 0))
        for _ in range(100):  # bounded: 10 s
            if index.marks("bob").get(inbox.id) == count:
                break
            await asyncio.sleep(0.1)
        stop.set()
        await asyncio.wait_for(rolling, 10)
        assert index.marks("bob").get(inbox.id) == count
        return count, [(at - start, added) for at, added in index.adds]
    finally:
        index.close()
        await store.close()


def test_a_stream_of_mail_goes_in_in_few_transactions(tmp_path: Path) -> None:
    count, adds = asyncio.run(stream(tmp_path, 1.5, interval=1.0, defer=0.0))
    assert sum(added for _, added in adds) == count
    # Full batches but the last of each pass, and at most three passes (at
    # about 0.7, 1.7 and 2.7 s after the stream began). The old loop,
    # straight back after a pass that found mail, then added the few
    # messages that came during the pass.
    assert len(adds) <= -(-count // BATCH) + 3, adds


def test_passes_wait_for_a_lull_at_most_defer_seconds(tmp_path: Path) -> None:
    count, adds = asyncio.run(stream(tmp_path, 3.0, interval=0.1, defer=0.8))
    assert sum(added for _, added in adds) == count
    assert adds[0][0] >= 0.7, adds  # put off while mail kept arriving...
    assert adds[0][0] < 3.0, adds  # ...but not past `defer`, though it never paused
