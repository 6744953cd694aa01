"""SQLite's id counter, schema upgrade and group commit (the rest:
tests/store/conformance)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from roost.store.api import AppendMessage
from roost.store.sqlite import SqliteStore
from roost.store.sqlite.schema import MIGRATIONS

Message = Callable[..., bytes]


async def test_check_and_repair_the_id_counter(store: SqliteStore) -> None:
    info = await store.create_mailbox("user.bob")
    store._db.execute("UPDATE meta SET value = 0 WHERE key = 'mailboxid'")
    assert store.check() == [f"mailbox id {info.id} is past the id counter 0"]
    assert store.repair() == [f"mailbox id counter raised from 0 to {info.id}"]
    assert store.check() == []
    assert (await store.create_mailbox("user.alice")).id > info.id


async def test_a_version_1_store_is_upgraded_in_place(tmp_path: Path,
                                                      partitions: dict[str, Path]) -> None:
    """Schema v2 starts the id counter past the ids a v1 store gave out."""
    path = tmp_path / "mailstore.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    MIGRATIONS[0](db)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    db.execute("INSERT INTO schema_version (version) VALUES (1)")
    db.execute("INSERT INTO mailboxes (id, name, uidvalidity, partition, created)"
               " VALUES (7, 'user.bob', 1, 'default', 0)")
    db.execute("COMMIT")
    db.close()
    store = SqliteStore(path, partitions)
    try:
        assert (await store.get_mailbox("user.bob")).id == 7
        assert (await store.create_mailbox("user.alice")).id == 8
        assert store.check() == []
    finally:
        await store.close()


async def test_append_messages_is_one_commit(store: SqliteStore,
                                             make_message: Message) -> None:
    """The writer's group commit: a batch is one transaction (the conformance
    suite checks what it looks like from the API)."""
    info = await store.create_mailbox("user.bob")
    commits = store._writer.commits
    await store.append_messages(info.id, [AppendMessage(make_message(n)) for n in range(2)])
    assert store._writer.commits == commits + 1


async def test_delete_a_tree_is_one_commit_and_kept_under_deleted(
        store: SqliteStore) -> None:
    inbox = await store.create_mailbox("user.carol")
    for name in ("user.carol.Sent", "user.caroline"):
        await store.create_mailbox(name)
    commits = store._writer.commits
    await store.delete_mailbox(inbox.id, children=True)
    assert store._writer.commits == commits + 1
    left = [m.name for m in await store.list_mailboxes()]
    assert len(left) == 3  # delayed delete keeps the two under DELETED
    assert store.check() == []
