"""A user as one unit of the store, each operation one transaction (STYLE.md
"Seams": one call, all or nothing): creating a user (autocreate) and
renaming one.

RENAME: everything the store keeps of `bob` becomes `robert`'s.

What moves: the mailboxes of the user (INBOX and every folder below it,
ids, UIDVALIDITY and messages kept, owners recomputed) with their quota
roots; every ACL entry naming the user, `-bob` too, on any mailbox (bob's
grants on alice's folders stay with the person); the user's
subscriptions, and everyone's subscriptions to the moved names; the
user's \\Seen state on other people's mailboxes (on their own it lives in
the records and moves with them). Sessions learn of it from the
`renamed` and `acl` changes recorded at new MODSEQs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from roost.store import names
from roost.store.api import MailboxExists, MailboxInfo
from roost.store.quota_charge import moved_name
from roost.store.sqlite import quota
from roost.store.sqlite.mailbox_ops import create_mailbox, record_change, rename_mailbox, subscribe
from roost.store.sqlite.rows import load_mailbox
from roost.store.sqlite.writer import WriteTx


def create_user(tx: WriteTx, userid: str, partition: str, folders: Sequence[str],
                limits: Mapping[str, int] | None, subscriptions: Sequence[str]) -> MailboxInfo:
    """The INBOX, its folders, its quota root and the user's subscriptions."""
    inbox = create_mailbox(tx, names.user_inbox(userid), partition, ())
    for name in folders:
        create_mailbox(tx, name, partition, ())
    if limits is not None:
        quota.set_quota(tx, inbox.name, limits)
    for name in subscriptions:
        subscribe(tx, userid, name)
    return inbox


def rename_user(tx: WriteTx, old: str, new: str) -> MailboxInfo:
    """Rename user `old` to `new` (canonical user ids); the new INBOX.

    MailboxNotFound when `old` has no INBOX, MailboxExists when `new` has one.
    """
    old_inbox, new_inbox = names.user_inbox(old), names.user_inbox(new)
    info = load_mailbox(tx.db, old_inbox)
    if tx.db.execute("SELECT 1 FROM mailboxes WHERE name = ?", (new_inbox,)).fetchone():
        raise MailboxExists(new_inbox)
    renamed = rename_mailbox(tx, info.id, new_inbox)
    _rename_acl_entries(tx, old, new)
    tx.db.execute("UPDATE OR REPLACE seen SET user = ? WHERE user = ?", (new, old))
    tx.db.execute("UPDATE OR REPLACE subscriptions SET user = ? WHERE user = ?", (new, old))
    for user, name in tx.db.execute(
            "SELECT user, name FROM subscriptions WHERE name = ? OR substr(name, 1, ?) = ?",
            (old_inbox, len(old_inbox) + 1, old_inbox + ".")).fetchall():
        tx.db.execute("UPDATE OR REPLACE subscriptions SET name = ? WHERE user = ? AND name = ?",
                      (moved_name(name, old_inbox, new_inbox), user, name))
    return renamed


def _rename_acl_entries(tx: WriteTx, old: str, new: str) -> None:
    """`bob` and `-bob` become `robert` and `-robert` wherever they stand;
    each mailbox whose ACL changed records it, for the sessions."""
    for prefix in ("", "-"):
        rows = tx.db.execute("SELECT a.mailbox_id, m.name FROM acl a JOIN mailboxes m"
                             " ON m.id = a.mailbox_id WHERE a.identifier = ?",
                             (prefix + old,)).fetchall()
        tx.db.execute("UPDATE OR REPLACE acl SET identifier = ? WHERE identifier = ?",
                      (prefix + new, prefix + old))
        for mailbox_id, name in rows:
            record_change(tx, mailbox_id, "acl", name)

