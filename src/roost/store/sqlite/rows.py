"""Index rows -> API values, and the SQL pieces reads and writes share.

The per-user `\\Seen` rule lives here, once: a user who is given and is not
the mailbox's owner sees `\\Seen` from the `seen` table; everyone else (the
owner, and callers that pass no user) sees the bit kept in `messages`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from roost.store import flags, records
from roost.store.api import AclEntry, MailboxInfo, MailboxNotFound, MessageRecord
from roost.store.records import record

ACL_COLUMN = ("(SELECT group_concat(a.position || char(9) || a.identifier || char(9) || a.rights,"
              " char(10)) FROM acl a WHERE a.mailbox_id = mailboxes.id)")
"""The mailbox's ACL as `position TAB identifier TAB rights` lines: it comes with
the row, so the rights decision never costs a second query. Identifiers hold
no control characters (the rights layer refuses them), so the split is exact."""

MAILBOX_COLUMNS = ("id, name, uidvalidity, uidnext, highestmodseq, partition, owner, special_use, "
                   + ACL_COLUMN)

SEEN_VIEW = "(:user IS NOT NULL AND mb.owner IS NOT :user)"
"""True where `:user`'s \\Seen comes from the seen table (bound to mailbox `mb`)."""

RECORD_SELECT = f"""
    SELECT m.uid, m.modseq, m.sysflags, m.keywords, m.internaldate, m.size, m.blob,
           CASE WHEN {SEEN_VIEW} THEN s.uid IS NOT NULL ELSE m.sysflags & {flags.SEEN} != 0 END
    FROM messages m
    JOIN mailboxes mb ON mb.id = m.mailbox_id
    LEFT JOIN seen s ON s.mailbox_id = m.mailbox_id AND s.user = :user AND s.uid = m.uid
"""
"""Select live records as `:user` sees them; callers add WHERE (on m.) and ORDER BY."""

LIVE, GONE, HELD = 0, 1, 2
"""`messages.expunged`: a live record; a tombstone (its body released); a
tombstone that still holds its body (expunge_mode: delayed), which
unexpunge can restore and `cyr_expire -X` turns into a plain one. Bodies
are referenced by every row that is not GONE."""

UID_CHUNK = 500
"""UIDs per `IN (...)`: SQLite caps the number of bound parameters."""


def mailbox_info(row: Sequence[Any]) -> MailboxInfo:
    """A MailboxInfo from a row of MAILBOX_COLUMNS."""
    return records.mailbox_info(row, acl_entries(row[8]))


def acl_entries(text: str | None) -> tuple[AclEntry, ...]:
    """ACL_COLUMN's text -> entries in the order they were first set (Cyrus's order)."""
    if not text:
        return ()
    rows = sorted((int(position), identifier, rights) for position, identifier, rights
                  in (line.split("\t") for line in text.split("\n")))
    return tuple(AclEntry(identifier, rights) for _, identifier, rights in rows)


def load_mailbox(db: sqlite3.Connection, name: str) -> MailboxInfo:
    """The mailbox called `name`, or MailboxNotFound."""
    row = db.execute(f"SELECT {MAILBOX_COLUMNS} FROM mailboxes WHERE name = ?",
                     (name,)).fetchone()
    if row is None:
        raise MailboxNotFound(name)
    return mailbox_info(row)


def load_mailbox_id(db: sqlite3.Connection, mailbox_id: int) -> MailboxInfo:
    """The mailbox with id `mailbox_id`, or MailboxNotFound."""
    row = db.execute(f"SELECT {MAILBOX_COLUMNS} FROM mailboxes WHERE id = ?",
                     (mailbox_id,)).fetchone()
    if row is None:
        raise MailboxNotFound()  # no detail: replies show it, and an id means nothing there
    return mailbox_info(row)


def live_records(db: sqlite3.Connection, mailbox_id: int, uids: Sequence[int],
                 user: str | None) -> list[MessageRecord]:
    """Live records among `uids` as `user` sees them, in UID order; absent UIDs skipped."""
    found: list[MessageRecord] = []
    for chunk in chunks(sorted(set(uids))):
        marks = ",".join("?" * len(chunk))
        sql = (RECORD_SELECT.replace(":user", "?1")
               + f" WHERE m.mailbox_id = ?2 AND m.expunged = 0 AND m.uid IN ({marks})")
        params = (user, mailbox_id, *chunk)
        found.extend(record(row) for row in db.execute(sql, params))
    found.sort(key=lambda rec: rec.uid)
    return found


def chunks(uids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(uids), UID_CHUNK):
        yield uids[start:start + UID_CHUNK]
