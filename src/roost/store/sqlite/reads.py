"""Read queries, each a function of a connection (WAL: readers never wait
for the writer and always see the last commit). The store runs them on
its own connection or on the read pool's (readpool.py), so none may keep
state between calls."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from roost.store import changes, flags
from roost.store.api import (
    Changes,
    MailboxChange,
    MailboxDeleted,
    MailboxInfo,
    MailboxNotFound,
    MailboxStatus,
    MessageRecord,
    MessageSummary,
    UidRange,
    Vanished,
)
from roost.store.records import from_epoch, record
from roost.store.sqlite.parsedcache import PREFIX_CHARS, body_size, header_size, summaries
from roost.store.sqlite.rows import (
    MAILBOX_COLUMNS,
    RECORD_SELECT,
    SEEN_VIEW,
    chunks,
    load_mailbox_id,
    mailbox_info,
)

T = TypeVar("T")


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


def mailboxes_naming(db: sqlite3.Connection, identifiers: Sequence[str],
                     owner: str | None) -> list[MailboxInfo]:
    """Mailboxes with a (positive) entry for one of `identifiers`, or owned by
    `owner`: through the acl index, never a scan of every mailbox."""
    marks = ",".join("?" * len(identifiers))
    rows = db.execute(
        f"SELECT {MAILBOX_COLUMNS} FROM mailboxes WHERE owner = ? OR id IN"
        f" (SELECT mailbox_id FROM acl WHERE identifier IN ({marks})) ORDER BY name",
        (owner, *identifiers))
    return [mailbox_info(row) for row in rows]


def messages(db: sqlite3.Connection, mailbox_id: int, user: str | None) -> list[MessageRecord]:
    with ReadTx(db):
        info = load_mailbox_id(db, mailbox_id)
        rows = db.execute(RECORD_SELECT + " WHERE m.mailbox_id = :id AND m.expunged = 0"
                          " ORDER BY m.uid", {"user": user, "id": info.id})
        return [record(row) for row in rows]


def _deletion(db: sqlite3.Connection, mailbox_id: int) -> tuple[int, MailboxDeleted]:
    """changes.deletion from this database's rows."""
    row = db.execute("SELECT modseq, name FROM mailbox_changes WHERE mailbox_id = ?"
                     " AND kind = 'deleted'", (mailbox_id,)).fetchone()
    counter = db.execute("SELECT value FROM meta WHERE key = 'mailboxid'").fetchone()
    return changes.deletion(mailbox_id, None if row is None else (row[0], row[1]),
                            None if counter is None else counter[0])


def _mailbox_changes(db: sqlite3.Connection, mailbox_id: int,
                     modseq: int) -> list[MailboxChange]:
    """changes.mailbox_changes from this database's rows."""
    row = db.execute("SELECT name, deletedmodseq FROM mailboxes WHERE id = ?",
                     (mailbox_id,)).fetchone()
    kept = db.execute("SELECT kind, name FROM mailbox_changes WHERE mailbox_id = ?"
                      " AND modseq > ? ORDER BY modseq", (mailbox_id, modseq)).fetchall()
    return changes.mailbox_changes(mailbox_id, modseq, [(k, n) for k, n in kept],
                                   None if row is None else (row[0], row[1]))


def mailbox_changes_since(db: sqlite3.Connection, mailbox_id: int,
                          modseq: int) -> tuple[MailboxChange, ...]:
    """Only the mailbox-level changes after `modseq`: one indexed read when
    nothing changed, which is what a session asks before each command."""
    row = db.execute("SELECT highestmodseq FROM mailboxes WHERE id = ?",
                     (mailbox_id,)).fetchone()
    if row is None:
        return (_deletion(db, mailbox_id)[1],)
    if row[0] == modseq:
        return ()
    return tuple(_mailbox_changes(db, mailbox_id, modseq))


def changes_since(db: sqlite3.Connection, mailbox_id: int, modseq: int,
                  user: str | None) -> Changes:
    """Live records, tombstones and mailbox-level changes stamped after
    `modseq` (RFC 7162 §3.2.5); for a deleted mailbox, just its deletion.

    Sessions ask after every command, and mostly nothing has changed: one
    indexed read of the mailbox's MODSEQ answers that case.
    """
    row = db.execute("SELECT highestmodseq FROM mailboxes WHERE id = ?",
                     (mailbox_id,)).fetchone()
    if row is not None and row[0] == modseq:
        return Changes(modseq, (), ())
    with ReadTx(db):
        row = db.execute("SELECT highestmodseq FROM mailboxes WHERE id = ?",
                         (mailbox_id,)).fetchone()
        if row is None:
            gone_at, deleted = _deletion(db, mailbox_id)
            return Changes(max(modseq, gone_at), (), (), (deleted,))
        params = {"user": user, "id": mailbox_id, "since": modseq}
        changed = [record(row) for row in db.execute(
            RECORD_SELECT + " WHERE m.mailbox_id = :id AND m.modseq > :since"
            " AND m.expunged = 0 ORDER BY m.uid", params)]
        vanished = vanished_since(db, mailbox_id, modseq)
        mailbox = _mailbox_changes(db, mailbox_id, modseq)
        live = None if vanished.complete else tuple(row[0] for row in db.execute(
            "SELECT uid FROM messages WHERE mailbox_id = ? AND expunged = 0 ORDER BY uid",
            (mailbox_id,)))
    return Changes(row[0], tuple(changed), vanished.uids, tuple(mailbox), live)


