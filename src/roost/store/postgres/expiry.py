"""`RetentionStore` on PostgreSQL (store/retention.py): delayed expunge's
held tombstones listed, restored, let go; tombstones and change rows
purged when old; mailboxes kept by delayed delete dropped when old.

The SQLite backend's rules (store/sqlite/expiry.py): a held tombstone
(`expunged = HELD`) keeps its reference to its body, so restoring one
hands that reference to the new record and letting go of one releases
it; every purge of a mailbox's change rows raises its `deletedmodseq` to
the highest MODSEQ it removed, in the same transaction. Here each
operation first locks the rows of the mailboxes it changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from roost.store import flags as flagbits
from roost.store import names
from roost.store.postgres import quota
from roost.store.postgres.mailbox_ops import drop
from roost.store.postgres.refs import bump_modseq, release_blob
from roost.store.postgres.rows import GONE, HELD, load_mailbox_id
from roost.store.postgres.tx import Database, Db, WriteTx
from roost.store.records import from_epoch, to_epoch
from roost.store.retention import ExpungedMessage, ExpungePurge

_TOMBSTONES = ("SELECT uid, sysflags, keywords, internaldate, size, blob, expunged_at, expunged"
               " FROM messages WHERE mailbox_id = %s AND expunged != 0 ORDER BY uid")


async def expunged(db: Db, mailbox_id: int) -> list[ExpungedMessage]:
    """The mailbox's tombstones, by UID."""
    await load_mailbox_id(db, mailbox_id)
    return [ExpungedMessage(uid, flagbits.decode(bits, keywords), from_epoch(internaldate), size,
                            blob, None if at is None else from_epoch(at), state == HELD)
            for uid, bits, keywords, internaldate, size, blob, at, state
            in await db.all(_TOMBSTONES, (mailbox_id,))]


async def unexpunge(tx: WriteTx, mailbox_id: int, uids: Sequence[int] | None,
                    since: float | None, clear_deleted: bool,
                    add_flags: Sequence[str]) -> list[tuple[int, int]]:
    """Held tombstones back as new records at one new MODSEQ and new UIDs."""
    info = await load_mailbox_id(tx.db, mailbox_id, lock=True)
    rows = await tx.db.all(
        "SELECT uid, sysflags, keywords, internaldate, size, blob, partition, savedate"
        " FROM messages WHERE mailbox_id = %s AND expunged = %s"
        " AND coalesce(expunged_at, 0) >= %s ORDER BY uid", (mailbox_id, HELD, since or 0))
    if uids is not None:
        wanted = set(uids)
        rows = [row for row in rows if row[0] in wanted]
    if not rows:
        return []
    await quota.charge(tx, [(info.name, sum(row[4] for row in rows), len(rows))])
    modseq = await bump_modseq(tx, mailbox_id)
    extra = set(flagbits.normalize(add_flags))
    restored = []
    for new_uid, (uid, bits, keywords, internaldate, size, blob, partition, saved) in enumerate(
            rows, start=info.uidnext):
        flags = set(flagbits.decode(bits, keywords)) | extra
        if clear_deleted:
            flags.discard("\\Deleted")
        new_bits, new_keywords = flagbits.encode(frozenset(flags))
        # RFC 8514 §3: back in the mailbox it was saved to, with that save date.
        await tx.db.run(
            "INSERT INTO messages (mailbox_id, uid, modseq, sysflags, keywords, internaldate,"
            " size, blob, partition, savedate) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (mailbox_id, new_uid, modseq, new_bits, new_keywords, internaldate, size, blob,
             partition, saved))
        restored.append((uid, new_uid))
    # The new records hold the bodies now.
    await tx.db.run("UPDATE messages SET expunged = %s WHERE mailbox_id = %s AND uid = ANY(%s)",
                    (GONE, mailbox_id, [old for old, _ in restored]))
    await tx.db.run("UPDATE mailboxes SET uidnext = %s WHERE id = %s",
                    (info.uidnext + len(rows), mailbox_id))
    return restored


_IN_SCOPE = "mailbox_id IN (SELECT id FROM mailboxes WHERE starts_with(name, %s))"


