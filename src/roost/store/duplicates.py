"""Duplicate-delivery records: the `DuplicateStore` interface beside the others.

Cyrus keeps one "duplicate delivery database" (deliver.db) for three
things, and so does Roost: suppressing a second delivery of the same
Message-ID into the same mailbox (`duplicatesuppression`), Sieve's
`duplicate` test (RFC 7352), and vacation's response tracking (RFC 5230
§4.2). A record is an `id` (what was seen: a Message-ID, a tracking id, a
sender and handle) within a `scope` (who saw it: a mailbox, a script
owner), with the time it was last recorded and a time before which it
must be kept (`keep_until`: a vacation period, a `duplicate :seconds`).

Records outlive restarts and are shared by every worker process of the
store. `expire_duplicates` (`roost cyr_expire -E DAYS`) drops records
older than a cut-off unless they are still to be kept, so an expiry run
never shortens a vacation period a script asked for.

Every write is durable when it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class DuplicateRecord:
    """`id` seen in `scope` at `seen`, to be kept at least until `keep_until`."""

    id: str
    scope: str
    seen: datetime
    keep_until: datetime


@runtime_checkable
class DuplicateStore(Protocol):
    """Records of what was seen; see the module docstring."""

    async def duplicate_seen(self, id: str, scope: str) -> datetime | None:
        """When `id` was last recorded in `scope` (time zone aware), or None."""

    async def record_duplicates(self, records: Sequence[DuplicateRecord]) -> None:
        """Write `records` in one transaction, each replacing an earlier
        record of its id and scope."""

    async def expire_duplicates(self, seen_before: datetime, now: datetime) -> int:
        """Drop records last seen before `seen_before` whose `keep_until`
        has passed at `now`; how many went."""
