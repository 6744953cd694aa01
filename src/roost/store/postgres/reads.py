"""Read queries, each an async function of a `Db` (a pooled connection;
`Database.read` gives several queries one snapshot). None keeps state
between calls."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

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
from roost.store.postgres.rows import (
    MAILBOX_COLUMNS,
    RECORD_SELECT,
    SEEN_VIEW,
    load_mailbox_id,
    mailbox_info,
)
from roost.store.postgres.tx import Db
from roost.store.records import from_epoch, record
from roost.store.sqlite.parsedcache import summaries


async def list_mailboxes(db: Db, prefix: str) -> list[MailboxInfo]:
    rows = await db.all(f"SELECT {MAILBOX_COLUMNS} FROM mailboxes WHERE starts_with(name, %s)"
                        " ORDER BY name COLLATE \"C\"", (prefix,))
    return [mailbox_info(row) for row in rows]


async def mailboxes_naming(db: Db, identifiers: Sequence[str],
                           owner: str | None) -> list[MailboxInfo]:
    """Mailboxes with a (positive) entry for one of `identifiers`, or owned by `owner`."""
    rows = await db.all(
        f"SELECT {MAILBOX_COLUMNS} FROM mailboxes WHERE owner = %s OR id IN"
        " (SELECT mailbox_id FROM acl WHERE identifier = ANY(%s)) ORDER BY name COLLATE \"C\"",
        (owner, list(identifiers)))
    return [mailbox_info(row) for row in rows]


async def messages(db: Db, mailbox_id: int, user: str | None) -> list[MessageRecord]:
    info = await load_mailbox_id(db, mailbox_id)
    rows = await db.all(RECORD_SELECT + " WHERE m.mailbox_id = %(id)s AND m.expunged = 0"
                        " ORDER BY m.uid", {"user": user, "id": info.id})
    return [record(row) for row in rows]


async def _deletion(db: Db, mailbox_id: int) -> tuple[int, MailboxDeleted]:
    """changes.deletion from this database's rows."""
    row = await db.one("SELECT modseq, name FROM mailbox_changes WHERE mailbox_id = %s"
                       " AND kind = 'deleted'", (mailbox_id,))
    counter = await db.one("SELECT value FROM meta WHERE key = 'mailboxid'")
    return changes.deletion(mailbox_id, None if row is None else (row[0], row[1]),
                            None if counter is None else counter[0])


async def _mailbox_changes(db: Db, mailbox_id: int, modseq: int) -> list[MailboxChange]:
    """changes.mailbox_changes from this database's rows."""
    kept = await db.all("SELECT kind, name FROM mailbox_changes WHERE mailbox_id = %s"
                        " AND modseq > %s ORDER BY modseq", (mailbox_id, modseq))
    row = await db.one("SELECT name, deletedmodseq FROM mailboxes WHERE id = %s", (mailbox_id,))
    return changes.mailbox_changes(mailbox_id, modseq, [(k, n) for k, n in kept],
                                   None if row is None else (row[0], row[1]))


async def highestmodseq(db: Db, mailbox_id: int) -> int | None:
    row = await db.one("SELECT highestmodseq FROM mailboxes WHERE id = %s", (mailbox_id,))
    return None if row is None else int(row[0])


async def mailbox_changes_since(db: Db, mailbox_id: int,
                                modseq: int) -> tuple[MailboxChange, ...]:
    now = await highestmodseq(db, mailbox_id)
    if now is None:
        return ((await _deletion(db, mailbox_id))[1],)
    if now == modseq:
        return ()
    return tuple(await _mailbox_changes(db, mailbox_id, modseq))


async def changes_since(db: Db, mailbox_id: int, modseq: int, user: str | None) -> Changes:
    """Live records, tombstones and mailbox-level changes stamped after
    `modseq` (RFC 7162 §3.2.5); for a deleted mailbox, just its deletion."""
    now = await highestmodseq(db, mailbox_id)
    if now is None:
        gone_at, deleted = await _deletion(db, mailbox_id)
        return Changes(max(modseq, gone_at), (), (), (deleted,))
    if now == modseq:
        return Changes(modseq, (), ())
    changed = [record(row) for row in await db.all(
        RECORD_SELECT + " WHERE m.mailbox_id = %(id)s AND m.modseq > %(since)s"
        " AND m.expunged = 0 ORDER BY m.uid", {"user": user, "id": mailbox_id, "since": modseq})]
    vanished = await vanished_since(db, mailbox_id, modseq)
    live = None if vanished.complete else tuple(row[0] for row in await db.all(
        "SELECT uid FROM messages WHERE mailbox_id = %s AND expunged = 0 ORDER BY uid",
        (mailbox_id,)))
    return Changes(now, tuple(changed), vanished.uids,
                   tuple(await _mailbox_changes(db, mailbox_id, modseq)), live)


