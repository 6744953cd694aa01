"""Write operations on the mailbox list, subscriptions and \\Recent marks.

Each function runs on the writer thread inside the batch transaction
(see `writer`), raises the API's domain errors, and is undone alone if it
raises. A deletion or rename is recorded in `mailbox_changes` at a new
MODSEQ of the mailbox, so a session holding its id learns of it from
`changes_since` (and IDLE wakes, since the MODSEQ moved or the row went).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from roost.store import names
from roost.store.acl_edit import edited_rights
from roost.store.api import OWNER_RIGHTS, AclEntry, FlagOp, MailboxExists, MailboxInfo
from roost.store.quota_charge import moved_name
from roost.store.sqlite import quota
from roost.store.sqlite.refs import bump_modseq, release_blob
from roost.store.sqlite.rows import load_mailbox_id
from roost.store.sqlite.writer import WriteTx


def _next_counter(tx: WriteTx, key: str, floor: int) -> int:
    """max(floor, last + 1) for the `meta` counter `key`, recorded."""
    row = tx.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    value = max(floor, (row[0] if row else 0) + 1)
    tx.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
    return value


def create_mailbox(tx: WriteTx, name: str, partition: str, special_use: Sequence[str],
                   default_acl: Sequence[AclEntry] = ()) -> MailboxInfo:
    """A new mailbox with an id and a UIDVALIDITY never given before, and
    its ACL as `Store.create_mailbox` says (inherited, owner's, or default).

    RFC 9051 §2.3.1.1: a re-created name must not reuse an old UIDVALIDITY;
    likewise its id is new, so a session holding the old id is not fooled.
    """
    tx.blobs.partition_location(partition)  # an unknown partition is refused before it is recorded
    exists = tx.db.execute("SELECT 1 FROM mailboxes WHERE name = ?", (name,)).fetchone()
    if exists:
        raise MailboxExists(name)
    quota.check_new_mailbox(tx, name)
    mailbox_id = _next_counter(tx, "mailboxid", 1)
    tx.db.execute(
        "INSERT INTO mailboxes (id, name, uidvalidity, partition, owner, special_use, created)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (mailbox_id, name, _next_counter(tx, "uidvalidity", int(time.time())), partition,
         names.owner_of(name), " ".join(special_use), int(time.time())))
    for entry in initial_acl(tx, name, default_acl):
        set_acl(tx, mailbox_id, entry.identifier, entry.rights, "replace", record=False)
    return load_mailbox_id(tx.db, mailbox_id)


def initial_acl(tx: WriteTx, name: str, default_acl: Sequence[AclEntry]) -> Sequence[AclEntry]:
    """Cyrus's rule (mboxlist_create_acl): the nearest existing ancestor's
    ACL; else the owner's full rights for a personal mailbox; else the default."""
    parent = name
    while "." in parent.rpartition("!")[2]:
        parent = parent.rpartition(".")[0]
        row = tx.db.execute("SELECT id FROM mailboxes WHERE name = ?", (parent,)).fetchone()
        if row is not None:
            return load_mailbox_id(tx.db, row[0]).acl
    owner = names.owner_of(name)
    return [AclEntry(owner, OWNER_RIGHTS)] if owner is not None else default_acl


def set_acl(tx: WriteTx, mailbox_id: int, identifier: str, rights: str, mode: FlagOp, *,
            record: bool = True) -> MailboxInfo:
    """Replace, add to or take from one ACL entry (dropped when left empty);
    a new identifier goes last. Recorded as an `acl` change unless the
    mailbox is being made."""
    info = load_mailbox_id(tx.db, mailbox_id)
    rights = edited_rights(info, identifier, rights, mode)
    if not rights:
        tx.db.execute("DELETE FROM acl WHERE mailbox_id = ? AND identifier = ?",
                      (mailbox_id, identifier))
    else:
        tx.db.execute(
            "INSERT INTO acl (mailbox_id, identifier, position, rights) VALUES (?1, ?2,"
            " (SELECT coalesce(max(position), 0) + 1 FROM acl WHERE mailbox_id = ?1), ?3)"
            " ON CONFLICT (mailbox_id, identifier) DO UPDATE SET rights = excluded.rights",
            (mailbox_id, identifier, rights))
    if record:
        record_change(tx, mailbox_id, "acl", info.name)
    return load_mailbox_id(tx.db, mailbox_id)


def _children(tx: WriteTx, name: str) -> list[MailboxInfo]:
    """Every mailbox strictly below `name`, deepest (longest name) first."""
    rows = tx.db.execute("SELECT id FROM mailboxes WHERE substr(name, 1, ?) = ?",
                         (len(name) + 1, name + ".")).fetchall()
    found = [load_mailbox_id(tx.db, row[0]) for row in rows]
    return sorted(found, key=lambda info: info.name, reverse=True)


def _leave_quota(tx: WriteTx, info: MailboxInfo) -> bool:
    """Take the mailbox's live usage off the root covering it, or drop the
    root if it is one (a root goes with its mailbox, as in Cyrus); True then."""
    was_root = quota.drop_root(tx, info.name)
    if not was_root:
        size, count = tx.db.execute("SELECT coalesce(sum(size), 0), count(*) FROM messages"
                                    " WHERE mailbox_id = ? AND expunged = 0", (info.id,)).fetchone()
        quota.charge(tx, [(info.name, -size, -count)])
    return was_root


def _forget(tx: WriteTx, info: MailboxInfo, was_root: bool) -> None:
    """Remove the mailbox row and tell sessions holding its id it is gone."""
    tx.db.execute("DELETE FROM mailboxes WHERE id = ?", (info.id,))
    tx.db.execute("INSERT INTO mailbox_changes (mailbox_id, modseq, kind, name, at)"
                  " VALUES (?, ?, 'deleted', ?, ?)",
                  (info.id, info.highestmodseq + 1, info.name, time.time()))
    if was_root:  # children left behind fall to the root above, if any
        quota.recount(tx.db, quota.root_of(tx.db, info.name))


def drop(tx: WriteTx, info: MailboxInfo) -> None:
    """Drop one mailbox, its records, tombstones and seen state; release
    bodies (those tombstones hold too) and free the quota of the live ones."""
    refs = tx.db.execute(
        "SELECT blob, partition, count(*) FROM messages"
        " WHERE mailbox_id = ? AND expunged != 1 GROUP BY blob, partition", (info.id,)).fetchall()
    for key, partition, count in refs:
        release_blob(tx, key, partition, count)
    was_root = _leave_quota(tx, info)
    tx.db.execute("DELETE FROM messages WHERE mailbox_id = ?", (info.id,))
    tx.db.execute("DELETE FROM seen WHERE mailbox_id = ?", (info.id,))
    # RFC 4314 §4: DELETE MUST delete the mailbox's ACL.
    tx.db.execute("DELETE FROM acl WHERE mailbox_id = ?", (info.id,))
    # RFC 5464 §4.1: a deleted mailbox's annotations go with it.
    tx.db.execute("DELETE FROM metadata WHERE mailbox_id = ?", (info.id,))
    # RFC 4467 §2.3: its URLAUTH keys too, so old URLs stay invalid.
    tx.db.execute("DELETE FROM urlauth_keys WHERE mailbox_id = ?", (info.id,))
    _forget(tx, info, was_root)


def retire(tx: WriteTx, info: MailboxInfo, prefix: str) -> None:
    """Delayed delete (Cyrus's delete_mode: delayed): the mailbox leaves
    every client as DELETE says, but its messages, seen state, ACL and
    annotations move,
    under a new id, to `deleted_name` under `prefix`, for an administrator
    to RENAME back or `cyr_expire -D` to drop. Its usage leaves its root."""
    stamp = int(time.time())
    while tx.db.execute("SELECT 1 FROM mailboxes WHERE name = ?",
                        (names.deleted_name(info.name, prefix, stamp),)).fetchone():
        stamp += 1  # deleted twice within a second
    kept = names.deleted_name(info.name, prefix, stamp)
    kept_id = _next_counter(tx, "mailboxid", 1)
    tx.db.execute(
        "INSERT INTO mailboxes (id, name, uidvalidity, uidnext, highestmodseq, partition, owner,"
        " recentuid, special_use, created) SELECT ?, ?, uidvalidity, uidnext, highestmodseq,"
        " partition, NULL, recentuid, '', created FROM mailboxes WHERE id = ?",
        (kept_id, kept, info.id))
    was_root = _leave_quota(tx, info)
    for table in ("messages", "seen", "acl", "metadata"):
        tx.db.execute(f"UPDATE {table} SET mailbox_id = ? WHERE mailbox_id = ?", (kept_id, info.id))
    # RFC 4467 §2.3: URLAUTH keys go with the mailbox as DELETE shows it to clients.
    tx.db.execute("DELETE FROM urlauth_keys WHERE mailbox_id = ?", (info.id,))
    _forget(tx, info, was_root)
    quota.recount(tx.db, quota.root_of(tx.db, kept))


def delete_mailbox(tx: WriteTx, mailbox_id: int, children: bool,
                   deleted_prefix: str | None) -> list[MailboxInfo]:
    """Delete the mailbox (and with `children` its whole subtree) at once;
    with `deleted_prefix` (delayed delete) keep each under it, unless it is
    there already."""
    info = load_mailbox_id(tx.db, mailbox_id)
    doomed = [*(_children(tx, info.name) if children else []), info]
    for each in doomed:
        if deleted_prefix and not names.in_deleted_hierarchy(each.name, deleted_prefix):
            retire(tx, each, deleted_prefix)
        else:
            drop(tx, each)
    return doomed


def rename_mailbox(tx: WriteTx, mailbox_id: int, new: str) -> MailboxInfo:
    """Rename the mailbox and its children, keeping ids (so UIDVALIDITY and messages stay).

    The owner is recomputed: `user.bob.x` -> `user.alice.x` changes hands.
    Quota roots in the subtree move with it; usage is recounted for every
    root the messages may have left or joined.
    """
    info = load_mailbox_id(tx.db, mailbox_id)
    old = info.name
    moves = [(each.id, new + each.name[len(old):]) for each in [info, *_children(tx, old)]]
    for _, target in moves:
        names.validate_internal(target)
        if tx.db.execute("SELECT 1 FROM mailboxes WHERE name = ?", (target,)).fetchone():
            raise MailboxExists(target)
    roots = {quota.root_of(tx.db, old), quota.root_of(tx.db, new)}
    quota.rename_roots(tx, old, new)
    for each_id, target in moves:
        tx.db.execute("UPDATE mailboxes SET name = ?, owner = ? WHERE id = ?",
                      (target, names.owner_of(target), each_id))
        record_change(tx, each_id, "renamed", target)
    roots = {moved_name(root, old, new) for root in roots if root is not None}
    for root in roots | {quota.root_of(tx.db, new)}:  # messages may have changed roots
        quota.recount(tx.db, root)
    return load_mailbox_id(tx.db, mailbox_id)


def record_change(tx: WriteTx, mailbox_id: int, kind: str, name: str) -> None:
    """Note a mailbox-level change (`renamed`, `acl`) at a new MODSEQ of the mailbox."""
    modseq = bump_modseq(tx, mailbox_id)
    tx.db.execute("INSERT INTO mailbox_changes (mailbox_id, modseq, kind, name, at)"
                  " VALUES (?, ?, ?, ?, ?)", (mailbox_id, modseq, kind, name, time.time()))


def subscribe(tx: WriteTx, user: str, name: str) -> None:
    tx.db.execute("INSERT OR IGNORE INTO subscriptions (user, name) VALUES (?, ?)", (user, name))


def unsubscribe(tx: WriteTx, user: str, name: str) -> None:
    tx.db.execute("DELETE FROM subscriptions WHERE user = ? AND name = ?", (user, name))


def claim_recent(tx: WriteTx, mailbox_id: int, upto: int | None = None) -> int:
    """RFC 3501 §2.3.2: the first session to see a message gets \\Recent for it."""
    info = load_mailbox_id(tx.db, mailbox_id)
    old: int = tx.db.execute("SELECT recentuid FROM mailboxes WHERE id = ?",
                             (info.id,)).fetchone()[0]
    mark = info.uidnext - 1 if upto is None else upto
    if mark > old:
        tx.db.execute("UPDATE mailboxes SET recentuid = ? WHERE id = ?", (mark, info.id))
    return old
