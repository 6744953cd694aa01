"""Read queries that are too big for the event loop, run on a few threads.

A read of a whole large mailbox (SELECT's record list, STATUS's counts)
costs about 4 µs per message on the loop's thread: 80-90 ms for 20,000
messages, 450 ms for 100,000, during which no other session is served.
Such reads run here instead, each thread on its own connection (WAL: every
reader sees the last commit and none waits for the writer). SQLite
releases the GIL while it steps; while the rows become Python objects the
interpreter hands the GIL back to a waiting loop thread every switch
interval, which the pool lowers from CPython's 5 ms to GIL_SWITCH (1 ms):
in bench/loop_stall.py (50 clients, another session SELECTing 100,000
messages) the loop's p99 lateness went from 27 ms to 15-26 ms. The
interval only matters while two threads want the GIL, so the loop alone
pays nothing for it.

A hop to a thread costs about 100 µs of CPU (measured: 4.7 µs for an
indexed one-row read inline, 110 µs through this pool, 98 µs through
`asyncio.to_thread`, on the development machine's Python 3.11), twenty
times a cheap read. So the store sends only reads whose size it expects
to pass THREAD_ABOVE messages here and keeps the indexed ones inline; see
`SqliteStore._read`.

Invariants: a connection is used by the one thread that opened it; `close`
waits for running reads, then closes every connection.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from roost.store.sqlite.writer import connect

T = TypeVar("T")

THREADS = 2
"""Two threads: one big read never waits behind another, and more would
only take turns at the GIL."""

GIL_SWITCH = 0.001
"""Seconds a read thread may hold the GIL while the loop thread waits for it."""

THREAD_ABOVE = 1000
"""Messages (as UIDNEXT bounds them) above which a mailbox read leaves the
loop: about 4 ms inline, where the 0.1 ms hop is small beside it."""


class ReadPool:
    """A few threads, each with its own read connection to the index."""

    def __init__(self, database: Path, fsync: bool, threads: int = THREADS) -> None:
        self._database = database
        self._fsync = fsync
        sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SWITCH))
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="roost-store-read")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = connect(self._database, self._fsync)
            with self._lock:
                self._connections.append(db)
        return db

    async def run(self, query: Callable[[sqlite3.Connection], T]) -> T:
        """`query(connection)` on a pool thread; its result or its exception."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: query(self._connection()))

    def close(self) -> None:
        """Wait for running reads, then close every connection (blocking)."""
        self._executor.shutdown(wait=True)
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
