"""RFC 5464 annotations (`MetadataStore`) and RFC 4467 URLAUTH access keys
(`UrlAuthStore`) on PostgreSQL: the rows and rules of the SQLite tables
(`store/sqlite/metadata.py`, `urlauth.py`). A metadata row is (mailbox_id,
entry, owner, value), mailbox_id 0 for the server, owner '' for /shared;
both go with their mailbox (`mailbox_ops.drop`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from roost.store.api import MailboxInfo
from roost.store.metadata import PRIVATE, SHARED, MetadataTooMany
from roost.store.postgres.rows import load_mailbox_id
from roost.store.postgres.tx import Database, Db, WriteTx
from roost.store.sqlite.metadata import SERVER
from roost.store.sqlite.metadata import _split as split_entry


async def read(db: Db, mailbox_id: int | None, user: str) -> dict[str, bytes]:
    if mailbox_id is not None:
        await load_mailbox_id(db, mailbox_id)  # MailboxNotFound when it went
    rows = await db.all("SELECT entry, owner, value FROM metadata WHERE mailbox_id = %s"
                        " AND owner IN ('', %s)", (mailbox_id or SERVER, user))
    return {(PRIVATE if owner else SHARED) + entry: bytes(value) for entry, owner, value in rows}


async def write(tx: WriteTx, mailbox_id: int | None, user: str,
                values: Mapping[str, bytes | None], max_entries: int) -> None:
    """All entries or none (RFC 5464 §4.3): the mailbox row is locked, so
    the count of entries another process adds meanwhile is seen."""
    key = mailbox_id or SERVER
    if mailbox_id is not None:
        await load_mailbox_id(tx.db, mailbox_id, lock=True)

    async def count(owner: str) -> int:
        row = await tx.db.one("SELECT count(*) FROM metadata WHERE mailbox_id = %s"
                              " AND owner = %s", (key, owner))
        return int(row[0]) if row else 0

    split = {name: split_entry(name, user) for name in values}
    before = {owner: await count(owner) for _, owner in split.values()}
    for name, value in values.items():
        entry, owner = split[name]
        if value is None:
            await tx.db.run("DELETE FROM metadata WHERE mailbox_id = %s AND entry = %s"
                            " AND owner = %s", (key, entry, owner))
        else:
            await tx.db.run("INSERT INTO metadata (mailbox_id, entry, owner, value)"
                            " VALUES (%s, %s, %s, %s) ON CONFLICT (mailbox_id, entry, owner)"
                            " DO UPDATE SET value = excluded.value", (key, entry, owner, value))
    for owner, held in before.items():
        now = await count(owner)
        if now > max_entries and now > held:
            raise MetadataTooMany()  # the transaction is undone whole


async def set_special_use(tx: WriteTx, mailbox_id: int, special_use: Sequence[str]
                          ) -> MailboxInfo:
    await load_mailbox_id(tx.db, mailbox_id, lock=True)
    await tx.db.run("UPDATE mailboxes SET special_use = %s WHERE id = %s",
                    (" ".join(special_use), mailbox_id))
    return await load_mailbox_id(tx.db, mailbox_id)


async def _key(db: Db, user: str, mailbox_id: int) -> bytes | None:
    row = await db.one('SELECT key FROM urlauth_keys WHERE "user" = %s AND mailbox_id = %s',
                       (user, mailbox_id))
    return None if row is None else bytes(row[0])


async def _keep(tx: WriteTx, user: str, mailbox_id: int, fresh: bytes) -> bytes:
    """The key already there, or `fresh` (two sessions asking at once end with one)."""
    await tx.db.run('INSERT INTO urlauth_keys ("user", mailbox_id, key) VALUES (%s, %s, %s)'
                    " ON CONFLICT DO NOTHING", (user, mailbox_id, fresh))
    return await _key(tx.db, user, mailbox_id) or fresh


async def _reset(tx: WriteTx, user: str, mailbox_id: int | None) -> None:
    if mailbox_id is None:
        await tx.db.run('DELETE FROM urlauth_keys WHERE "user" = %s', (user,))
    else:
        await tx.db.run('DELETE FROM urlauth_keys WHERE "user" = %s AND mailbox_id = %s',
                        (user, mailbox_id))


class PostgresAnnotations:
    """`MetadataStore` and `UrlAuthStore` for PostgresStore (which inherits them)."""

    _db: Database

    async def metadata(self, mailbox_id: int | None, user: str) -> dict[str, bytes]:
        return await self._db.read(lambda db: read(db, mailbox_id, user))

    async def set_metadata(self, mailbox_id: int | None, user: str,
                           values: Mapping[str, bytes | None], max_entries: int) -> None:
        await self._db.write(lambda tx: write(tx, mailbox_id, user, values, max_entries))

    async def set_special_use(self, mailbox_id: int, special_use: Sequence[str]) -> MailboxInfo:
        return await self._db.write(lambda tx: set_special_use(tx, mailbox_id, special_use))

    async def access_key(self, user: str, mailbox_id: int) -> bytes | None:
        return await self._db.read(lambda db: _key(db, user, mailbox_id), snapshot=False)

    async def make_access_key(self, user: str, mailbox_id: int, fresh: bytes) -> bytes:
        key = await self.access_key(user, mailbox_id)
        if key is not None:
            return key
        return await self._db.write(lambda tx: _keep(tx, user, mailbox_id, fresh))

    async def reset_keys(self, user: str, mailbox_id: int | None = None) -> None:
        await self._db.write(lambda tx: _reset(tx, user, mailbox_id))