async def expire_expunged(tx: WriteTx, before: float, prefix: str) -> ExpungePurge:
    """Purge what expunges left behind before `before` in the mailboxes named
    `prefix...` (cyr_expire -X, -p): tombstones (held bodies released) and
    mailbox-level change rows, each mailbox's `deletedmodseq` raised to the
    highest MODSEQ purged from it. Change rows of mailboxes already gone
    (whose rows told sessions so) go by the name they had."""
    old = f"expunged != 0 AND coalesce(expunged_at, 0) < %s AND {_IN_SCOPE}"
    await tx.db.all("SELECT 1 FROM mailboxes WHERE starts_with(name, %s) ORDER BY id"
                    " FOR UPDATE", (prefix,))
    bodies = await tx.db.all(f"SELECT blob, partition, count(*) FROM messages WHERE {old}"
                             f" AND expunged = {HELD} GROUP BY blob, partition ORDER BY blob",
                             (before, prefix))
    for key, partition, count in bodies:
        await release_blob(tx, key, partition, count)
    tombstones = await _purge(tx, "messages", old, (before, prefix))
    changes = await _purge(tx, "mailbox_changes", f"coalesce(at, 0) < %s AND {_IN_SCOPE}",
                           (before, prefix))
    gone = await tx.db.run(
        "DELETE FROM mailbox_changes WHERE coalesce(at, 0) < %s AND starts_with(name, %s)"
        " AND mailbox_id NOT IN (SELECT id FROM mailboxes)", (before, prefix))
    return ExpungePurge(sum(int(row[2]) for row in bodies), tombstones, changes + gone)


async def _purge(tx: WriteTx, table: str, where: str, params: tuple[object, ...]) -> int:
    """Delete the rows of `table` (messages or mailbox_changes) matching
    `where`, raising each mailbox's `deletedmodseq` past them; how many."""
    highest = await tx.db.all(f"SELECT mailbox_id, max(modseq), count(*) FROM {table}"
                              f" WHERE {where} GROUP BY mailbox_id ORDER BY mailbox_id", params)
    if not highest:
        return 0
    await tx.db.run(f"DELETE FROM {table} WHERE {where}", params)
    for mailbox_id, modseq, _ in highest:
        await tx.db.run("UPDATE mailboxes SET deletedmodseq = greatest(deletedmodseq, %s)"
                        " WHERE id = %s", (modseq, mailbox_id))
    return sum(int(row[2]) for row in highest)


async def expire_deleted(tx: WriteTx, before: float, deleted_prefix: str,
                         prefix: str) -> list[str]:
    """Drop the mailboxes delayed delete kept, deleted before `before`, whose
    original name starts with `prefix` (cyr_expire -D, -p); their names."""
    gone = []
    for mailbox_id, name in await tx.db.all("SELECT id, name FROM mailboxes ORDER BY name"):
        stamp = names.deleted_stamp(name, deleted_prefix)
        domain, bang, local = name.rpartition("!")
        original = domain + bang + local[len(deleted_prefix) + 1:]
        if stamp is not None and stamp < before and original.startswith(prefix):
            await drop(tx, await load_mailbox_id(tx.db, mailbox_id, lock=True))
            gone.append(name)
    return gone


class PostgresRetention:
    """Mixed into `PostgresStore`, which holds the database and `deleted_prefix`."""

    _db: Database
    deleted_prefix: str

    async def expunged_messages(self, mailbox_id: int) -> list[ExpungedMessage]:
        return await self._db.read(lambda db: expunged(db, mailbox_id))

    async def unexpunge(self, mailbox_id: int, uids: Sequence[int] | None = None, *,
                        since: datetime | None = None, clear_deleted: bool = False,
                        add_flags: Sequence[str] = ()) -> list[tuple[int, int]]:
        after = None if since is None else to_epoch(since)
        return await self._db.write(lambda tx: unexpunge(
            tx, mailbox_id, uids, after, clear_deleted, add_flags))

    async def expire_deleted(self, before: datetime, prefix: str = "") -> list[str]:
        return await self._db.write(lambda tx: expire_deleted(
            tx, to_epoch(before), self.deleted_prefix, prefix))

    async def expire_expunged(self, before: datetime, prefix: str = "") -> ExpungePurge:
        return await self._db.write(
            lambda tx: expire_expunged(tx, to_epoch(before), prefix))
