"""Save dates (RFC 8514) on SQLite: absent (None) on records from before
schema 7, and brought back by unexpunge."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from roost.store.sqlite import SqliteStore
from roost.store.sqlite.schema import MIGRATIONS


async def test_a_version_6_store_gains_the_column(tmp_path: Path, partitions: dict[str, Path],
                                                  make_message: Callable[..., bytes]) -> None:
    path = tmp_path / "mailstore.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    for migration in MIGRATIONS[:6]:
        migration(db)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    db.execute("INSERT INTO schema_version (version) VALUES (6)")
    db.execute("COMMIT")
    db.close()
    store = SqliteStore(path, partitions)
    try:
        inbox = (await store.create_mailbox("user.bob")).id
        await store.append(inbox, make_message(1))
        assert (await store.savedates(inbox, [1]))[1] is not None
        assert store.check() == []
    finally:
        await store.close()


async def test_unexpunge_brings_the_save_date_back(store: SqliteStore,
                                                   make_message: Callable[..., bytes]) -> None:
    inbox = (await store.create_mailbox("user.bob")).id
    await store.append(inbox, make_message(1), flags=["\\Deleted"])
    saved = (await store.savedates(inbox, [1]))[1]
    await store.expunge(inbox)
    [(old, new)] = await store.unexpunge(inbox)
    assert (old, new) == (1, 2)
    assert (await store.savedates(inbox, [2]))[2] == saved
