"""Index rows -> API values, for every backend.

Both indexes select the same columns in the same order (each backend's
rows.py: MAILBOX_COLUMNS, RECORD_SELECT) and keep flags in one encoding
(store/flags.py: a system-flag bitmask and sorted keyword text),
so one builder serves both. Invariants: pure functions; no SQL; times in
the index are seconds since the epoch, instants in UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from roost.store import flags
from roost.store.api import AclEntry, MailboxInfo, MessageRecord


def mailbox_info(row: Sequence[Any], acl: tuple[AclEntry, ...]) -> MailboxInfo:
    """A MailboxInfo from a row of MAILBOX_COLUMNS and its decoded ACL."""
    special = tuple(row[7].split()) if row[7] else ()
    return MailboxInfo(id=row[0], name=row[1], uidvalidity=row[2], uidnext=row[3],
                       highestmodseq=row[4], partition=row[5], owner=row[6],
                       special_use=special, acl=acl)


def record(row: Sequence[Any]) -> MessageRecord:
    """A MessageRecord from a row of RECORD_SELECT (its last column: seen as the user sees it)."""
    bits = (row[2] & ~flags.SEEN) | (flags.SEEN if row[7] else 0)
    return MessageRecord(uid=row[0], modseq=row[1], flags=flags.decode(bits, row[3]),
                         internaldate=from_epoch(row[4]), size=row[5], blob=row[6])


def seen_is_per_user(info: MailboxInfo, user: str | None) -> bool:
    """Python twin of the backends' SEEN_VIEW: a given user other than the
    owner sees `\\Seen` from the seen table."""
    return user is not None and info.owner != user


def to_epoch(when: datetime | None) -> float:
    """Seconds since the epoch; naive datetimes are taken as UTC, None is now."""
    if when is None:
        return datetime.now(UTC).timestamp()
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def from_epoch(seconds: float) -> datetime:
    """An aware UTC datetime (the index keeps the instant, not the sender's zone)."""
    return datetime.fromtimestamp(seconds, UTC)