def vanished_since(db: sqlite3.Connection, mailbox_id: int, modseq: int) -> Vanished:
    """UIDs of the tombstones stamped after `modseq` (index messages_modseq).

    Every path that expunges (EXPUNGE, MOVE, ipurge, reconstruct, repair)
    marks the record and stamps the MODSEQ of the expunge; `unexpunge` only
    lets a held tombstone's body go (HELD -> GONE). Only `cyr_expire -X`
    removes tombstones, and it raises the mailbox's `deletedmodseq` to the
    highest MODSEQ it removed: for a `modseq` at or above that the answer
    is exact, below it incomplete (and said to be).
    """
    uids = tuple(row[0] for row in db.execute(
        "SELECT uid FROM messages WHERE mailbox_id = ? AND modseq > ? AND expunged != 0"
        " ORDER BY uid", (mailbox_id, modseq)))
    row = db.execute("SELECT deletedmodseq FROM mailboxes WHERE id = ?", (mailbox_id,)).fetchone()
    return changes.vanished(uids, modseq, None if row is None else row[0])


_STATUS = f"""
    SELECT mb.uidnext, mb.uidvalidity, mb.highestmodseq,
           count(m.uid),
           coalesce(sum(m.uid > mb.recentuid), 0),
           coalesce(sum(m.uid IS NOT NULL
                        AND NOT CASE WHEN {SEEN_VIEW} THEN s.uid IS NOT NULL
                                     ELSE m.sysflags & {flags.SEEN} != 0 END), 0),
           coalesce(sum(m.sysflags & {flags.DELETED} != 0), 0),
           coalesce(sum(m.size), 0)
    FROM mailboxes mb
    LEFT JOIN messages m ON m.mailbox_id = mb.id AND m.expunged = 0
    LEFT JOIN seen s ON s.mailbox_id = mb.id AND s.user = :user AND s.uid = m.uid
    WHERE mb.id = :id
    GROUP BY mb.id
"""
"""The LEFT JOIN gives an empty mailbox one row with no message: UNSEEN counts
only real messages (`m.uid IS NOT NULL`), or a user reading `\\Seen` from the
seen table (an admin, a sharee) would be told 1 for an empty mailbox."""


def status(db: sqlite3.Connection, mailbox_id: int, user: str | None) -> MailboxStatus:
    """STATUS in one query; `recent` counts live messages above the recent mark."""
    row = db.execute(_STATUS, {"user": user, "id": mailbox_id}).fetchone()
    if row is None:
        raise MailboxNotFound()
    uidnext, uidvalidity, highestmodseq, count, recent, unseen, deleted, size = row
    return MailboxStatus(messages=count, recent=recent, uidnext=uidnext,
                         uidvalidity=uidvalidity, unseen=unseen, deleted=deleted,
                         size=size, highestmodseq=highestmodseq)


def uid_ranges(db: sqlite3.Connection, mailbox_ids: Sequence[int]) -> dict[int, UidRange]:
    """Count, lowest and highest live UID per mailbox: aggregates over the
    primary key (mailbox_id, uid), a few queries for any number of mailboxes."""
    found: dict[int, UidRange] = {}
    for start in range(0, len(mailbox_ids), IN_CHUNK):
        chunk = list(mailbox_ids[start:start + IN_CHUNK])
        marks = ",".join("?" * len(chunk))
        for mailbox_id, count, lowest, highest in db.execute(
                f"SELECT mb.id, count(m.uid), coalesce(min(m.uid), 0), coalesce(max(m.uid), 0)"
                f" FROM mailboxes mb LEFT JOIN messages m"
                f" ON m.mailbox_id = mb.id AND m.expunged = 0"
                f" WHERE mb.id IN ({marks}) GROUP BY mb.id", chunk):
            found[mailbox_id] = UidRange(count, lowest, highest)
    return found


def subscriptions(db: sqlite3.Connection, user: str) -> list[str]:
    return [row[0] for row in db.execute(
        "SELECT name FROM subscriptions WHERE user = ? ORDER BY name", (user,))]


IN_CHUNK = 500  # keys per `IN (...)`: well under SQLite's variable limit


