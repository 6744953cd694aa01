"""The store's one change feed across mailboxes (NOTIFY, RFC 5465).

Every commit that changes a mailbox's messages (its MODSEQ moves), the
mailbox list (create, delete, rename), a subscription or an annotation
appends one `FeedEvent` at the next `seq`. A session keeps the last `seq`
it read and asks for what came after: one indexed read per wake-up that
returns only what changed, so watching 10,000 mailboxes costs nothing
until one of them changes. The feed keeps a bounded tail: a reader that
fell behind it gets `lost` and must resynchronise (NOTIFICATIONOVERFLOW).

Invariants: `seq` ascends with commit order; events of one commit are
consecutive; a mailbox's events carry its internal name and owner as of
the event (for `rename`, `old_name` is the name before).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

FeedKind = Literal["messages", "create", "delete", "rename", "subscribe", "unsubscribe",
                   "metadata", "acl"]


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One change. `mailbox_id` is 0 for a subscription (it names no mailbox
    id) and for a server annotation; `owner` is the mailbox's owner, the
    subscribing user, an annotation's owner ('' for /shared) or the ACL
    entry's identifier (`bob`, `-bob`, `group:staff`); `entry` the
    annotation's entry without its scope (`/comment`)."""

    seq: int
    kind: FeedKind
    mailbox_id: int
    name: str
    owner: str | None
    old_name: str | None = None
    entry: str | None = None


@dataclass(frozen=True, slots=True)
class FeedBatch:
    """The events after a position, oldest first, and the position they reach.
    `lost`: events the reader had not read were dropped from the tail."""

    events: tuple[FeedEvent, ...]
    position: int
    lost: bool = False


@runtime_checkable
class FeedStore(Protocol):
    """The change feed of a backend (SQLite: the `change_feed` table)."""

    async def feed_position(self) -> int:
        """The `seq` of the newest event (0 when there is none)."""
    async def feed_since(self, seq: int, limit: int) -> FeedBatch:
        """At most `limit` events after `seq`."""
    async def wait_for_feed(self, seq: int, timeout: float) -> bool:
        """True as soon as an event after `seq` exists, False after `timeout`."""