async def vanished_since(db: Db, mailbox_id: int, modseq: int) -> Vanished:
    """UIDs of the tombstones stamped after `modseq`: exact at or above the
    mailbox's `deletedmodseq` (the highest MODSEQ `cyr_expire -X` purged),
    below it incomplete and said to be (as store/sqlite/reads.py)."""
    rows = await db.all("SELECT uid FROM messages WHERE mailbox_id = %s AND modseq > %s"
                        " AND expunged != 0 ORDER BY uid", (mailbox_id, modseq))
    purged = await db.one("SELECT deletedmodseq FROM mailboxes WHERE id = %s", (mailbox_id,))
    return changes.vanished((row[0] for row in rows), modseq,
                            None if purged is None else purged[0])


_STATUS = f"""
    SELECT mb.uidnext, mb.uidvalidity, mb.highestmodseq,
           count(m.uid),
           count(m.uid) FILTER (WHERE m.uid > mb.recentuid),
           count(m.uid) FILTER (WHERE NOT CASE WHEN {SEEN_VIEW} THEN s.uid IS NOT NULL
                                          ELSE m.sysflags & {flags.SEEN} != 0 END),
           count(m.uid) FILTER (WHERE m.sysflags & {flags.DELETED} != 0),
           coalesce(sum(m.size), 0)
    FROM mailboxes mb
    LEFT JOIN messages m ON m.mailbox_id = mb.id AND m.expunged = 0
    LEFT JOIN seen s ON s.mailbox_id = mb.id AND s."user" = %(user)s AND s.uid = m.uid
    WHERE mb.id = %(id)s
    GROUP BY mb.id
"""


async def status(db: Db, mailbox_id: int, user: str | None) -> MailboxStatus:
    """STATUS in one query; `recent` counts live messages above the recent mark."""
    row = await db.one(_STATUS, {"user": user, "id": mailbox_id})
    if row is None:
        raise MailboxNotFound()
    uidnext, uidvalidity, highest, count, recent, unseen, deleted, size = row
    return MailboxStatus(messages=count, recent=recent, uidnext=uidnext, uidvalidity=uidvalidity,
                         unseen=unseen, deleted=deleted, size=int(size), highestmodseq=highest)


async def uid_ranges(db: Db, mailbox_ids: Sequence[int]) -> dict[int, UidRange]:
    rows = await db.all(
        "SELECT mb.id, count(m.uid), coalesce(min(m.uid), 0), coalesce(max(m.uid), 0)"
        " FROM mailboxes mb LEFT JOIN messages m ON m.mailbox_id = mb.id AND m.expunged = 0"
        " WHERE mb.id = ANY(%s) GROUP BY mb.id", (list(mailbox_ids),))
    return {mailbox_id: UidRange(count, lowest, highest)
            for mailbox_id, count, lowest, highest in rows}


async def subscriptions(db: Db, user: str) -> list[str]:
    return [row[0] for row in await db.all(
        'SELECT name FROM subscriptions WHERE "user" = %s ORDER BY name COLLATE "C"', (user,))]


async def blob_locations(db: Db, keys: Sequence[str]) -> dict[str, tuple[str, str | None]]:
    """(partition, stored parse or None) of each referenced body among `keys`."""
    rows = await db.all("SELECT DISTINCT ON (b.sha256) b.sha256, b.partition, c.parsed"
                        " FROM blobs b LEFT JOIN message_cache c ON c.sha256 = b.sha256"
                        " WHERE b.sha256 = ANY(%s) ORDER BY b.sha256, b.partition",
                        (list(keys),))
    return {key: (partition, parsed) for key, partition, parsed in rows}


async def cached_summaries(db: Db, keys: Sequence[str]) -> dict[str, MessageSummary]:
    rows = await db.all("SELECT sha256, body_lines, fields FROM message_summaries"
                        " WHERE sha256 = ANY(%s)", (list(keys),))
    return summaries((key, lines, fields) for key, lines, fields in rows)


async def by_message_id(db: Db, message_id: str) -> list[tuple[int, MessageRecord]]:
    rows = await db.all(
        RECORD_SELECT.replace("SELECT ", "SELECT m.mailbox_id, ", 1)
        + " WHERE m.blob IN (SELECT sha256 FROM message_summaries WHERE message_id = %(mid)s)"
        " AND m.expunged = 0 ORDER BY m.mailbox_id, m.uid", {"user": None, "mid": message_id})
    return [(row[0], record(row[1:])) for row in rows]


async def savedates(db: Db, mailbox_id: int, uids: Sequence[int]) -> dict[int, datetime | None]:
    rows = await db.all("SELECT uid, savedate FROM messages WHERE mailbox_id = %s"
                        " AND uid = ANY(%s)", (mailbox_id, sorted(set(uids))))
    return {uid: None if saved is None else from_epoch(saved) for uid, saved in rows}


async def recent_mark(db: Db, mailbox_id: int) -> int:
    row = await db.one("SELECT recentuid FROM mailboxes WHERE id = %s", (mailbox_id,))
    if row is None:
        raise MailboxNotFound(str(mailbox_id))
    return int(row[0])
