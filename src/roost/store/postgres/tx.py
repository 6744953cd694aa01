"""Connections, transactions and their retries.

A write is an async function of a `WriteTx`, run by `Database.write` in
one transaction on a pooled connection: READ COMMITTED, with the rows it
changes locked FOR UPDATE by the operation itself (ops lock the mailbox
rows first, so concurrent writers of one mailbox queue on that row, the
way SQLite writers queue on its one write lock). A deadlock or
serialization failure rolls the whole operation back and runs it again
(bounded), so callers see exactly one outcome. After the commit the
bodies whose last reference went are removed, each under its key's
advisory lock, if still unreferenced.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import psycopg
from psycopg import AsyncConnection, errors
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from roost.store.api import StoreUnavailable
from roost.store.blobstore import BlobStore
from roost.store.postgres.schema import migrate

log = logging.getLogger(__name__)
T = TypeVar("T")
Row = tuple[Any, ...]
RETRIES = 20
"""Attempts of one write that keeps meeting deadlocks or serialization
failures; each waits a little longer (random, up to ~50 ms)."""
CHANNEL = "roost_changes"
"""NOTIFY channel: the payload is the id of a mailbox whose MODSEQ moved."""
RETRYABLE = (errors.SerializationFailure, errors.DeadlockDetected)


@contextmanager
def reachable() -> Iterator[None]:
    """A lost or unreachable database is the store's StoreUnavailable
    (temporary; the transaction it cut off did not commit, or committed
    whole: PostgreSQL commits are atomic)."""
    try:
        yield
    except (psycopg.OperationalError, PoolTimeout) as err:
        raise StoreUnavailable(f"the index database cannot be reached: {err}") from err


class Db:
    """Queries on one connection, rows as tuples."""

    def __init__(self, conn: AsyncConnection[TupleRow]) -> None:
        self.conn = conn

    async def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Row | None:
        cursor = await self.conn.execute(sql.encode(), params)
        return await cursor.fetchone()

    async def all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        cursor = await self.conn.execute(sql.encode(), params)
        return await cursor.fetchall()

    async def run(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Execute; the number of rows it changed."""
        cursor = await self.conn.execute(sql.encode(), params)
        return cursor.rowcount


@dataclass
class WriteTx:
    """What a write operation gets: queries inside its open transaction."""

    db: Db
    blobs: BlobStore
    released: set[tuple[str, str]] = field(default_factory=set)
    """(key, partition) of bodies whose last reference went away."""
    touched: set[int] = field(default_factory=set)
    """Mailboxes whose MODSEQ moved: NOTIFY'd at commit."""


async def lock_body(db: Db, key: str, partition: str) -> None:
    """The advisory lock of one body, held to the end of the transaction."""
    await db.one("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                 (f"{partition}/{key}",))


class Database:
    """The connection pool of one store."""

    def __init__(self, dsn: str, blobs: BlobStore, max_size: int = 10) -> None:
        """Opened at the first use (`opened`), so a store is made without a loop."""
        self.dsn = dsn
        self.blobs = blobs
        self._pool: AsyncConnectionPool[AsyncConnection[TupleRow]] = AsyncConnectionPool(
            dsn, min_size=1, max_size=max_size, open=False, kwargs={"autocommit": True})
        self._opening: asyncio.Lock | None = None
        self._open = False

    async def opened(self) -> AsyncConnectionPool[AsyncConnection[TupleRow]]:
        """The pool, opened and the schema migrated on the first call."""
        if self._open:
            return self._pool
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if not self._open:
                try:
                    await self._pool.open(wait=True, timeout=30)
                except psycopg.Error as err:
                    raise StoreUnavailable(f"the index database cannot be reached: {err}"
                                           ) from err
                async with self._pool.connection() as conn:
                    await migrate(conn)
                self._open = True
        return self._pool

    async def read(self, query: Callable[[Db], Awaitable[T]], *, snapshot: bool = True) -> T:
        """Run a read; with `snapshot` its queries see one snapshot (REPEATABLE
        READ), without it (a read of one statement) it saves the three round
        trips of a transaction."""
        pool = await self.opened()
        with reachable():
            return await self._read(pool, query, snapshot)

    async def _read(self, pool: AsyncConnectionPool[AsyncConnection[TupleRow]],
                    query: Callable[[Db], Awaitable[T]], snapshot: bool) -> T:
        async with pool.connection() as conn:
            if not snapshot:
                return await query(Db(conn))
            async with conn.transaction():
                await conn.execute(b"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                return await query(Db(conn))

    async def write(self, op: Callable[[WriteTx], Awaitable[T]]) -> T:
        """Run `op` in one transaction, retried on deadlock or serialization
        failure; return its result once committed."""
        pool = await self.opened()
        with reachable():
            return await self._write(pool, op)

    async def _write(self, pool: AsyncConnectionPool[AsyncConnection[TupleRow]],
                     op: Callable[[WriteTx], Awaitable[T]]) -> T:
        for attempt in range(RETRIES):
            async with pool.connection() as conn:
                tx = WriteTx(Db(conn), self.blobs)
                try:
                    async with conn.transaction():
                        result = await op(tx)
                        for mailbox_id in sorted(tx.touched):
                            await tx.db.one("SELECT pg_notify(%s, %s)",
                                            (CHANNEL, str(mailbox_id)))
                except RETRYABLE:
                    if attempt == RETRIES - 1:
                        raise
                    await asyncio.sleep(random.uniform(0, 0.0025 * (attempt + 1)))
                    continue
            if tx.released:
                await self.remove_unreferenced(tx.released)
            return result
        raise AssertionError("unreachable")  # the last attempt returns or raises

    async def remove_unreferenced(self, released: set[tuple[str, str]]) -> None:
        """Delete bodies no row references, each under its advisory lock (an
        append of the same content elsewhere either sees the body or writes
        it again). A failure leaves orphans, which are harmless."""
        try:
            async with (await self.opened()).connection() as conn:
                db = Db(conn)
                for key, partition in sorted(released):
                    async with conn.transaction():
                        await lock_body(db, key, partition)
                        if await db.one("SELECT 1 FROM blobs WHERE sha256 = %s AND partition = %s",
                                        (key, partition)) is None:
                            await asyncio.to_thread(self.blobs.remove, partition, key)
        except Exception:
            log.exception("removing unreferenced bodies failed; orphans remain")

    async def close(self) -> None:
        await self._pool.close()
