"""A user as one unit of the store, each operation one transaction: creating
a user (autocreate) and renaming one. What a rename moves is what the
SQLite backend moves (`store/sqlite/user_ops.py` says it in full): the
user's mailboxes with their quota roots, every ACL entry naming the user
(`-bob` too), subscriptions and \\Seen state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from roost.store import names
from roost.store.api import MailboxExists, MailboxInfo
from roost.store.postgres import quota
from roost.store.postgres.mailbox_ops import (
    create_mailbox,
    record_change,
    rename_mailbox,
    subscribe,
)
from roost.store.postgres.rows import load_mailbox
from roost.store.postgres.tx import WriteTx
from roost.store.quota_charge import moved_name


async def create_user(tx: WriteTx, userid: str, partition: str, folders: Sequence[str],
                      limits: Mapping[str, int] | None,
                      subscriptions: Sequence[str]) -> MailboxInfo:
    """The INBOX, its folders, its quota root and the user's subscriptions."""
    inbox = await create_mailbox(tx, names.user_inbox(userid), partition, ())
    for name in folders:
        await create_mailbox(tx, name, partition, ())
    if limits is not None:
        await quota.set_quota(tx, inbox.name, limits)
    for name in subscriptions:
        await subscribe(tx, userid, name)
    return inbox


async def rename_user(tx: WriteTx, old: str, new: str) -> MailboxInfo:
    """Rename user `old` to `new`; the new INBOX. MailboxNotFound without an
    old INBOX, MailboxExists with a new one."""
    old_inbox, new_inbox = names.user_inbox(old), names.user_inbox(new)
    info = await load_mailbox(tx.db, old_inbox)
    if await tx.db.one("SELECT 1 FROM mailboxes WHERE name = %s", (new_inbox,)):
        raise MailboxExists(new_inbox)
    renamed = await rename_mailbox(tx, info.id, new_inbox)
    for prefix in ("", "-"):
        rows = await tx.db.all("SELECT a.mailbox_id, m.name FROM acl a JOIN mailboxes m"
                               " ON m.id = a.mailbox_id WHERE a.identifier = %s",
                               (prefix + old,))
        await _rekey(tx, "acl", "identifier", prefix + old, prefix + new, ("mailbox_id",))
        for mailbox_id, name in rows:
            await record_change(tx, mailbox_id, "acl", name)
    await _rekey(tx, "seen", '"user"', old, new, ("mailbox_id", "uid"))
    await _rekey(tx, "subscriptions", '"user"', old, new, ("name",))
    for user, name in await tx.db.all(
            'SELECT "user", name FROM subscriptions WHERE name = %(top)s'
            " OR starts_with(name, %(top)s || '.')", {"top": old_inbox}):
        await tx.db.run('DELETE FROM subscriptions WHERE "user" = %s AND name = %s', (user, name))
        await subscribe(tx, user, moved_name(name, old_inbox, new_inbox))
    return renamed


async def _rekey(tx: WriteTx, table: str, column: str, old: str, new: str,
                 rest: Sequence[str]) -> None:
    """`column` = old becomes new in `table`; where new already has the row
    (the rest of its key equal), the old one gives way (SQLite's UPDATE OR
    REPLACE)."""
    same = " AND ".join(f"t.{c} = o.{c}" for c in rest)
    await tx.db.run(f"DELETE FROM {table} t USING {table} o WHERE t.{column} = %s"
                    f" AND o.{column} = %s AND {same}", (new, old))
    await tx.db.run(f"UPDATE {table} SET {column} = %s WHERE {column} = %s", (new, old))
