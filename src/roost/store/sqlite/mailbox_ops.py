"""Write operations on the mailbox list, subscriptions and \\Recent marks.

Each function runs on the writer thread inside the batch transaction
(see `writer`), raises the API's domain errors, and is undone alone if it
raises.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from roost.store import names
from roost.store.api import MailboxExists, MailboxInfo
from roost.store.sqlite.refs import release_blob
from roost.store.sqlite.rows import load_mailbox
from roost.store.sqlite.writer import WriteTx


def _next_uidvalidity(tx: WriteTx) -> int:
    """A UIDVALIDITY never given before in this store: max(now, last + 1).

    RFC 9051 §2.3.1.1: a re-created name must not reuse an old UIDVALIDITY.
    """
    row = tx.db.execute("SELECT value FROM meta WHERE key = 'uidvalidity'").fetchone()
    value = max(int(time.time()), (row[0] if row else 0) + 1)
    tx.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('uidvalidity', ?)", (value,))
    return value


def create_mailbox(tx: WriteTx, name: str, partition: str,
                   special_use: Sequence[str]) -> MailboxInfo:
    tx.blobs.root(partition)  # an unknown partition is refused before it is recorded
    exists = tx.db.execute("SELECT 1 FROM mailboxes WHERE name = ?", (name,)).fetchone()
    if exists:
        raise MailboxExists(name)
    tx.db.execute(
        "INSERT INTO mailboxes (name, uidvalidity, partition, owner, special_use, created)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (name, _next_uidvalidity(tx), partition, names.owner_of(name),
         " ".join(special_use), int(time.time())))
    return load_mailbox(tx.db, name)


def delete_mailbox(tx: WriteTx, name: str) -> None:
    """Drop the mailbox, its records, tombstones and seen state; release bodies."""
    info = load_mailbox(tx.db, name)
    refs = tx.db.execute(
        "SELECT blob, partition, count(*) FROM messages"
        " WHERE mailbox_id = ? AND expunged = 0 GROUP BY blob, partition", (info.id,)).fetchall()
    for key, partition, count in refs:
        release_blob(tx, key, partition, count)
    tx.db.execute("DELETE FROM messages WHERE mailbox_id = ?", (info.id,))
    tx.db.execute("DELETE FROM seen WHERE mailbox_id = ?", (info.id,))
    tx.db.execute("DELETE FROM mailboxes WHERE id = ?", (info.id,))


def rename_mailbox(tx: WriteTx, old: str, new: str) -> None:
    """Rename `old` and its children, keeping ids (so UIDVALIDITY and messages stay).

    The owner is recomputed: `user.bob.x` -> `user.alice.x` changes hands.
    """
    load_mailbox(tx.db, old)
    rows = tx.db.execute("SELECT id, name FROM mailboxes WHERE name = ? OR "
                         "substr(name, 1, ?) = ?", (old, len(old) + 1, old + ".")).fetchall()
    moves = [(mailbox_id, new + name[len(old):]) for mailbox_id, name in rows]
    for _, target in moves:
        names.validate_internal(target)
        if tx.db.execute("SELECT 1 FROM mailboxes WHERE name = ?", (target,)).fetchone():
            raise MailboxExists(target)
    for mailbox_id, target in moves:
        tx.db.execute("UPDATE mailboxes SET name = ?, owner = ? WHERE id = ?",
                      (target, names.owner_of(target), mailbox_id))


def subscribe(tx: WriteTx, user: str, name: str) -> None:
    tx.db.execute("INSERT OR IGNORE INTO subscriptions (user, name) VALUES (?, ?)", (user, name))


def unsubscribe(tx: WriteTx, user: str, name: str) -> None:
    tx.db.execute("DELETE FROM subscriptions WHERE user = ? AND name = ?", (user, name))


def claim_recent(tx: WriteTx, name: str) -> int:
    """RFC 3501 §2.3.2: the first session to see a message gets \\Recent for it."""
    info = load_mailbox(tx.db, name)
    old: int = tx.db.execute("SELECT recentuid FROM mailboxes WHERE id = ?",
                             (info.id,)).fetchone()[0]
    tx.db.execute("UPDATE mailboxes SET recentuid = ? WHERE id = ?", (info.uidnext - 1, info.id))
    return old
