"""The duplicate-delivery records (`DuplicateStore`) in the index database.

One row per (id, scope): `seen` is when it was last recorded, `keep_until`
the time before which expiry must leave it (both seconds since the epoch).
Reads are one primary-key lookup on the caller's connection; writes run on
the writer thread like every other index change, so they are durable when
they return and shared with the other processes of the store at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from roost.store.duplicates import DuplicateRecord
from roost.store.records import to_epoch
from roost.store.sqlite.writer import WriteTx

Row = tuple[str, str, float, float]


def seen(db: sqlite3.Connection, id: str, scope: str) -> float | None:
    row = db.execute("SELECT seen FROM duplicates WHERE id = ? AND scope = ?",
                     (id, scope)).fetchone()
    return None if row is None else float(row[0])


def rows(records: Sequence[DuplicateRecord]) -> list[Row]:
    """(id, scope, seen, keep_until) rows of `records`."""
    return [(r.id, r.scope, to_epoch(r.seen), to_epoch(r.keep_until)) for r in records]


def record(tx: WriteTx, rows: list[Row]) -> None:
    """Write rows, replacing earlier ones of the same id and scope."""
    tx.db.executemany("INSERT OR REPLACE INTO duplicates (id, scope, seen, keep_until)"
                      " VALUES (?, ?, ?, ?)", rows)


def expire(tx: WriteTx, seen_before: float, now: float) -> int:
    cursor = tx.db.execute("DELETE FROM duplicates WHERE seen < ? AND keep_until < ?",
                           (seen_before, now))
    return cursor.rowcount
