"""The `metadata` table: RFC 5464 annotations of mailboxes and of the server.

A row is (mailbox_id, entry, owner, value): `mailbox_id` 0 is the server
(no mailbox has id 0: ids start at 1), `entry` the name without its scope
(`/comment`), `owner` '' for `/shared` and the user id for `/private`.
Rows go with the mailbox in `mailbox_ops.drop` and move with it in
`mailbox_ops.retire`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from roost.store.api import MailboxInfo
from roost.store.metadata import PRIVATE, SHARED, MetadataTooMany
from roost.store.sqlite.rows import load_mailbox_id
from roost.store.sqlite.writer import Writer, WriteTx

SERVER = 0


def _split(name: str, user: str) -> tuple[str, str]:
    """(entry without scope, owner) of a full entry name."""
    if name.startswith(PRIVATE + "/"):
        return name[len(PRIVATE):], user
    if name.startswith(SHARED + "/"):
        return name[len(SHARED):], ""
    raise ValueError(f"entry {name!r} has no scope")


def read(db: sqlite3.Connection, mailbox_id: int | None, user: str) -> dict[str, bytes]:
    if mailbox_id is not None:
        load_mailbox_id(db, mailbox_id)  # MailboxNotFound when it went
    rows = db.execute("SELECT entry, owner, value FROM metadata WHERE mailbox_id = ?"
                      " AND owner IN ('', ?)", (mailbox_id or SERVER, user)).fetchall()
    return {(PRIVATE if owner else SHARED) + entry: bytes(value) for entry, owner, value in rows}


def write(tx: WriteTx, mailbox_id: int | None, user: str,
          values: Mapping[str, bytes | None], max_entries: int) -> None:
    key = mailbox_id or SERVER
    if mailbox_id is not None:
        load_mailbox_id(tx.db, mailbox_id)
    def count(owner: str) -> int:
        return int(tx.db.execute("SELECT count(*) FROM metadata WHERE mailbox_id = ?"
                                 " AND owner = ?", (key, owner)).fetchone()[0])

    split = {name: _split(name, user) for name in values}
    before = {owner: count(owner) for _, owner in split.values()}
    for name, value in values.items():
        entry, owner = split[name]
        if value is None:
            tx.db.execute("DELETE FROM metadata WHERE mailbox_id = ? AND entry = ? AND owner = ?",
                          (key, entry, owner))
        else:
            tx.db.execute("INSERT OR REPLACE INTO metadata (mailbox_id, entry, owner, value)"
                          " VALUES (?, ?, ?, ?)", (key, entry, owner, value))
    for owner, held in before.items():
        now = count(owner)
        if now > max_entries and now > held:
            raise MetadataTooMany()  # the writer undoes this operation's savepoint


def set_special_use(tx: WriteTx, mailbox_id: int, special_use: Sequence[str]) -> MailboxInfo:
    load_mailbox_id(tx.db, mailbox_id)
    tx.db.execute("UPDATE mailboxes SET special_use = ? WHERE id = ?",
                  (" ".join(special_use), mailbox_id))
    return load_mailbox_id(tx.db, mailbox_id)


class SqliteMetadata:
    """`MetadataStore` for `SqliteStore` (which inherits it)."""

    _db: sqlite3.Connection
    _writer: Writer

    async def metadata(self, mailbox_id: int | None, user: str) -> dict[str, bytes]:
        return read(self._db, mailbox_id, user)

    async def set_metadata(self, mailbox_id: int | None, user: str,
                           values: Mapping[str, bytes | None], max_entries: int) -> None:
        await self._writer.run(lambda tx: write(tx, mailbox_id, user, values, max_entries))

    async def set_special_use(self, mailbox_id: int, special_use: Sequence[str]) -> MailboxInfo:
        return await self._writer.run(lambda tx: set_special_use(tx, mailbox_id, special_use))
