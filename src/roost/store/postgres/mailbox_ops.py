"""Write operations on the mailbox list, ACLs, subscriptions and \\Recent
marks, each inside the transaction `Database.write` opened.

The SQLite backend's rules (`store/sqlite/mailbox_ops.py`): ids and
UIDVALIDITY never reused (RFC 9051 §2.3.1.1), Cyrus's ACL inheritance, a
deletion or rename recorded in `mailbox_changes` at a new MODSEQ. Here
every operation locks the rows of the mailboxes it changes first.
Deletion is immediate, or with delete_mode: delayed a move under
`deletedprefix` (`retire`), as on SQLite.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from roost.store import names
from roost.store.acl_edit import edited_rights
from roost.store.api import OWNER_RIGHTS, AclEntry, FlagOp, MailboxExists, MailboxInfo
from roost.store.postgres import quota
from roost.store.postgres.refs import bump_modseq, release_blob
from roost.store.postgres.rows import GONE, MAILBOX_COLUMNS, load_mailbox_id, mailbox_info
from roost.store.postgres.tx import WriteTx
from roost.store.quota_charge import moved_name


async def next_counter(tx: WriteTx, key: str, floor: int) -> int:
    """max(floor, last + 1) for the `meta` counter `key`, row-locked to the commit."""
    row = await tx.db.one("UPDATE meta SET value = greatest(%s, value + 1) WHERE key = %s"
                          " RETURNING value", (floor, key))
    if row is None:
        raise KeyError(key)
    return int(row[0])


async def create_mailbox(tx: WriteTx, name: str, partition: str, special_use: Sequence[str],
                         default_acl: Sequence[AclEntry] = ()) -> MailboxInfo:
    """A new mailbox with a never-given id and UIDVALIDITY, and its ACL as
    `Store.create_mailbox` says (inherited, owner's, or default)."""
    tx.blobs.partition_location(partition)  # an unknown partition is refused first
    if await tx.db.one("SELECT 1 FROM mailboxes WHERE name = %s", (name,)):
        raise MailboxExists(name)
    await quota.check_new_mailbox(tx, name)
    mailbox_id = await next_counter(tx, "mailboxid", 1)
    uidvalidity = await next_counter(tx, "uidvalidity", int(time.time()))
    inserted = await tx.db.run(
        "INSERT INTO mailboxes (id, name, uidvalidity, partition, owner, special_use, created)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (name) DO NOTHING",
        (mailbox_id, name, uidvalidity, partition, names.owner_of(name), " ".join(special_use),
         int(time.time())))
    if not inserted:  # another process created it since the check
        raise MailboxExists(name)
    for entry in await initial_acl(tx, name, default_acl):
        await set_acl(tx, mailbox_id, entry.identifier, entry.rights, "replace", record=False)
    return await load_mailbox_id(tx.db, mailbox_id)


async def initial_acl(tx: WriteTx, name: str,
                      default_acl: Sequence[AclEntry]) -> Sequence[AclEntry]:
    """Cyrus's rule (mboxlist_create_acl): the nearest existing ancestor's
    ACL; else the owner's full rights for a personal mailbox; else the default."""
    parent = name
    while "." in parent.rpartition("!")[2]:
        parent = parent.rpartition(".")[0]
        row = await tx.db.one("SELECT id FROM mailboxes WHERE name = %s", (parent,))
        if row is not None:
            return (await load_mailbox_id(tx.db, row[0])).acl
    owner = names.owner_of(name)
    return [AclEntry(owner, OWNER_RIGHTS)] if owner is not None else default_acl


async def set_acl(tx: WriteTx, mailbox_id: int, identifier: str, rights: str, mode: FlagOp, *,
                  record: bool = True) -> MailboxInfo:
    """Replace, add to or take from one ACL entry (dropped when left empty),
    read and written under the mailbox's row lock; a new identifier goes last."""
    info = await load_mailbox_id(tx.db, mailbox_id, lock=True)
    rights = edited_rights(info, identifier, rights, mode)
    if not rights:
        await tx.db.run("DELETE FROM acl WHERE mailbox_id = %s AND identifier = %s",
                        (mailbox_id, identifier))
    else:
        await tx.db.run(
            "INSERT INTO acl (mailbox_id, identifier, position, rights) VALUES (%(id)s, %(who)s,"
            " (SELECT coalesce(max(position), 0) + 1 FROM acl WHERE mailbox_id = %(id)s),"
            " %(rights)s) ON CONFLICT (mailbox_id, identifier) DO UPDATE"
            " SET rights = excluded.rights",
            {"id": mailbox_id, "who": identifier, "rights": rights})
    if record:
        await record_change(tx, mailbox_id, "acl", info.name)
    return await load_mailbox_id(tx.db, mailbox_id)


async def subtree(tx: WriteTx, name: str) -> list[MailboxInfo]:
    """Every mailbox strictly below `name`, deepest (longest name) first, locked."""
    rows = await tx.db.all(f"SELECT {MAILBOX_COLUMNS} FROM mailboxes"
                           " WHERE starts_with(name, %s) ORDER BY id FOR UPDATE OF mailboxes",
                           (name + ".",))
    return sorted(map(mailbox_info, rows), key=lambda info: info.name, reverse=True)


async def _leave_quota(tx: WriteTx, info: MailboxInfo) -> bool:
    """Take the mailbox's live usage off the root covering it, or drop the
    root if it is one (a root goes with its mailbox, as in Cyrus); True then."""
    was_root = await quota.drop_root(tx, info.name)
    if not was_root:
        row = await tx.db.one("SELECT coalesce(sum(size), 0), count(*) FROM messages"
                              " WHERE mailbox_id = %s AND expunged = 0", (info.id,))
        if row is not None:
            await quota.charge(tx, [(info.name, -int(row[0]), -int(row[1]))])
    return was_root


async def _forget(tx: WriteTx, info: MailboxInfo, was_root: bool) -> None:
    """Remove the mailbox row and tell sessions holding its id it is gone."""
    await tx.db.run("DELETE FROM mailboxes WHERE id = %s", (info.id,))
    await tx.db.run("INSERT INTO mailbox_changes (mailbox_id, modseq, kind, name, at)"
                    " VALUES (%s, %s, 'deleted', %s, %s)",
                    (info.id, info.highestmodseq + 1, info.name, time.time()))
    tx.touched.add(info.id)
    if was_root:  # children left behind fall to the root above, if any
        await quota.recount(tx.db, await quota.root_of(tx.db, info.name))


async def drop(tx: WriteTx, info: MailboxInfo) -> None:
    """Drop one mailbox, its records, tombstones, seen state, ACL,
    annotations and URLAUTH keys; release its bodies (those held
    tombstones keep too), free its quota (or drop the root it is)."""
    for key, partition, count in await tx.db.all(
            "SELECT blob, partition, count(*) FROM messages WHERE mailbox_id = %s"
            f" AND expunged != {GONE} GROUP BY blob, partition ORDER BY blob", (info.id,)):
        await release_blob(tx, key, partition, count)
    was_root = await _leave_quota(tx, info)
    # RFC 4314 §4: DELETE MUST delete the mailbox's ACL; RFC 5464 §4.1 its
    # annotations; RFC 4467 §2.3 its URLAUTH keys, so old URLs stay invalid.
    for table in ("messages", "seen", "acl", "metadata", "urlauth_keys"):
        await tx.db.run(f"DELETE FROM {table} WHERE mailbox_id = %s", (info.id,))
    await _forget(tx, info, was_root)


async def retire(tx: WriteTx, info: MailboxInfo, prefix: str) -> None:
    """Delayed delete (Cyrus's delete_mode: delayed), as SQLite's `retire`:
    the mailbox leaves every client as DELETE says, but its messages, seen
    state, ACL and annotations move, under a new id, to `deleted_name`
    under `prefix`, for an administrator to RENAME back or `cyr_expire -D`
    to drop. Its usage leaves its root."""
    stamp = int(time.time())
    while await tx.db.one("SELECT 1 FROM mailboxes WHERE name = %s",
                          (names.deleted_name(info.name, prefix, stamp),)):
        stamp += 1  # deleted twice within a second
    kept = names.deleted_name(info.name, prefix, stamp)
    kept_id = await next_counter(tx, "mailboxid", 1)
    await tx.db.run(
        "INSERT INTO mailboxes (id, name, uidvalidity, uidnext, highestmodseq, partition, owner,"
        " recentuid, special_use, created) SELECT %s, %s, uidvalidity, uidnext, highestmodseq,"
        " partition, NULL, recentuid, '', created FROM mailboxes WHERE id = %s",
        (kept_id, kept, info.id))
    was_root = await _leave_quota(tx, info)
    for table in ("messages", "seen", "acl", "metadata"):
        await tx.db.run(f"UPDATE {table} SET mailbox_id = %s WHERE mailbox_id = %s",
                        (kept_id, info.id))
    # RFC 4467 §2.3: URLAUTH keys go with the mailbox as DELETE shows it to clients.
    await tx.db.run("DELETE FROM urlauth_keys WHERE mailbox_id = %s", (info.id,))
    await _forget(tx, info, was_root)
    await quota.recount(tx.db, await quota.root_of(tx.db, kept))


async def delete_mailbox(tx: WriteTx, mailbox_id: int, children: bool,
                         deleted_prefix: str | None) -> list[MailboxInfo]:
    """Delete the mailbox (and with `children` its whole subtree) at once;
    with `deleted_prefix` (delayed delete) keep each under it, unless it is
    there already."""
    info = await load_mailbox_id(tx.db, mailbox_id, lock=True)
    doomed = [*(await subtree(tx, info.name) if children else []), info]
    for each in doomed:
        if deleted_prefix and not names.in_deleted_hierarchy(each.name, deleted_prefix):
            await retire(tx, each, deleted_prefix)
        else:
            await drop(tx, each)
    return doomed


async def rename_mailbox(tx: WriteTx, mailbox_id: int, new: str) -> MailboxInfo:
    """Rename the mailbox and its children, keeping ids; quota roots of the
    subtree move with it and every root the messages may have left or
    joined is recounted."""
    info = await load_mailbox_id(tx.db, mailbox_id, lock=True)
    old = info.name
    moves = [(each.id, new + each.name[len(old):]) for each in [info, *await subtree(tx, old)]]
    for _, target in moves:
        names.validate_internal(target)
        if await tx.db.one("SELECT 1 FROM mailboxes WHERE name = %s", (target,)):
            raise MailboxExists(target)
    roots = {await quota.root_of(tx.db, old), await quota.root_of(tx.db, new)}
    await quota.rename_roots(tx, old, new)
    for each_id, target in moves:
        await tx.db.run("UPDATE mailboxes SET name = %s, owner = %s WHERE id = %s",
                        (target, names.owner_of(target), each_id))
        await record_change(tx, each_id, "renamed", target)
    moved = {moved_name(root, old, new) for root in roots if root is not None}
    for root in moved | {await quota.root_of(tx.db, new)}:
        await quota.recount(tx.db, root)
    return await load_mailbox_id(tx.db, mailbox_id)


async def record_change(tx: WriteTx, mailbox_id: int, kind: str, name: str) -> None:
    """Note a mailbox-level change (`renamed`, `acl`) at a new MODSEQ of the mailbox."""
    modseq = await bump_modseq(tx, mailbox_id)
    await tx.db.run("INSERT INTO mailbox_changes (mailbox_id, modseq, kind, name, at)"
                    " VALUES (%s, %s, %s, %s, %s)", (mailbox_id, modseq, kind, name, time.time()))


async def subscribe(tx: WriteTx, user: str, name: str) -> None:
    await tx.db.run('INSERT INTO subscriptions ("user", name) VALUES (%s, %s)'
                    " ON CONFLICT DO NOTHING", (user, name))


async def unsubscribe(tx: WriteTx, user: str, name: str) -> None:
    await tx.db.run('DELETE FROM subscriptions WHERE "user" = %s AND name = %s', (user, name))


async def claim_recent(tx: WriteTx, mailbox_id: int, upto: int | None) -> int:
    """RFC 3501 §2.3.2: the first session to see a message gets \\Recent for it."""
    info = await load_mailbox_id(tx.db, mailbox_id, lock=True)
    row = await tx.db.one("SELECT recentuid FROM mailboxes WHERE id = %s", (info.id,))
    old = int(row[0]) if row else 0
    mark = info.uidnext - 1 if upto is None else upto
    if mark > old:
        await tx.db.run("UPDATE mailboxes SET recentuid = %s WHERE id = %s", (mark, info.id))
    return old
