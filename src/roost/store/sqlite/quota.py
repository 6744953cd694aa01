"""Quota roots and their usage, kept exact by the writes that change it.

A root is a mailbox name (Cyrus semantics); the root of a mailbox is its
nearest ancestor-or-self that is a root. `quota_roots` holds each root's
limits (NULL: unlimited) and its usage: bytes and messages of the live
records of every mailbox it covers. Writers call `charge` inside their own
savepoint, so usage changes with the records or not at all, and one
writer thread per process plus SQLite's write lock across processes keep
it exact. MAILBOX usage is counted when asked: it needs no upkeep.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping

from roost.store import quota_charge
from roost.store.api import (
    QUOTA_RESOURCES,
    MailboxNotFound,
    OverQuota,
    QuotaCorrection,
    QuotaRoot,
    QuotaRootNotFound,
    QuotaUsage,
)
from roost.store.quota_charge import ancestors_or_self, moved_name
from roost.store.sqlite.writer import WriteTx


def root_of(db: sqlite3.Connection, name: str) -> str | None:
    """The quota root covering mailbox `name`, if any."""
    candidates = ancestors_or_self(name)
    marks = ", ".join("?" * len(candidates))
    row = db.execute(f"SELECT root FROM quota_roots WHERE root IN ({marks})"
                     " ORDER BY length(root) DESC LIMIT 1", candidates).fetchone()
    return None if row is None else str(row[0])


def _covered(db: sqlite3.Connection, root: str) -> list[int]:
    """Ids of the mailboxes `root` covers: itself and those below it whose
    nearest root it is."""
    rows = db.execute("SELECT id, name FROM mailboxes WHERE name = ? OR substr(name, 1, ?) = ?",
                      (root, len(root) + 1, root + ".")).fetchall()
    return [row[0] for row in rows if root_of(db, row[1]) == root]


def _count(db: sqlite3.Connection, root: str) -> tuple[int, int]:
    """(bytes, messages) of the live records `root` covers, counted."""
    ids = _covered(db, root)
    marks = ", ".join("?" * len(ids)) or "NULL"
    size, count = db.execute(
        f"SELECT coalesce(sum(size), 0), count(*) FROM messages"
        f" WHERE expunged = 0 AND mailbox_id IN ({marks})", ids).fetchone()
    return int(size), int(count)


def recount(db: sqlite3.Connection, root: str | None) -> None:
    """Count `root`'s usage from its records (a new root, mailboxes that
    moved between roots, or `reconstruct` mending a drift)."""
    if root is None:
        return
    db.execute("UPDATE quota_roots SET storage_used = ?, messages_used = ? WHERE root = ?",
               (*_count(db, root), root))


def _under(db: sqlite3.Connection, prefix: str) -> list[tuple[str, int | None, int | None,
                                                                int | None, int, int]]:
    """Rows of the roots whose name starts with `prefix`, by name."""
    return db.execute(
        "SELECT root, storage_limit, message_limit, mailbox_limit, storage_used, messages_used"
        " FROM quota_roots WHERE substr(root, 1, ?) = ? ORDER BY root",
        (len(prefix), prefix)).fetchall()


def usages(db: sqlite3.Connection, prefix: str) -> list[QuotaUsage]:
    """Roots under `prefix` with the usage of every resource (`quota`)."""
    return [QuotaUsage(root, dict(zip(QUOTA_RESOURCES, (size, count, len(_covered(db, root))),
                                      strict=True)),
                       dict(zip(QUOTA_RESOURCES, (storage, message, mailbox), strict=True)))
            for root, storage, message, mailbox, size, count in _under(db, prefix)]


def recount_under(db: sqlite3.Connection, prefix: str, dry_run: bool) -> list[QuotaCorrection]:
    """Count every root under `prefix` from its records; correct it unless
    `dry_run`; what differed (`quota -f`, `quota -f -n`)."""
    found = []
    for root, *_, size, count in _under(db, prefix):
        counted = _count(db, root)
        found += [QuotaCorrection(root, name, was, now)
                  for name, was, now in zip(QUOTA_RESOURCES, (size, count), counted)
                  if was != now]
        if counted != (size, count) and not dry_run:
            recount(db, root)
    return found


def drift(db: sqlite3.Connection) -> dict[str, str]:
    """Roots whose kept usage is not what their records count, each with a
    line saying how (for `check`; nothing in Roost should cause one)."""
    found = {}
    for root, size, count in db.execute(
            "SELECT root, storage_used, messages_used FROM quota_roots").fetchall():
        counted = _count(db, root)
        if counted != (size, count):
            found[root] = (f"quota root {root}: usage {size} bytes, {count} messages kept; "
                           f"{counted[0]} bytes, {counted[1]} messages in the records")
    return found


def charge(tx: WriteTx, deltas: Iterable[tuple[str, int, int]]) -> None:
    """Add (mailbox name, bytes, messages) changes to the roots covering them.

    A root whose usage grows past a limit refuses the whole operation
    (`OverQuota`; the caller's savepoint undoes it): Cyrus's quota_check,
    `used + delta > limit * 1024`. Net deltas are checked, so a MOVE within
    one root, which frees what it takes, is never refused.
    """
    totals = quota_charge.net((root_of(tx.db, name), size, count) for name, size, count in deltas)
    for root, (size, count) in totals.items():
        used, messages, storage_limit, message_limit = tx.db.execute(
            "UPDATE quota_roots SET storage_used = storage_used + ?,"
            " messages_used = messages_used + ? WHERE root = ?"
            " RETURNING storage_used, messages_used, storage_limit, message_limit",
            (size, count, root)).fetchone()
        quota_charge.check(root, size, count, used, messages, storage_limit, message_limit)


def check_new_mailbox(tx: WriteTx, name: str) -> None:
    """CREATE under a root whose MAILBOX limit is reached is refused."""
    root = root_of(tx.db, name)
    if root is None:
        return
    limit = tx.db.execute("SELECT mailbox_limit FROM quota_roots WHERE root = ?",
                          (root,)).fetchone()[0]
    if limit is not None and len(_covered(tx.db, root)) >= limit:
        raise OverQuota(root)


def set_quota(tx: WriteTx, root: str, limits: Mapping[str, int]) -> QuotaRoot:
    """Make `root` a root with `limits` (none: a root without limits, as
    Cyrus keeps it), recounting it and the root that covered it before."""
    if not tx.db.execute("SELECT 1 FROM mailboxes WHERE name = ?", (root,)).fetchone():
        raise MailboxNotFound(root)
    tx.db.execute("DELETE FROM quota_roots WHERE root = ?", (root,))
    outer = root_of(tx.db, root)
    tx.db.execute("INSERT INTO quota_roots (root, storage_limit, message_limit,"
                  " mailbox_limit) VALUES (?, ?, ?, ?)",
                  (root, *(limits.get(name) for name in QUOTA_RESOURCES)))
    recount(tx.db, root)
    recount(tx.db, outer)
    return load(tx.db, root)


def rename_roots(tx: WriteTx, old: str, new: str) -> None:
    """Roots of the subtree `old` follow it to `new` (a RENAME carries the
    quota root of a renamed mailbox, as Cyrus's does); a stale root of
    the same name at the target gives way."""
    for (root,) in tx.db.execute(
            "SELECT root FROM quota_roots WHERE root = ? OR substr(root, 1, ?) = ?",
            (old, len(old) + 1, old + ".")).fetchall():
        tx.db.execute("UPDATE OR REPLACE quota_roots SET root = ? WHERE root = ?",
                      (moved_name(root, old, new), root))


def drop_root(tx: WriteTx, name: str) -> bool:
    """Forget the root called `name` (its mailbox is being deleted, as Cyrus
    does); True if there was one."""
    return tx.db.execute("DELETE FROM quota_roots WHERE root = ?", (name,)).rowcount > 0


def load(db: sqlite3.Connection, root: str) -> QuotaRoot:
    """The root and its limited resources, STORAGE in KiB rounded down."""
    row = db.execute("SELECT storage_limit, message_limit, mailbox_limit, storage_used,"
                     " messages_used FROM quota_roots WHERE root = ?", (root,)).fetchone()
    if row is None:
        raise QuotaRootNotFound(root)
    storage_limit, message_limit, mailbox_limit, used, messages = row
    mailboxes = 0 if mailbox_limit is None else len(_covered(db, root))
    return quota_charge.quota_root(root, storage_limit, message_limit, mailbox_limit,
                                   used, messages, mailboxes)


def load_root_of(db: sqlite3.Connection, name: str) -> QuotaRoot | None:
    """The root covering mailbox `name`, loaded, or None."""
    root = root_of(db, name)
    return None if root is None else load(db, root)
