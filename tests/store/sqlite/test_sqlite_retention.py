"""Delayed expunge on SQLite alone: the schema upgrade that made purging
possible (the behaviour itself is in tests/store/conformance/test_retention.py)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from roost.store.sqlite import SqliteStore
from roost.store.sqlite.schema import MIGRATIONS


async def test_a_version_9_store_gains_deletedmodseq_and_change_times(
        tmp_path: Path, partitions: dict[str, Path]) -> None:
    """Schema v12 upgrades in place: mailboxes get deletedmodseq 0 (nothing
    purged yet), and change records from before, which have no time, count
    as made long ago: the first -X purges them and raises deletedmodseq."""
    path = tmp_path / "mailstore.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    for migration in MIGRATIONS[:9]:
        migration(db)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    db.execute("INSERT INTO schema_version (version) VALUES (9)")
    db.execute("INSERT INTO mailboxes (id, name, uidvalidity, partition, created)"
               " VALUES (1, 'user.bob', 7, 'default', 0)")
    db.execute("INSERT INTO mailbox_changes (mailbox_id, modseq, kind, name)"
               " VALUES (1, 1, 'acl', 'user.bob')")
    db.execute("COMMIT")
    db.close()
    store = SqliteStore(path, partitions)
    try:
        assert (await store.vanished_since(1, 0)).complete
        purged = await store.expire_expunged(datetime.now(UTC) - timedelta(days=365))
        assert (purged.tombstones, purged.changes) == (0, 1)
        assert not (await store.vanished_since(1, 0)).complete
        assert (await store.vanished_since(1, 1)).complete
    finally:
        await store.close()
