"""Opening a store of each backend the suite runs on (used by conftest.py
and by the child processes the concurrency tests start)."""

from __future__ import annotations

from pathlib import Path

from roost.store.postgres import PostgresStore
from roost.store.sqlite import SqliteStore
from roost.store.sqlite.blobs import BlobFiles

AnyStore = SqliteStore | PostgresStore
BACKENDS = ("sqlite", "postgres")


def open_store(backend: str, index: str, partitions: dict[str, Path]) -> AnyStore:
    """One store of `backend` on `index` (a database file, or a DSN),
    bodies in files under `partitions`."""
    if backend == "sqlite":
        return SqliteStore(Path(index), partitions)
    return PostgresStore(index, BlobFiles(partitions, True))
