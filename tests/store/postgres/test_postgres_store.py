"""What only the PostgreSQL backend has to show: its schema versioning, an
unreachable database, and bodies released across the transaction and the
removal after it (the conformance suite has the rest, on both backends)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from tests.harness.postgres import Postgres
from tests.store.conftest import message

from roost.store.api import AclStore, QuotaStore, StoreCorrupt, StoreUnavailable
from roost.store.postgres import PostgresStore
from roost.store.postgres.schema import MIGRATIONS
from roost.store.sqlite.blobs import BlobFiles


def body_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def dsn(postgres: Postgres) -> str:
    return postgres.new_schema()


async def test_schema_is_made_and_recorded(dsn: str, partitions: dict[str, Path]) -> None:
    store = PostgresStore(dsn, BlobFiles(partitions, True))
    assert isinstance(store, AclStore) and isinstance(store, QuotaStore)
    await store.create_mailbox("user.bob")
    await store.close()
    with psycopg.connect(dsn) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [
            (len(MIGRATIONS),)]


async def test_newer_schema_is_refused(dsn: str, partitions: dict[str, Path]) -> None:
    store = PostgresStore(dsn, BlobFiles(partitions, True))
    await store.list_mailboxes()
    await store.close()
    with psycopg.connect(dsn) as db:
        db.execute("UPDATE schema_version SET version = 999")
    again = PostgresStore(dsn, BlobFiles(partitions, True))
    with pytest.raises(StoreCorrupt, match="999"):
        await again.list_mailboxes()
    await again.close()


async def test_an_unreachable_database_is_unavailable(tmp_path: Path,
                                                      partitions: dict[str, Path]) -> None:
    store = PostgresStore(f"host={tmp_path} dbname=none connect_timeout=2",
                          BlobFiles(partitions, True))
    with pytest.raises(StoreUnavailable):
        await store.create_mailbox("user.bob")
    await store.close()


async def test_a_body_goes_with_its_last_reference(dsn: str,
                                                   partitions: dict[str, Path]) -> None:
    store = PostgresStore(dsn, BlobFiles(partitions, True), expunge_mode="immediate",
                          delete_mode="immediate")
    bob = await store.create_mailbox("user.bob")
    other = await store.create_mailbox("user.bob.Other")
    first = await store.append(bob.id, message(1))
    await store.copy(bob.id, [first.uid], other.id)
    assert len(body_files(partitions["default"])) == 1
    await store.purge(bob.id, [first.uid])
    assert len(body_files(partitions["default"])) == 1  # the copy still holds it
    await store.delete_mailbox(other.id)
    assert body_files(partitions["default"]) == []
    assert store.check() == []
    await store.close()
