"""Fixtures: a fresh SqliteStore on real files in tmp_path."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from roost.store.sqlite import SqliteStore

StoreFactory = Callable[[], SqliteStore]


def message(n: int = 0, body: str = "Hello") -> bytes:
    """A small distinct RFC 5322 message."""
    return (f"From: a@example.com\r\nTo: bob@example.com\r\nSubject: test {n}\r\n"
            f"Message-ID: <{n}@example.com>\r\n\r\n{body} {n}\r\n").encode()


@pytest.fixture
def make_message() -> Callable[..., bytes]:
    return message


@pytest.fixture
def partitions(tmp_path: Path) -> dict[str, Path]:
    parts = {"default": tmp_path / "spool", "big": tmp_path / "big"}
    for path in parts.values():
        path.mkdir()
    return parts


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
