"""Read queries, run on the caller's own connection (WAL: readers never wait
for the writer and always see the last commit)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

from roost.store.api import Changes, MailboxInfo, MailboxNotFound, MailboxStatus, MessageRecord
from roost.store.sqlite import flags
from roost.store.sqlite.rows import (
    MAILBOX_COLUMNS,
    RECORD_SELECT,
    SEEN_VIEW,
    load_mailbox,
    mailbox_info,
    record,
)


class ReadTx:
    """`with ReadTx(db):` one consistent snapshot for several queries."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN")
        return self.db

    def __exit__(self, *exc: object) -> None:
        self.db.execute("COMMIT")


def list_mailboxes(db: sqlite3.Connection, prefix: str) -> list[MailboxInfo]:
    rows = db.execute(f"SELECT {MAILBOX_COLUMNS} FROM mailboxes WHERE substr(name, 1, ?) = ?"
                      " ORDER BY name", (len(prefix), prefix))
    return [mailbox_info(row) for row in rows]


def messages(db: sqlite3.Connection, mailbox: str, user: str | None) -> list[MessageRecord]:
    with ReadTx(db):
        info = load_mailbox(db, mailbox)
        rows = db.execute(RECORD_SELECT + " WHERE m.mailbox_id = :id AND m.expunged = 0"
                          " ORDER BY m.uid", {"user": user, "id": info.id})
        return [record(row) for row in rows]


def changes_since(db: sqlite3.Connection, mailbox: str, modseq: int,
                  user: str | None) -> Changes:
    """Live records and tombstones stamped after `modseq` (RFC 7162 §3.2.5).

    Sessions ask after every command, and mostly nothing has changed: one
    indexed read of the mailbox's MODSEQ answers that case.
    """
    row = db.execute("SELECT highestmodseq FROM mailboxes WHERE name = ?", (mailbox,)).fetchone()
    if row is None:
        raise MailboxNotFound(mailbox)
    if row[0] == modseq:
        return Changes(modseq, (), ())
    with ReadTx(db):
        info = load_mailbox(db, mailbox)
        params = {"user": user, "id": info.id, "since": modseq}
        changed = [record(row) for row in db.execute(
            RECORD_SELECT + " WHERE m.mailbox_id = :id AND m.modseq > :since"
            " AND m.expunged = 0 ORDER BY m.uid", params)]
        expunged = [row[0] for row in db.execute(
            "SELECT uid FROM messages WHERE mailbox_id = :id AND modseq > :since"
            " AND expunged = 1 ORDER BY uid", params)]
    return Changes(info.highestmodseq, tuple(changed), tuple(expunged))


_STATUS = f"""
    SELECT mb.uidnext, mb.uidvalidity, mb.highestmodseq,
           count(m.uid),
           coalesce(sum(m.uid > mb.recentuid), 0),
           coalesce(sum(NOT CASE WHEN {SEEN_VIEW} THEN s.uid IS NOT NULL
                                 ELSE m.sysflags & {flags.SEEN} != 0 END), 0),
           coalesce(sum(m.sysflags & {flags.DELETED} != 0), 0),
           coalesce(sum(m.size), 0)
    FROM mailboxes mb
    LEFT JOIN messages m ON m.mailbox_id = mb.id AND m.expunged = 0
    LEFT JOIN seen s ON s.mailbox_id = mb.id AND s.user = :user AND s.uid = m.uid
    WHERE mb.name = :name
    GROUP BY mb.id
"""


def status(db: sqlite3.Connection, mailbox: str, user: str | None) -> MailboxStatus:
    """STATUS in one query; `recent` counts live messages above the recent mark."""
    row = db.execute(_STATUS, {"user": user, "name": mailbox}).fetchone()
    if row is None:
        raise MailboxNotFound(mailbox)
    uidnext, uidvalidity, highestmodseq, count, recent, unseen, deleted, size = row
    return MailboxStatus(messages=count, recent=recent, uidnext=uidnext,
                         uidvalidity=uidvalidity, unseen=unseen, deleted=deleted,
                         size=size, highestmodseq=highestmodseq)


def subscriptions(db: sqlite3.Connection, user: str) -> list[str]:
    return [row[0] for row in db.execute(
        "SELECT name FROM subscriptions WHERE user = ? ORDER BY name", (user,))]


IN_CHUNK = 500  # keys per `IN (...)`: well under SQLite's variable limit


def cached_parses(db: sqlite3.Connection, keys: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(key, serialized parse) of those `keys` that have one, a few queries in all."""
    for start in range(0, len(keys), IN_CHUNK):
        chunk = keys[start:start + IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        yield from db.execute(
            f"SELECT sha256, parsed FROM message_cache WHERE sha256 IN ({marks})", chunk)


def blob_location(db: sqlite3.Connection, key: str) -> tuple[str, str | None] | None:
    """(partition, serialized parse or None) of a referenced body; None if unknown."""
    row = db.execute("SELECT b.partition, c.parsed FROM blobs b LEFT JOIN message_cache c"
                     " ON c.sha256 = b.sha256 WHERE b.sha256 = ? LIMIT 1", (key,)).fetchone()
    return (row[0], row[1]) if row else None


def highestmodseq(db: sqlite3.Connection, mailbox: str) -> int | None:
    """The mailbox's MODSEQ now, None if it is gone."""
    row = db.execute("SELECT highestmodseq FROM mailboxes WHERE name = ?", (mailbox,)).fetchone()
    return int(row[0]) if row else None
