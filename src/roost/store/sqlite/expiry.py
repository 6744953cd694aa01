"""Delayed expunge and delete on the index: held tombstones listed,
restored, let go; tombstones and change rows purged when old; mailboxes
kept by delayed delete dropped when old.

A held tombstone (`expunged = HELD`) keeps its reference to its body, so
restoring one hands that reference to the new record and letting go of one
releases it; refcounts stay equal to the rows that are not GONE. Every
purge of a mailbox's change feed raises its `deletedmodseq` to the highest
MODSEQ it removed, in the same transaction, so no reader ever takes a
shortened feed for a complete one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from roost.store import flags as flagbits
from roost.store import names
from roost.store.records import from_epoch
from roost.store.retention import ExpungedMessage, ExpungePurge
from roost.store.sqlite import quota
from roost.store.sqlite.mailbox_ops import drop
from roost.store.sqlite.refs import bump_modseq, release_blob
from roost.store.sqlite.rows import GONE, HELD, load_mailbox_id
from roost.store.sqlite.writer import WriteTx

_TOMBSTONES = ("SELECT uid, sysflags, keywords, internaldate, size, blob, expunged_at, expunged"
               " FROM messages WHERE mailbox_id = ? AND expunged != 0")


def expunged(db: sqlite3.Connection, mailbox_id: int) -> list[ExpungedMessage]:
    """The mailbox's tombstones, by UID."""
    load_mailbox_id(db, mailbox_id)
    return [ExpungedMessage(uid, flagbits.decode(bits, keywords), from_epoch(internaldate), size,
                            blob, None if at is None else from_epoch(at), state == HELD)
            for uid, bits, keywords, internaldate, size, blob, at, state
            in db.execute(_TOMBSTONES + " ORDER BY uid", (mailbox_id,)).fetchall()]


def unexpunge(tx: WriteTx, mailbox_id: int, uids: Sequence[int] | None, since: float | None,
              clear_deleted: bool, add_flags: Sequence[str]) -> list[tuple[int, int]]:
    """Held tombstones back as new records at one new MODSEQ and new UIDs."""
    info = load_mailbox_id(tx.db, mailbox_id)
    rows = tx.db.execute(
        "SELECT uid, sysflags, keywords, internaldate, size, blob, partition, savedate"
        " FROM messages"
        " WHERE mailbox_id = ? AND expunged = ? AND coalesce(expunged_at, 0) >= ? ORDER BY uid",
        (mailbox_id, HELD, since or 0)).fetchall()
    if uids is not None:
        wanted = set(uids)
        rows = [row for row in rows if row[0] in wanted]
    if not rows:
        return []
    quota.charge(tx, [(info.name, sum(row[4] for row in rows), len(rows))])
    modseq = bump_modseq(tx, mailbox_id)
    restored = []
    for new_uid, (uid, bits, keywords, internaldate, size, blob, partition, saved) in enumerate(
            rows, start=info.uidnext):
        flags = set(flagbits.decode(bits, keywords)) | set(flagbits.normalize(add_flags))
        if clear_deleted:
            flags.discard("\\Deleted")
        new_bits, new_keywords = flagbits.encode(frozenset(flags))
        # RFC 8514 §3: back in the mailbox it was saved to, with that save date.
        tx.db.execute(
            "INSERT INTO messages (mailbox_id, uid, modseq, sysflags, keywords, internaldate,"
            " size, blob, partition, savedate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (mailbox_id, new_uid, modseq, new_bits, new_keywords, internaldate, size, blob,
             partition, saved))
        tx.db.execute("UPDATE messages SET expunged = ? WHERE mailbox_id = ? AND uid = ?",
                      (GONE, mailbox_id, uid))  # the new record holds the body now
        restored.append((uid, new_uid))
    tx.db.execute("UPDATE mailboxes SET uidnext = ? WHERE id = ?",
                  (info.uidnext + len(rows), mailbox_id))
    return restored


_IN_SCOPE = "mailbox_id IN (SELECT id FROM mailboxes WHERE substr(name, 1, ?) = ?)"


def expire_expunged(tx: WriteTx, before: float, prefix: str) -> ExpungePurge:
    """Purge what expunges left behind before `before` in the mailboxes named
    `prefix...` (cyr_expire -X, -p): tombstones (held bodies released) and
    mailbox-level change rows, each mailbox's `deletedmodseq` raised to the
    highest MODSEQ purged from it so the change feed says where it is no
    longer complete. Change rows of mailboxes already gone (whose rows told
    sessions so) go by the name they had."""
    scope = (len(prefix), prefix)
    old = f"expunged != 0 AND coalesce(expunged_at, 0) < ? AND {_IN_SCOPE}"
    bodies = tx.db.execute(f"SELECT blob, partition, count(*) FROM messages WHERE {old}"
                           f" AND expunged = {HELD} GROUP BY blob, partition",
                           (before, *scope)).fetchall()
    for key, partition, count in bodies:
        release_blob(tx, key, partition, count)
    tombstones = _purge(tx, "messages", old, (before, *scope))
    changes = _purge(tx, "mailbox_changes", f"coalesce(at, 0) < ? AND {_IN_SCOPE}",
                     (before, *scope))
    gone = tx.db.execute(
        "DELETE FROM mailbox_changes WHERE coalesce(at, 0) < ? AND substr(name, 1, ?) = ?"
        " AND mailbox_id NOT IN (SELECT id FROM mailboxes)", (before, *scope)).rowcount
    return ExpungePurge(sum(row[2] for row in bodies), tombstones, changes + gone)


def _purge(tx: WriteTx, table: str, where: str, params: tuple[object, ...]) -> int:
    """Delete the rows of `table` (messages or mailbox_changes) matching
    `where`, raising each mailbox's `deletedmodseq` past them; how many."""
    highest = tx.db.execute(f"SELECT mailbox_id, max(modseq), count(*) FROM {table}"
                            f" WHERE {where} GROUP BY mailbox_id", params).fetchall()
    if not highest:
        return 0
    tx.db.execute(f"DELETE FROM {table} WHERE {where}", params)
    tx.db.executemany("UPDATE mailboxes SET deletedmodseq = max(deletedmodseq, ?) WHERE id = ?",
                      [(modseq, mailbox_id) for mailbox_id, modseq, _ in highest])
    return sum(row[2] for row in highest)


def expire_deleted(tx: WriteTx, before: float, deleted_prefix: str, prefix: str) -> list[str]:
    """Drop the mailboxes delayed delete kept, deleted before `before`, whose
    original name starts with `prefix` (cyr_expire -D, -p); their names."""
    gone = []
    for mailbox_id, name in tx.db.execute("SELECT id, name FROM mailboxes ORDER BY name").fetchall():
        stamp = names.deleted_stamp(name, deleted_prefix)
        domain, bang, local = name.rpartition("!")
        original = domain + bang + local[len(deleted_prefix) + 1:]
        if stamp is not None and stamp < before and original.startswith(prefix):
            drop(tx, load_mailbox_id(tx.db, mailbox_id))
            gone.append(name)
    return gone
