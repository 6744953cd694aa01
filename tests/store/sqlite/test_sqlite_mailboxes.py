"""SqliteStore: schema versions and open_store."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from roost.config import ConfigError, parse_config
from roost.store.api import (
    Store,
    StoreCorrupt,
)
from roost.store.open import open_store
from roost.store.sqlite import SqliteStore
from roost.store.sqlite.schema import MIGRATIONS

Message = Callable[..., bytes]


async def test_schema_version_recorded(store: SqliteStore, tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "mailstore.db")
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(len(MIGRATIONS),)]
    db.close()


async def test_newer_schema_is_refused(tmp_path: Path, partitions: dict[str, Path]) -> None:
    path = tmp_path / "mailstore.db"
    await SqliteStore(path, partitions).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_version SET version = 999")
    db.commit()
    db.close()
    with pytest.raises(StoreCorrupt, match="999"):
        SqliteStore(path, partitions)


async def test_open_store_from_config(tmp_path: Path, make_message: Message) -> None:
    conf = parse_config(f"configdirectory: {tmp_path / 'conf'}\n"
                        f"partition-default: {tmp_path / 'spool'}\n")
    store: Store = open_store(conf)  # mypy: SqliteStore satisfies the Store protocol
    try:
        bob = (await store.create_mailbox("user.bob")).id
        await store.append(bob, make_message())
        assert (tmp_path / "conf" / "mailstore.db").exists()
        assert any(p.is_file() for p in (tmp_path / "spool").rglob("*"))
    finally:
        await store.close()


def test_open_store_needs_a_default_partition(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        open_store(parse_config(f"configdirectory: {tmp_path}\n"))
