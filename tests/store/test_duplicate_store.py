"""The DuplicateStore of the SQLite backend: records, their scope, and expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from roost.store.duplicates import DuplicateRecord, DuplicateStore
from roost.store.sqlite import SqliteStore

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def open_at(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "index.db", {"default": tmp_path / "spool"}, fsync=False)


async def test_records_are_per_scope_and_replace_earlier_ones(tmp_path: Path) -> None:
    store = open_at(tmp_path)
    assert isinstance(store, DuplicateStore)
    await store.record_duplicates([DuplicateRecord("<m@x>", "user.bob", NOW - DAY, NOW)])
    await store.record_duplicates([DuplicateRecord("<m@x>", "user.bob", NOW, NOW)])
    assert await store.duplicate_seen("<m@x>", "user.bob") == NOW
    assert await store.duplicate_seen("<m@x>", "user.alice") is None
    await store.close()


async def test_expiry_keeps_young_records_and_those_still_to_be_kept(tmp_path: Path) -> None:
    store = open_at(tmp_path)
    await store.record_duplicates([
        DuplicateRecord("old", "s", NOW - 10 * DAY, NOW - 10 * DAY),
        DuplicateRecord("young", "s", NOW - DAY, NOW - DAY),
        DuplicateRecord("vacation", "s", NOW - 10 * DAY, NOW + 20 * DAY),
    ])
    assert await store.expire_duplicates(NOW - 3 * DAY, NOW) == 1
    assert [await store.duplicate_seen(i, "s") is not None for i in ("old", "young", "vacation")] \
        == [False, True, True]
    await store.close()
    reopened = open_at(tmp_path)  # and it was all on disk
    assert await reopened.duplicate_seen("vacation", "s") == NOW - 10 * DAY
    await reopened.close()
