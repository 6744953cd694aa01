"""Quota on SQLite: `check` reports a drifted usage and `repair` recounts it."""

from __future__ import annotations

import sqlite3

from tests.store.conftest import message

from roost.store.api import (
    QuotaRoot,
)
from roost.store.sqlite import SqliteStore


def used(root: QuotaRoot) -> dict[str, int]:
    return {r.name: r.usage for r in root.resources}


async def test_check_reports_a_drift_and_repair_recounts_it(store: SqliteStore) -> None:
    """A usage changed behind the store's back (an old tool, a hand edit)."""
    inbox = await store.create_mailbox("user.bob")
    await store.append(inbox.id, message(1))
    await store.set_quota("user.bob", {"MESSAGE": 5})
    assert store.check() == []
    db = sqlite3.connect(store.database)
    db.execute("UPDATE quota_roots SET messages_used = 4")
    db.commit()
    db.close()
    size = len(message(1))
    assert store.check() == [(f"quota root user.bob: usage {size} bytes, 4 messages kept; "
                             f"{size} bytes, 1 messages in the records")]
    assert len(store.repair()) == 1
    assert store.check() == []
    assert used(await store.get_quota("user.bob")) == {"MESSAGE": 1}
