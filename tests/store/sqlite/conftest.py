"""Fixtures: a fresh SqliteStore on real files in tmp_path."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from roost.store.sqlite import SqliteStore

StoreFactory = Callable[[], SqliteStore]


@pytest.fixture
async def open_another(tmp_path: Path,
                       partitions: dict[str, Path]) -> AsyncIterator[StoreFactory]:
    """Open stores on one database, as separate worker processes would."""
    opened: list[SqliteStore] = []

    def factory() -> SqliteStore:
        store = SqliteStore(tmp_path / "mailstore.db", partitions)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        await store.close()


@pytest.fixture
async def store(open_another: StoreFactory) -> SqliteStore:
    return open_another()
