"""The duplicate-delivery records (`DuplicateStore`, Cyrus's deliver.db) on
PostgreSQL: one row per (id, scope), `seen` and `keep_until` in seconds
since the epoch, written in the caller's transaction (a delivery's
records commit with the delivery).

PostgreSQL TEXT holds no NUL, which ids carry (vacation's is handle NUL
sender, as in Cyrus): `key` escapes backslash and NUL, one to one, so
every id and scope SQLite keeps has exactly one row here too."""

from __future__ import annotations

from collections.abc import Sequence

from roost.store.duplicates import DuplicateRecord
from roost.store.postgres.tx import Db, WriteTx
from roost.store.sqlite.duplicates import rows


def key(text: str) -> str:
    """`text` without NUL: backslash doubled first, then NUL as backslash-zero."""
    return text.replace("\\", "\\\\").replace("\0", "\\0")


async def seen(db: Db, id: str, scope: str) -> float | None:
    row = await db.one("SELECT seen FROM duplicates WHERE id = %s AND scope = %s",
                       (key(id), key(scope)))
    return None if row is None else float(row[0])


async def record(tx: WriteTx, records: Sequence[DuplicateRecord]) -> None:
    """Write `records`, replacing earlier ones of the same id and scope."""
    for id, scope, *times in rows(records):
        await tx.db.run("INSERT INTO duplicates (id, scope, seen, keep_until)"
                        " VALUES (%s, %s, %s, %s) ON CONFLICT (id, scope) DO UPDATE"
                        " SET seen = excluded.seen, keep_until = excluded.keep_until",
                        (key(id), key(scope), *times))


async def expire(tx: WriteTx, seen_before: float, now: float) -> int:
    return await tx.db.run("DELETE FROM duplicates WHERE seen < %s AND keep_until < %s",
                           (seen_before, now))
