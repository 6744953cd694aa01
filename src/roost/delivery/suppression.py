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
from roost.store.offers import offered

_TRACKED = (b"resent-message-id", b"message-id")
#: What `email`'s feedparser takes for a field name (its headerRE, less "From ").
_NAME_OCTETS = frozenset(range(0x21, 0x7F)) - {ord(":")}


def message_id_of(raw: bytes) -> str | None:
    """The id Cyrus tracks: Resent-Message-ID if present, else Message-ID.

    Asked of every delivery, so the usual header (ASCII, CRLF lines, every
    line a field or its continuation) is scanned as bytes; any other goes
    to the `email` parser, whose answer the scan gives for the usual one
    (tests/delivery/test_delivery_message_id.py).
    """
    values = _scan_ids(raw)
    if values is None:
        header = headers_of(raw)
        values = {name: str(header.get(name.decode()) or "") for name in _TRACKED}
    for name in _TRACKED:
        value = " ".join(values.get(name, "").split())
        if value:
            return value
    return None


def _scan_ids(raw: bytes) -> dict[bytes, str] | None:
    """The first value of each tracked field (folding kept), or None when
    the header is not the usual kind."""
    end = raw.find(b"\r\n\r\n")
    head = raw if end < 0 else raw[: end + 2]
    crlf = head.count(b"\r\n")
    if not head.endswith(b"\r\n") or not head.isascii() \
            or head.count(b"\r") != crlf or head.count(b"\n") != crlf:
        return None
    found: dict[bytes, list[bytes]] = {}
    current: list[bytes] | None = None
    in_field = False
    for line in head[:-2].split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            if not in_field:
                return None  # a header that starts folded: the parser's defect
            if current is not None:
                current.append(line)
            continue
        colon = line.find(b":")
        if colon <= 0 or not _NAME_OCTETS.issuperset(line[:colon]):
            return None  # not a field: the parser ends the header here
        in_field = True
        name = line[:colon].lower()
        current = None
        if name in _TRACKED and name not in found:
            current = found[name] = [line[colon + 1:]]
    return {name: b" ".join(parts).decode("ascii") for name, parts in found.items()}


def duplicates_of(store: object) -> DuplicateStore | None:
    """The store as a `DuplicateStore`, if it is one (asked per delivery)."""
    return offered(store, DuplicateStore)


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
