"""PostgresStore: the `Store`, `AclStore`, `QuotaStore`, `DuplicateStore`,
`MetadataStore`, `UrlAuthStore` and `MaintenanceStore` protocols over a
PostgreSQL index, bodies through a `BlobStore` (files or S3).

Bodies are staged and parsed in a worker thread and made durable before
the transaction that indexes them (the same rule as SQLite's writer);
if that transaction fails, the staged bodies no row references go again.
Writes are one transaction each (tx.py), reads one snapshot each.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from roost.store import flags as flagbits
from roost.store.api import (
    AppendMessage,
    AppendResult,
    Changes,
    Delivery,
    FlagOp,
    InvalidMessage,
    MailboxChange,
    MailboxInfo,
    MailboxStatus,
    MessageRecord,
    QuotaRoot,
    QuotaUsage,
    UidRange,
    Vanished,
)
from roost.store.blobstore import BlobStore
from roost.store.duplicates import DuplicateRecord
from roost.store.newmessage import new_message, new_messages
from roost.store.postgres import duplicates, mailbox_ops, message_ops, quota, reads, user_ops
from roost.store.postgres.annotations import PostgresAnnotations
from roost.store.postgres.bodies import PostgresBodies
from roost.store.postgres.check import check as check_index
from roost.store.postgres.expiry import PostgresRetention
from roost.store.postgres.feed import PostgresFeed
from roost.store.postgres.maintenance import PostgresMaintenance
from roost.store.postgres.notify import Listener
from roost.store.postgres.rows import load_mailbox, load_mailbox_id
from roost.store.postgres.tx import Database, WriteTx
from roost.store.records import from_epoch, to_epoch
from roost.store.validate import ValidatedWrites

T = TypeVar("T")


class PostgresStore(ValidatedWrites, PostgresBodies, PostgresAnnotations, PostgresFeed,
                    PostgresRetention, PostgresMaintenance):
    """The shared mail store: any number of processes on any nodes over one database."""

    _mailbox_ops = mailbox_ops
    _user_ops = user_ops
    _message_ops = message_ops
    _quota_ops = quota

    def __init__(self, dsn: str, blobs: BlobStore, defaultpartition: str = "default", *,
                 expunge_mode: str = "delayed", delete_mode: str = "delayed",
                 deleted_prefix: str = "DELETED") -> None:
        """The pool opens, and the schema is brought up to date, at the first call.
        `expunge_mode`, `delete_mode`, `deleted_prefix`: as SqliteStore's."""
        super().__init__(Database(dsn, blobs), blobs)
        self.dsn = dsn
        self._configure(defaultpartition, expunge_mode, delete_mode, deleted_prefix)
        self._listener = Listener(dsn)

    async def _write(self, op: Callable[[WriteTx], Awaitable[T]]) -> T:
        """One operation in one write transaction (ValidatedWrites)."""
        return await self._db.write(op)

    # -- mailbox list
    async def get_mailbox(self, name: str) -> MailboxInfo:
        return await self._db.read(lambda db: load_mailbox(db, name), snapshot=False)

    async def mailbox_by_id(self, mailbox_id: int) -> MailboxInfo:
        return await self._db.read(lambda db: load_mailbox_id(db, mailbox_id), snapshot=False)

    async def list_mailboxes(self, prefix: str = "") -> list[MailboxInfo]:
        return await self._db.read(lambda db: reads.list_mailboxes(db, prefix), snapshot=False)

    # -- access control lists (AclStore)
    async def mailboxes_naming(self, identifiers: Sequence[str],
                               owner: str | None) -> list[MailboxInfo]:
        return await self._db.read(lambda db: reads.mailboxes_naming(db, identifiers, owner), snapshot=False)

    # -- quota roots (QuotaStore)
    async def get_quota(self, root: str) -> QuotaRoot:
        return await self._db.read(lambda db: quota.load(db, root))

    async def quota_root_of(self, name: str) -> QuotaRoot | None:
        return await self._db.read(lambda db: quota.load_root_of(db, name))

    async def quota_roots(self, prefix: str = "") -> list[QuotaUsage]:
        return await self._db.read(lambda db: quota.usages(db, prefix))

    # -- duplicate-delivery records (DuplicateStore)
    async def duplicate_seen(self, id: str, scope: str) -> datetime | None:
        when = await self._db.read(lambda db: duplicates.seen(db, id, scope), snapshot=False)
        return None if when is None else from_epoch(when)

    async def record_duplicates(self, records: Sequence[DuplicateRecord]) -> None:
        if records:
            await self._db.write(lambda tx: duplicates.record(tx, records))

    async def expire_duplicates(self, seen_before: datetime, now: datetime) -> int:
        return await self._db.write(
            lambda tx: duplicates.expire(tx, to_epoch(seen_before), to_epoch(now)))

    # -- subscriptions
    async def subscriptions(self, user: str) -> list[str]:
        return await self._db.read(lambda db: reads.subscriptions(db, user), snapshot=False)

    # -- messages in
    async def append_messages(self, mailbox_id: int, messages: Sequence[AppendMessage], *,
                              user: str | None = None) -> list[AppendResult]:
        if not messages:
            return []
        if any(not message.raw for message in messages):
            raise InvalidMessage("empty message")
        info = await self.mailbox_by_id(mailbox_id)
        bodies, staged = await self._bodies(info.partition, [m.raw for m in messages])
        batch = new_messages(bodies, messages)
        try:
            return await self._db.write(lambda tx: message_ops.append(tx, mailbox_id, batch, user))
        except BaseException:
            await self._db.remove_unreferenced(staged)
            raise

    async def deliver(self, targets: Sequence[Delivery], raw: bytes,
                      internaldate: datetime | None = None, *,
                      records: Sequence[DuplicateRecord] = ()) -> list[AppendResult]:
        """One body in the first target's partition, shared by every target;
        `records` in the same transaction."""
        if not targets:
            return []
        if not raw:
            raise InvalidMessage("empty message")
        first = await self.mailbox_by_id(targets[0].mailbox_id)
        bodies, staged = await self._bodies(first.partition, [raw])
        rows = [(t.mailbox_id, flagbits.normalize(t.flags)) for t in targets]
        when = to_epoch(internaldate)

        async def write(tx: WriteTx) -> list[AppendResult]:
            await duplicates.record(tx, records)
            return await message_ops.deliver(tx, bodies[0], rows, when)
        try:
            return await self._db.write(write)
        except BaseException:
            await self._db.remove_unreferenced(staged)
            raise

    # -- reading
    async def messages(self, mailbox_id: int, user: str | None = None) -> list[MessageRecord]:
        return await self._db.read(lambda db: reads.messages(db, mailbox_id, user))

    async def changes_since(self, mailbox_id: int, modseq: int,
                            user: str | None = None) -> Changes:
        return await self._db.read(lambda db: reads.changes_since(db, mailbox_id, modseq, user))

    async def mailbox_changes_since(self, mailbox_id: int,
                                    modseq: int) -> tuple[MailboxChange, ...]:
        return await self._db.read(
            lambda db: reads.mailbox_changes_since(db, mailbox_id, modseq))

    async def vanished_since(self, mailbox_id: int, modseq: int) -> Vanished:
        return await self._db.read(lambda db: reads.vanished_since(db, mailbox_id, modseq))

    async def savedates(self, mailbox_id: int,
                        uids: Sequence[int]) -> dict[int, datetime | None]:
        return await self._db.read(lambda db: reads.savedates(db, mailbox_id, uids), snapshot=False)

    async def messages_with_message_id(self, message_id: str) -> list[tuple[int, MessageRecord]]:
        return await self._db.read(lambda db: reads.by_message_id(db, message_id), snapshot=False)

    async def status(self, mailbox_id: int, user: str | None = None) -> MailboxStatus:
        return await self._db.read(lambda db: reads.status(db, mailbox_id, user), snapshot=False)

    async def uid_ranges(self, mailbox_ids: Sequence[int]) -> dict[int, UidRange]:
        return await self._db.read(lambda db: reads.uid_ranges(db, mailbox_ids), snapshot=False)

    # -- changing
    async def store_flags(self, mailbox_id: int, uids: Sequence[int], op: FlagOp,
                          flags: Sequence[str], *, user: str | None = None,
                          unchanged_since: int | None = None,
                          known_flags: Mapping[int, frozenset[str]] | None = None
                          ) -> tuple[list[MessageRecord], list[int]]:
        wanted = flagbits.normalize(flags)
        return await self._db.write(lambda tx: message_ops.store_flags(
            tx, mailbox_id, uids, op, wanted, user, unchanged_since, known_flags))

    async def expunge(self, mailbox_id: int, uids: Sequence[int] | None = None) -> list[int]:
        return await self._db.write(
            lambda tx: message_ops.expunge(tx, mailbox_id, uids, self._hold))

    async def replace(self, mailbox_id: int, uid: int, target_id: int,
                      message: AppendMessage, *, user: str | None = None) -> AppendResult:
        if not message.raw:
            raise InvalidMessage("empty message")
        info = await self.mailbox_by_id(target_id)
        bodies, staged = await self._bodies(info.partition, [message.raw])
        new = new_message(bodies[0], message)
        try:
            return await self._db.write(lambda tx: message_ops.replace(
                tx, mailbox_id, uid, target_id, new, user, self._hold))
        except BaseException:
            await self._db.remove_unreferenced(staged)
            raise

    async def claim_recent(self, mailbox_id: int, upto: int | None = None) -> int:
        if upto == 0:  # a read-only look raises no mark
            return await self._db.read(lambda db: reads.recent_mark(db, mailbox_id), snapshot=False)
        return await self._db.write(lambda tx: mailbox_ops.claim_recent(tx, mailbox_id, upto))

    # -- change notification
    async def wait_for_change(self, mailbox_id: int, modseq: int, timeout: float) -> bool:
        """True once MODSEQ passes `modseq` or the mailbox is gone, in any process."""
        async def changed() -> bool:
            now = await self._db.read(lambda db: reads.highestmodseq(db, mailbox_id), snapshot=False)
            return now is None or now > modseq
        return await self._listener.wait(changed, timeout)

    # -- upkeep
    def check(self) -> list[str]:
        return check_index(self.dsn, self._blobs)

    async def close(self) -> None:
        await self._listener.close()
        await self._db.close()

