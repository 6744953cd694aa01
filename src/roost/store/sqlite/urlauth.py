"""The `urlauth_keys` table: RFC 4467 mailbox access keys, one per (user,
mailbox id). Rows go with the mailbox in `mailbox_ops.drop`."""

from __future__ import annotations

import sqlite3

from roost.store.sqlite.writer import Writer, WriteTx


def _read(db: sqlite3.Connection, user: str, mailbox_id: int) -> bytes | None:
    row = db.execute("SELECT key FROM urlauth_keys WHERE user = ? AND mailbox_id = ?",
                     (user, mailbox_id)).fetchone()
    return None if row is None else bytes(row[0])


def _keep(tx: WriteTx, user: str, mailbox_id: int, fresh: bytes) -> bytes:
    tx.db.execute("INSERT OR IGNORE INTO urlauth_keys (user, mailbox_id, key) VALUES (?, ?, ?)",
                  (user, mailbox_id, fresh))
    return bytes(tx.db.execute("SELECT key FROM urlauth_keys WHERE user = ? AND mailbox_id = ?",
                               (user, mailbox_id)).fetchone()[0])


def _reset(tx: WriteTx, user: str, mailbox_id: int | None) -> None:
    if mailbox_id is None:
        tx.db.execute("DELETE FROM urlauth_keys WHERE user = ?", (user,))
    else:
        tx.db.execute("DELETE FROM urlauth_keys WHERE user = ? AND mailbox_id = ?",
                      (user, mailbox_id))


class SqliteUrlAuth:
    """`UrlAuthStore` for `SqliteStore` (which inherits it)."""

    _db: sqlite3.Connection
    _writer: Writer

    async def access_key(self, user: str, mailbox_id: int) -> bytes | None:
        return _read(self._db, user, mailbox_id)

    async def make_access_key(self, user: str, mailbox_id: int, fresh: bytes) -> bytes:
        key = _read(self._db, user, mailbox_id)
        if key is not None:
            return key
        return await self._writer.run(lambda tx: _keep(tx, user, mailbox_id, fresh))

    async def reset_keys(self, user: str, mailbox_id: int | None = None) -> None:
        await self._writer.run(lambda tx: _reset(tx, user, mailbox_id))
