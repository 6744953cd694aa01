"""The SQLite index read and filled as neutral rows (`store/siterows.py`),
for `roost migrate`.

The reader holds one read transaction, so it sees one snapshot of a
server that should be stopped anyway. The loader fills an index with no
rows in one IMMEDIATE transaction: nothing of a failed load is left, and
running again starts over. The change-feed rows its triggers write while
loading are dropped before the commit (the feed tells running sessions of
changes; nothing was running).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from roost.store.api import StoreError
from roost.store.siterows import COUNTERS, TABLES, Mailbox, Meta, R, Record
from roost.store.sqlite.schema import migrate
from roost.store.sqlite.writer import connect


def _select(table: type[Record]) -> str:
    return f"SELECT {', '.join(table.columns())} FROM {table.TABLE}"


class SqliteSiteReader:
    """Rows of an existing index file (upgraded to this Roost's schema first,
    as opening it for serving would)."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise StoreError(f"there is no SQLite index at {path}")
        self._db = connect(path, fsync=True)
        migrate(self._db)
        self._db.execute("BEGIN")

    async def count(self, table: type[Record]) -> int:
        return int(self._db.execute(f"SELECT count(*) FROM {table.TABLE}").fetchone()[0])

    async def rows(self, table: type[R], batch: int) -> AsyncIterator[list[R]]:
        cursor = self._db.execute(_select(table))
        while chunk := cursor.fetchmany(batch):
            yield [table.of(row) for row in chunk]
            await asyncio.sleep(0)

    async def close(self) -> None:
        self._db.execute("ROLLBACK")
        self._db.close()


class SqliteSiteLoader:
    """Fills the index file at `path` (made, with the current schema, if missing)."""

    def __init__(self, path: Path, fsync: bool = True) -> None:
        self._path = path
        self._fsync = fsync
        self._db: sqlite3.Connection | None = None

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._db = connect(self._path, self._fsync)
            migrate(self._db)
        return self._db

    async def occupied(self) -> dict[str, int]:
        if not self._path.exists():  # a dry run creates nothing
            return {}
        db = self._open()
        found = {}
        for table in TABLES:
            if table is not Meta:
                count = int(db.execute(f"SELECT count(*) FROM {table.TABLE}").fetchone()[0])
                if count:
                    found[table.TABLE] = count
        return found

    async def begin(self) -> None:
        self._open().execute("BEGIN IMMEDIATE")

    async def load(self, rows: Sequence[Record]) -> None:
        if not rows:
            return
        table = type(rows[0])
        columns = table.columns()
        keep_higher = (" ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)"
                       if table is Meta else "")  # a counter never goes back
        self._open().executemany(
            f"INSERT INTO {table.TABLE} ({', '.join(columns)})"
            f" VALUES ({', '.join('?' * len(columns))}){keep_higher}",
            [row.values() for row in rows])
        await asyncio.sleep(0)

    async def commit(self) -> None:
        db = self._open()
        used = {"mailboxid": f"SELECT max(id) FROM {Mailbox.TABLE}",
                "uidvalidity": f"SELECT max(uidvalidity) FROM {Mailbox.TABLE}"}
        for key in COUNTERS:
            db.execute(f"INSERT OR REPLACE INTO meta (key, value) SELECT ?, max(coalesce(("
                       f"{used[key]}), 0), coalesce((SELECT value FROM meta WHERE key = ?), 0))",
                       (key, key))
        db.execute("DELETE FROM change_feed")
        db.execute("COMMIT")

    async def close(self) -> None:
        if self._db is not None:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            self._db.close()
            self._db = None
