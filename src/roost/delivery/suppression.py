"""Duplicate delivery suppression (`duplicatesuppression`, Cyrus's deliver.db).

Cyrus lmtpd's rule: a message whose Message-ID (its Resent-Message-ID when
it has one) is recorded as delivered to a mailbox is not stored there
again; and a recipient whose script already ran on that message does not
run it again (so a retried LMTP transaction sends no second redirect or
vacation reply). Records are written only for what was stored, after the
store committed it; they live in the store's `DuplicateStore`, so they
hold across restarts and for every worker process.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from roost.delivery.compose import headers_of
from roost.delivery.plan import Mark, Plan, Target
from roost.store.duplicates import DuplicateRecord, DuplicateStore


def message_id_of(raw: bytes) -> str | None:
    """The id Cyrus tracks: Resent-Message-ID if present, else Message-ID."""
    header = headers_of(raw)
    for name in ("Resent-Message-ID", "Message-ID"):
        value = " ".join(str(header.get(name) or "").split())
        if value:
            return value
    return None


def sieve_scope(userid: str) -> str:
    """The scope of "this user's script ran on this message"."""
    return f"sieve-run {userid}"


class Suppression:
    """The duplicate checks of one delivery (one message)."""

    def __init__(self, store: DuplicateStore, message_id: str) -> None:
        self.store = store
        self.message_id = message_id

    async def seen(self, scope: str) -> bool:
        return await self.store.duplicate_seen(self.message_id, scope) is not None

    async def drop_delivered(self, plan: Plan) -> None:
        """Remove the copies already delivered (fcc copies are never duplicates)."""
        plan.targets = [t for t in plan.targets
                        if t.optional or not await self.seen(t.mailbox.name)]

    def stored(self, targets: list[Target]) -> list[Mark]:
        """The records of copies the store committed, whether or not the rest
        of their recipient's copies were: a retry then skips these."""
        return [Mark(self.message_id, t.mailbox.name) for t in targets if not t.optional]


def records(marks: list[Mark]) -> list[DuplicateRecord]:
    """The records of `marks`, seen now."""
    now = datetime.now(UTC)
    return [DuplicateRecord(m.id, m.scope, now, now + timedelta(seconds=m.keep_seconds))
            for m in marks]
