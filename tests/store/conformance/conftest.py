"""The store conformance suite: every test here runs once per backend.

`store` is a fresh store of the backend (`sqlite`: SqliteStore on a temp
database; `postgres`: PostgresStore on a fresh schema of the run's
throwaway cluster, bodies as files under `partitions` for both;
`postgres+s3`: the same index, bodies in a fresh bucket of the run's S3
server).
`open_another()` opens one more store on the same index and bodies, as
another worker process (or node) would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from tests.harness.postgres import Postgres
from tests.harness.s3 import Bucket

from .backends import BACKENDS, AnyStore, open_store

StoreFactory = Callable[[], AnyStore]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def index_location(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where the backend's index is: a database file, or a DSN (fresh schema)."""
    if backend == "sqlite":
        return str(tmp_path / "mailstore.db")
    cluster: Postgres = request.getfixturevalue("postgres")
    return cluster.new_schema()


@pytest.fixture
def body_bucket(backend: str, request: pytest.FixtureRequest) -> str:
    """The imapd.conf lines of a fresh bucket for postgres+s3; empty otherwise."""
    if backend != "postgres+s3":
        return ""
    bucket: Bucket = request.getfixturevalue("bucket")
    return bucket.config()


@pytest.fixture
async def open_another(backend: str, index_location: str, partitions: dict[str, Path],
                       body_bucket: str) -> AsyncIterator[StoreFactory]:
    """Open stores on one index and bodies, as separate worker processes would."""
    opened: list[AnyStore] = []

    def factory() -> AnyStore:
        store = open_store(backend, index_location, partitions, body_bucket)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        await store.close()


@pytest.fixture
def child_store(backend: str, index_location: str, partitions: dict[str, Path],
                body_bucket: str) -> list[str]:
    """The arguments writer_child.py opens the same store with, in another process."""
    return [backend, index_location, str(partitions["default"]), body_bucket]


@pytest.fixture
async def store(open_another: StoreFactory) -> AnyStore:
    return open_another()
