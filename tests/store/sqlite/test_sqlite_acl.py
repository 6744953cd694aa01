"""Stored ACLs on SQLite: rows dropped with the mailbox, and an older
store's owners given their rights (the rest: tests/store/conformance)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from roost.store.api import OWNER_RIGHTS, AclEntry
from roost.store.sqlite import SqliteStore
from roost.store.sqlite.schema import MIGRATIONS

ANYONE_LRS = (AclEntry("anyone", "lrs"),)


async def test_deleting_a_mailbox_deletes_its_acl(store: SqliteStore, tmp_path: Path) -> None:
    """RFC 4314 §4: DELETE MUST delete the ACL; a new mailbox of that name
    starts from the creation rule, not from the old entries."""
    info = await store.create_mailbox("news")
    await store.set_acl(info.id, "alice", "lr")
    await store.delete_mailbox(info.id)
    assert (await store.create_mailbox("news")).acl == ()
    db = sqlite3.connect(tmp_path / "mailstore.db")
    assert db.execute("SELECT count(*) FROM acl WHERE mailbox_id = ?", (info.id,)).fetchone() == (0,)
    db.close()


async def test_a_version_2_store_gives_owners_their_rights(tmp_path: Path,
                                                           partitions: dict[str, Path]) -> None:
    path = tmp_path / "mailstore.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    MIGRATIONS[0](db)
    for n, (name, owner) in enumerate([("user.bob", "bob"), ("user.bob.Sent", "bob"),
                                       ("news", None)], 1):
        db.execute("INSERT INTO mailboxes (id, name, uidvalidity, partition, owner, created)"
                   " VALUES (?, ?, 1, 'default', ?, 0)", (n, name, owner))
    MIGRATIONS[1](db)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    db.execute("INSERT INTO schema_version (version) VALUES (2)")
    db.execute("COMMIT")
    db.close()
    store = SqliteStore(path, partitions)
    try:
        assert (await store.get_mailbox("user.bob.Sent")).acl == (AclEntry("bob", OWNER_RIGHTS),)
        assert (await store.get_mailbox("news")).acl == ()
        assert store.check() == []
    finally:
        await store.close()
