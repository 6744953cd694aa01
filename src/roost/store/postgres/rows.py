"""Index rows -> API values, and the SQL pieces reads and writes share.

The per-user `\\Seen` rule lives here, once: a user who is given and is not
the mailbox's owner sees `\\Seen` from the `seen` table; everyone else (the
owner, and callers that pass no user) sees the bit kept in `messages`.
Flags are encoded as the SQLite index encodes them (`store/flags.py`:
a system-flag bitmask and sorted keyword text, no SQL there).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from roost.store import flags, records
from roost.store.api import AclEntry, MailboxInfo, MailboxNotFound, MessageRecord
from roost.store.postgres.tx import Db
from roost.store.records import record

ACL_COLUMN = ("(SELECT string_agg(a.identifier || chr(9) || a.rights, chr(10)"
              " ORDER BY a.position) FROM acl a WHERE a.mailbox_id = mailboxes.id)")
"""The ACL as `identifier TAB rights` lines in the order entries were first
set; identifiers hold no control characters (the rights layer refuses them)."""

MAILBOX_COLUMNS = ("id, name, uidvalidity, uidnext, highestmodseq, partition, owner, special_use, "
                   + ACL_COLUMN)

SEEN_VIEW = "(%(user)s::text IS NOT NULL AND mb.owner IS DISTINCT FROM %(user)s::text)"
"""True where `user`'s \\Seen comes from the seen table (bound to mailbox `mb`)."""

RECORD_SELECT = f"""
    SELECT m.uid, m.modseq, m.sysflags, m.keywords, m.internaldate, m.size, m.blob,
           CASE WHEN {SEEN_VIEW} THEN s.uid IS NOT NULL ELSE m.sysflags & {flags.SEEN} != 0 END
    FROM messages m
    JOIN mailboxes mb ON mb.id = m.mailbox_id
    LEFT JOIN seen s ON s.mailbox_id = m.mailbox_id AND s."user" = %(user)s AND s.uid = m.uid
"""
"""Select records as `user` sees them; callers add WHERE (on m.) and ORDER BY,
with named parameters."""

LIVE, GONE, HELD = 0, 1, 2
"""`messages.expunged`: a live record; a tombstone (its body released); a
tombstone that still holds its body (expunge_mode: delayed), which
unexpunge can restore and `cyr_expire -X` purges. Bodies are referenced
by every row that is not GONE (SQLite's values, store/sqlite/rows.py)."""


def mailbox_info(row: Sequence[Any]) -> MailboxInfo:
    """A MailboxInfo from a row of MAILBOX_COLUMNS."""
    acl = tuple(AclEntry(*line.split("\t")) for line in row[8].split("\n")) if row[8] else ()
    return records.mailbox_info(row, acl)


async def load_mailbox(db: Db, name: str) -> MailboxInfo:
    row = await db.one(f"SELECT {MAILBOX_COLUMNS} FROM mailboxes WHERE name = %s", (name,))
    if row is None:
        raise MailboxNotFound(name)
    return mailbox_info(row)


async def load_mailbox_id(db: Db, mailbox_id: int, *, lock: bool = False) -> MailboxInfo:
    """The mailbox with that id, or MailboxNotFound; with `lock` its row is
    locked to the end of the transaction (every writer of it queues there)."""
    suffix = " FOR UPDATE OF mailboxes" if lock else ""
    row = await db.one(f"SELECT {MAILBOX_COLUMNS} FROM mailboxes WHERE id = %s{suffix}",
                       (mailbox_id,))
    if row is None:
        raise MailboxNotFound()  # no detail: replies show it, and an id means nothing there
    return mailbox_info(row)


async def lock_mailboxes(db: Db, mailbox_ids: Sequence[int]) -> None:
    """Lock several mailbox rows in id order (no two writers wait on each other)."""
    await db.all("SELECT id FROM mailboxes WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                 (sorted(set(mailbox_ids)),))


async def live_records(db: Db, mailbox_id: int, uids: Sequence[int],
                       user: str | None) -> list[MessageRecord]:
    """Live records among `uids` as `user` sees them, in UID order."""
    rows = await db.all(RECORD_SELECT + " WHERE m.mailbox_id = %(id)s AND m.expunged = 0"
                        " AND m.uid = ANY(%(uids)s) ORDER BY m.uid",
                        {"user": user, "id": mailbox_id, "uids": sorted(set(uids))})
    return [record(row) for row in rows]
