"""Opening a store of each backend the suite runs on (used by conftest.py
and by the child processes the concurrency tests start).

`postgres+s3` is the scale-out configuration of issue 14: the index in
PostgreSQL, bodies in an S3 bucket (moto on loopback, tests/harness/s3.py),
with no local read cache, so every body read goes to the bucket.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from roost.config import parse_config
from roost.store.postgres import PostgresStore
from roost.store.s3blobs import S3Blobs
from roost.store.sqlite import SqliteStore
from roost.store.sqlite.blobs import BlobFiles

AnyStore = SqliteStore | PostgresStore
BACKENDS = ("sqlite", "postgres", "postgres+s3")


def open_store(backend: str, index: str, partitions: dict[str, Path], bucket: str = "",
               **modes: Any) -> AnyStore:
    """One store of `backend` on `index` (a database file, or a DSN), bodies
    in files under `partitions`, or (postgres+s3) in `bucket`, the
    imapd.conf lines that name it (tests/harness/s3.py `Bucket.config`);
    `modes`: expunge_mode, delete_mode (both backends take them)."""
    if backend == "sqlite":
        return SqliteStore(Path(index), partitions, **modes)
    if backend == "postgres":
        return PostgresStore(index, BlobFiles(partitions, True), **modes)
    lines = "".join(f"partition-{name}: {path}\n" for name, path in partitions.items())
    conf = parse_config(f"{bucket}s3_cache_size: 0\n{lines}", Path("conformance.conf"))
    return PostgresStore(index, S3Blobs.from_config(conf), **modes)