def cached_parses(db: sqlite3.Connection, keys: Sequence[str],
                  decode: Callable[[str], T | None]) -> dict[str, T]:
    """The decoded stored parse of those `keys` that have a readable one,
    a few queries in all; decoding here keeps it off the loop with the read."""
    found: dict[str, T] = {}
    for start in range(0, len(keys), IN_CHUNK):
        chunk = keys[start:start + IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        for key, text in db.execute(
                f"SELECT sha256, parsed FROM message_cache WHERE sha256 IN ({marks})", chunk):
            parsed = decode(text)
            if parsed is not None:
                found[key] = parsed
    return found


def cached_summaries(db: sqlite3.Connection, keys: Sequence[str]
                     ) -> dict[str, MessageSummary]:
    """The stored summaries of those `keys` that have one (small rows: the
    parses themselves are not read)."""
    found: dict[str, MessageSummary] = {}
    for start in range(0, len(keys), IN_CHUNK):
        chunk = keys[start:start + IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        found.update(summaries(db.execute(
            f"SELECT sha256, body_lines, fields FROM message_summaries"
            f" WHERE sha256 IN ({marks})", chunk)))
    return found


def header_locations(db: sqlite3.Connection, keys: Sequence[str]
                     ) -> dict[str, tuple[str, int | None]]:
    """(partition, header length from the stored parse or None) of each
    referenced body among `keys`, a few queries in all."""
    found: dict[str, tuple[str, int | None]] = {}
    for start in range(0, len(keys), IN_CHUNK):
        chunk = keys[start:start + IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        for key, partition, prefix in db.execute(
                f"SELECT b.sha256, b.partition, substr(c.parsed, 1, {PREFIX_CHARS}) FROM blobs b"
                f" LEFT JOIN message_cache c ON c.sha256 = b.sha256"
                f" WHERE b.sha256 IN ({marks})", chunk):
            found[key] = (partition, header_size(prefix))
    return found


def body_place(db: sqlite3.Connection, key: str) -> tuple[str, int | None] | None:
    """(partition, body length from the stored parse or None) of a
    referenced body; None if unknown. Only the parse's first characters
    are read: a body read needs where it is, not the whole parse."""
    row = db.execute(f"SELECT b.partition, substr(c.parsed, 1, {PREFIX_CHARS}) FROM blobs b"
                     " LEFT JOIN message_cache c ON c.sha256 = b.sha256"
                     " WHERE b.sha256 = ? LIMIT 1", (key,)).fetchone()
    return (row[0], body_size(row[1])) if row else None


def blob_location(db: sqlite3.Connection, key: str) -> tuple[str, str | None] | None:
    """(partition, serialized parse or None) of a referenced body; None if unknown."""
    row = db.execute("SELECT b.partition, c.parsed FROM blobs b LEFT JOIN message_cache c"
                     " ON c.sha256 = b.sha256 WHERE b.sha256 = ? LIMIT 1", (key,)).fetchone()
    return (row[0], row[1]) if row else None


_BY_MESSAGE_ID = (
    RECORD_SELECT.replace("SELECT ", "SELECT m.mailbox_id, ", 1)
    + " WHERE m.blob IN (SELECT sha256 FROM message_summaries WHERE message_id = :mid)"
    " AND m.expunged = 0 ORDER BY m.mailbox_id, m.uid")


def by_message_id(db: sqlite3.Connection, message_id: str) -> list[tuple[int, MessageRecord]]:
    """(mailbox id, record) of the live records whose body has that
    Message-ID, through two indexes (message_summaries.message_id, then
    messages.blob): never a scan of the messages."""
    rows = db.execute(_BY_MESSAGE_ID, {"user": None, "mid": message_id})
    return [(row[0], record(row[1:])) for row in rows]


def savedates(db: sqlite3.Connection, mailbox_id: int,
              uids: Sequence[int]) -> dict[int, datetime | None]:
    """RFC 8514 save dates of those `uids` the mailbox has (tombstones too:
    a session may still show an expunged message); None where unrecorded."""
    found: dict[int, datetime | None] = {}
    for chunk in chunks(sorted(set(uids))):
        marks = ",".join("?" * len(chunk))
        for uid, saved in db.execute(
                f"SELECT uid, savedate FROM messages WHERE mailbox_id = ? AND uid IN ({marks})",
                (mailbox_id, *chunk)):
            found[uid] = None if saved is None else from_epoch(saved)
    return found


def uidnext(db: sqlite3.Connection, mailbox_id: int) -> int:
    """The mailbox's UIDNEXT (a bound on its size), 0 if it is gone."""
    row = db.execute("SELECT uidnext FROM mailboxes WHERE id = ?", (mailbox_id,)).fetchone()
    return int(row[0]) if row else 0


def highestmodseq(db: sqlite3.Connection, mailbox_id: int) -> int | None:
    """The mailbox's MODSEQ now, None if it is gone."""
    row = db.execute("SELECT highestmodseq FROM mailboxes WHERE id = ?",
                     (mailbox_id,)).fetchone()
    return int(row[0]) if row else None


def recent_mark(db: sqlite3.Connection, mailbox_id: int) -> int:
    """The UID up to which a session has claimed \\Recent (`claim_recent`)."""
    row = db.execute("SELECT recentuid FROM mailboxes WHERE id = ?", (mailbox_id,)).fetchone()
    if row is None:
        raise MailboxNotFound(str(mailbox_id))
    return int(row[0])
