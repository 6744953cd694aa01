"""Mailbox-level changes and VANISHED answers from rows a backend read.

Both backends keep the same tables (`mailbox_changes`, a mailbox's
`deletedmodseq`, the `mailboxid` counter); each runs its own SQL and
hands the rows here, so the purge rules (`cyr_expire -X`) live once.
Invariants: pure functions of their arguments; no I/O, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from roost.store import names
from roost.store.api import (
    MailboxAclChanged,
    MailboxChange,
    MailboxDeleted,
    MailboxNotFound,
    MailboxRenamed,
    Vanished,
)


def mailbox_change(mailbox_id: int, kind: str, name: str) -> MailboxChange:
    """One `mailbox_changes` row as the typed change a session reacts to."""
    if kind == "deleted":
        return MailboxDeleted(mailbox_id, name)
    if kind == "renamed":
        return MailboxRenamed(mailbox_id, name, names.owner_of(name))
    return MailboxAclChanged(mailbox_id)


def deletion(mailbox_id: int, deleted: tuple[int, str] | None,
             last_id: int | None) -> tuple[int, MailboxDeleted]:
    """(MODSEQ, change) of a mailbox that is gone, from its `deleted` row
    (modseq, name) and the highest mailbox id given out; MailboxNotFound
    for an id never given out. Ids are never reused, so one given out and
    not in the list was deleted even when `cyr_expire -X` purged the row
    that said so (its name and MODSEQ are then unknown: '' and 0)."""
    if deleted is not None:
        return deleted[0], MailboxDeleted(mailbox_id, deleted[1])
    if last_id is None or not 0 < mailbox_id <= last_id:
        raise MailboxNotFound()
    return 0, MailboxDeleted(mailbox_id, "")


def mailbox_changes(mailbox_id: int, modseq: int, kept: Iterable[tuple[str, str]],
                    current: tuple[str, int] | None) -> list[MailboxChange]:
    """The mailbox-level changes after `modseq`, oldest first, from the
    `kept` rows (kind, name) and the mailbox's `current` (name,
    deletedmodseq). Below `deletedmodseq` some rows were purged, so the
    answer starts with what they could have said, as things now are: its
    name (a rename to the name it has is a no-op) and its ACL."""
    changes = [mailbox_change(mailbox_id, kind, name) for kind, name in kept]
    if current is None or modseq >= current[1]:
        return changes
    name = current[0]
    return [MailboxRenamed(mailbox_id, name, names.owner_of(name)),
            MailboxAclChanged(mailbox_id), *changes]


def vanished(uids: Iterable[int], modseq: int, deletedmodseq: int | None) -> Vanished:
    """Tombstone UIDs after `modseq`: exact at or above the mailbox's
    `deletedmodseq` (the highest MODSEQ `cyr_expire -X` removed), below
    it incomplete and said to be."""
    return Vanished(tuple(uids), deletedmodseq is None or modseq >= deletedmodseq)
