"""The PostgreSQL index read and filled as neutral rows (`store/siterows.py`),
for `roost migrate`.

The reader reads in one REPEATABLE READ READ ONLY transaction through
server-side cursors, so a big site streams in batches from one snapshot.
The loader fills an index with no rows in one transaction with COPY (the
fastest way into PostgreSQL): a failed load leaves nothing, and running
again starts over. The change-feed rows its triggers write while loading
are dropped before the commit, as on SQLite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from psycopg import AsyncConnection, IsolationLevel
from psycopg.rows import TupleRow

from roost.store.api import StoreError
from roost.store.postgres.schema import migrate
from roost.store.postgres.tx import reachable
from roost.store.siterows import COUNTERS, TABLES, Mailbox, Meta, R, Record


def _columns(table: type[Record]) -> str:
    return ", ".join(f'"{name}"' for name in table.columns())


async def _connect(dsn: str) -> AsyncConnection[TupleRow]:
    with reachable():
        return await AsyncConnection.connect(dsn)


BESIDE_THE_INDEX = {"sieve scripts": "sieve_scripts", "passwords": "credentials"}
"""What `occupied` counts beyond the index (roost.tools.migrate_accounts moves it)."""


async def _has_table(conn: AsyncConnection[TupleRow], name: str) -> bool:
    row = await (await conn.execute(b"SELECT to_regclass(%s)", (name,))).fetchone()
    return row is not None and row[0] is not None


async def _has_schema(conn: AsyncConnection[TupleRow]) -> bool:
    found = await _has_table(conn, "schema_version")
    await conn.rollback()
    return found


class PostgresSiteReader:
    """Rows of the index in the database of `dsn` (its search_path)."""

    def __init__(self, conn: AsyncConnection[TupleRow]) -> None:
        self._conn = conn

    @classmethod
    async def open(cls, dsn: str) -> PostgresSiteReader:
        conn = await _connect(dsn)
        if not await _has_schema(conn):
            await conn.close()
            raise StoreError("there is no Roost index in the database of store_dsn")
        await migrate(conn)
        await conn.set_isolation_level(IsolationLevel.REPEATABLE_READ)
        await conn.set_read_only(True)
        return cls(conn)

    async def count(self, table: type[Record]) -> int:
        row = await (await self._conn.execute(
            f"SELECT count(*) FROM {table.TABLE}".encode())).fetchone()
        return int(row[0]) if row else 0

    async def rows(self, table: type[R], batch: int) -> AsyncIterator[list[R]]:
        async with self._conn.cursor(name=f"dump_{table.TABLE}") as cursor:
            await cursor.execute(f"SELECT {_columns(table)} FROM {table.TABLE}".encode())
            while chunk := await cursor.fetchmany(batch):
                yield [table.of(row) for row in chunk]

    async def close(self) -> None:
        await self._conn.rollback()
        await self._conn.close()


class PostgresSiteLoader:
    """Fills the index in the database of `dsn` (made, with the current
    schema, if the database has none)."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._conn: AsyncConnection[TupleRow] | None = None

    async def _open(self) -> AsyncConnection[TupleRow]:
        if self._conn is None:
            self._conn = await _connect(self._dsn)
        return self._conn

    async def occupied(self) -> dict[str, int]:
        conn = await self._open()
        if not await _has_schema(conn):  # a dry run creates nothing
            return {}
        found = {}
        beside = [(label, name) for label, name in BESIDE_THE_INDEX.items()
                  if await _has_table(conn, name)]  # from schema v2 on
        for label, name in [(t.TABLE, t.TABLE) for t in TABLES if t is not Meta] + beside:
            row = await (await conn.execute(f"SELECT count(*) FROM {name}".encode())).fetchone()
            if row and row[0]:
                found[label] = int(row[0])
        await conn.rollback()
        return found

    async def begin(self) -> None:
        await migrate(await self._open())

    async def load(self, rows: Sequence[Record]) -> None:
        if not rows:
            return
        conn = await self._open()
        table = type(rows[0])
        if table is Meta:
            async with conn.cursor() as cursor:
                await cursor.executemany(
                    b"INSERT INTO meta (key, value) VALUES (%s, %s)"
                    b" ON CONFLICT (key) DO UPDATE"
                    b" SET value = greatest(meta.value, EXCLUDED.value)",
                    [row.values() for row in rows])
            return
        async with conn.cursor() as cursor, cursor.copy(
                f"COPY {table.TABLE} ({_columns(table)}) FROM STDIN".encode()) as copy:
            for row in rows:
                await copy.write_row(row.values())

    async def commit(self) -> None:
        conn = await self._open()
        used = {"mailboxid": f"SELECT max(id) FROM {Mailbox.TABLE}",
                "uidvalidity": f"SELECT max(uidvalidity) FROM {Mailbox.TABLE}"}
        for key in COUNTERS:
            await conn.execute(
                f"INSERT INTO meta (key, value) VALUES (%s, coalesce(({used[key]}), 0))"
                " ON CONFLICT (key) DO UPDATE SET value = greatest(meta.value, EXCLUDED.value)"
                .encode(), (key,))
        await conn.execute(b"DELETE FROM change_feed")  # the triggers' rows of the load
        await conn.commit()

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.rollback()
            await self._conn.close()
            self._conn = None
