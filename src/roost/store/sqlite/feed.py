"""`FeedStore` for `SqliteStore`: the `change_feed` table (schema v11).

Triggers on `mailboxes`, `subscriptions`, `metadata` and `acl` write the rows, in
the transaction of the change itself, so every writer (this process,
another worker, an admin tool) feeds it and nothing can commit a change
without its event. The table keeps its last FEED_KEEP rows (a trigger
drops older ones every 1024 inserts; FEED_KEEP is its figure). Reading it is an index range scan
from the reader's position: cost is the events returned, not the mailboxes.
"""

from __future__ import annotations

import sqlite3

from roost.store.feed import FeedBatch, FeedEvent
from roost.store.sqlite.notify import ChangeNotifier

FEED_KEEP = 65536
"""Events kept for readers that fell behind (several minutes of a busy site)."""


def position(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT coalesce(max(seq), 0) FROM change_feed").fetchone()[0])


def since(db: sqlite3.Connection, seq: int, limit: int) -> FeedBatch:
    rows = db.execute("SELECT seq, kind, mailbox_id, name, owner, old_name, entry"
                      " FROM change_feed WHERE seq > ? ORDER BY seq LIMIT ?",
                      (seq, limit)).fetchall()
    events = tuple(FeedEvent(*row) for row in rows)
    # Only the oldest rows are ever deleted: rows before the oldest kept one are gone.
    lost = bool(events) and seq + 1 < events[0].seq and seq + 1 < _oldest(db)
    return FeedBatch(events, events[-1].seq if events else max(seq, position(db)), lost)


def _oldest(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT coalesce(min(seq), 0) FROM change_feed").fetchone()[0])


class SqliteFeed:
    """Mixed into `SqliteStore`, which holds the connection and the notifier."""

    _db: sqlite3.Connection
    _notifier: ChangeNotifier

    async def feed_position(self) -> int:
        return position(self._db)

    async def feed_since(self, seq: int, limit: int) -> FeedBatch:
        return since(self._db, seq, limit)

    async def wait_for_feed(self, seq: int, timeout: float) -> bool:
        return await self._notifier.wait(lambda: position(self._db) > seq, timeout)
