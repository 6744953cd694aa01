"""What the store keeps after users let go of it: the `RetentionStore` interface.

With `expunge_mode: delayed` (Cyrus's default) an expunged message leaves
the mailbox for every client at once, at a new MODSEQ, but its body stays
on disk, held by the tombstone, until `cyr_expire -X` lets it go; until
then `unexpunge` can bring it back, as a new message (a new UID, so that
every client sees it arrive: UIDs never go back, RFC 9051 §2.3.1.1).
Held messages do not count against quota, as in Cyrus; restoring them
does, and is refused like an APPEND over quota.

With `delete_mode: delayed` (Cyrus's default too) a deleted mailbox leaves
every client at once (a session holding it learns it was deleted), but its
messages, seen state and ACL are kept, under a new id, as
`DELETED.<name>.<hex time>` (`deletedprefix`; the domain stays in front),
which only administrators see. An administrator RENAMEs it back; `cyr_expire
-D` drops it when old.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class ExpungedMessage:
    """A tombstone of a mailbox, as `unexpunge -l` lists it."""

    uid: int
    flags: frozenset[str]
    internaldate: datetime
    size: int
    blob: str
    expunged_at: datetime | None  # None: expunged by a Roost that kept no time
    restorable: bool  # its body is still held


@dataclass(frozen=True, slots=True)
class ExpungePurge:
    """What `cyr_expire -X` let go of."""

    bodies: int  # held bodies released: unexpunge can no longer restore them
    tombstones: int  # expunged records removed
    changes: int  # mailbox-level change records (rename, ACL, deletion) removed


@runtime_checkable
class RetentionStore(Protocol):
    """Delayed expunge, beside the base `Store`."""

    async def expunged_messages(self, mailbox_id: int) -> list[ExpungedMessage]:
        """The mailbox's tombstones, by UID."""

    async def unexpunge(self, mailbox_id: int, uids: Sequence[int] | None = None, *,
                        since: datetime | None = None, clear_deleted: bool = False,
                        add_flags: Sequence[str] = ()) -> list[tuple[int, int]]:
        """Restore held messages (those among `uids`, or expunged at or after
        `since`, or all) as new records with their flags (less \\\\Deleted with
        `clear_deleted`, plus `add_flags`), in UID order, in one transaction;
        (old UID, new UID) pairs. OverQuota if they do not fit."""

    async def expire_deleted(self, before: datetime, prefix: str = "") -> list[str]:
        """Drop the mailboxes delayed delete kept (`delete_mode: delayed`)
        that were deleted before `before` and whose name before deletion
        starts with `prefix` (`cyr_expire -D`, `-p`); their names."""

    async def expire_expunged(self, before: datetime, prefix: str = "") -> ExpungePurge:
        """Purge what expunges left behind before `before` in the mailboxes
        whose internal name starts with `prefix` (`cyr_expire -X`, `-p`), as
        Cyrus does: the held bodies, the tombstones themselves and the
        mailbox-level change records. Each mailbox remembers the highest
        MODSEQ purged (Cyrus's `deletedmodseq`), and below it QRESYNC and
        sessions are answered from the live UIDs (`Vanished.complete`)."""
