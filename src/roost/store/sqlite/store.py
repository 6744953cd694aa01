"""SqliteStore: the `Store` protocol over one SQLite index and body files.

Cheap indexed reads run on the caller's thread with the store's own read
connection; reads of a whole large mailbox go to the read pool so they do
not stall the event loop (`_read`, readpool.py gives the figures); writes
go to the writer thread (group commit) and return once durable.
Bodies are written and parsed in a worker thread before their index change
is queued, so neither blocks the event loop; the writer makes them durable
before the commit that refers to them (see blobs.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
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
    StoreError,
    UidRange,
    Vanished,
)
from roost.store.blobstore import BlobStore, Pending
from roost.store.duplicates import DuplicateRecord
from roost.store.newmessage import new_message, new_messages
from roost.store.records import from_epoch, to_epoch
from roost.store.sqlite import (
    duplicates,
    mailbox_ops,
    message_ops,
    quota,
    reads,
    user_ops,
)
from roost.store.sqlite.blobs import BlobFiles
from roost.store.sqlite.bodies import SqliteBodies
from roost.store.sqlite.feed import SqliteFeed
from roost.store.sqlite.maintenance import SqliteMaintenance
from roost.store.sqlite.message_ops import NewBody, NewMessage, Target
from roost.store.sqlite.metadata import SqliteMetadata
from roost.store.sqlite.notify import ChangeNotifier
from roost.store.sqlite.parsedcache import ParsedLRU, serialize
from roost.store.sqlite.readpool import THREAD_ABOVE, ReadPool
from roost.store.sqlite.rows import load_mailbox, load_mailbox_id
from roost.store.sqlite.schema import migrate
from roost.store.sqlite.urlauth import SqliteUrlAuth
from roost.store.sqlite.writer import Writer, WriteTx, connect
from roost.store.validate import ValidatedWrites

log = logging.getLogger(__name__)
T = TypeVar("T")


class SqliteStore(ValidatedWrites, SqliteBodies, SqliteMaintenance, SqliteMetadata,
                  SqliteUrlAuth, SqliteFeed):
    """The embedded mail store; one per process (several may share a database)."""

    _mailbox_ops = mailbox_ops
    _user_ops = user_ops
    _message_ops = message_ops
    _quota_ops = quota

    def __init__(self, database: Path, partitions: dict[str, Path],
                 defaultpartition: str = "default", fsync: bool = True, *,
                 expunge_mode: str = "delayed", delete_mode: str = "delayed",
                 deleted_prefix: str = "DELETED", blobs: BlobStore | None = None,
                 flag_sync_delay: float = 0.0) -> None:
        """`expunge_mode` (imapd.conf's): `delayed` keeps expunged bodies for
        unexpunge until `expire_expunged`; the others release them at once.
        `delete_mode: delayed` keeps deleted mailboxes under `deleted_prefix`
        until `expire_deleted`; `immediate` drops them at once. `blobs` holds
        the bodies (default: files under `partitions`)."""
        self.database = database
        self._configure(defaultpartition, expunge_mode, delete_mode, deleted_prefix)
        self._fsync = fsync
        self._blobs: BlobStore = blobs or BlobFiles(partitions, fsync)
        self._db = connect(database, fsync)
        migrate(self._db)
        self._parsed = ParsedLRU()
        self._notifier = ChangeNotifier(self._data_version)
        self._writer = Writer(database, self._blobs, fsync, self._notifier.pulse,
                              flag_sync_delay)
        self._reads = ReadPool(database, fsync)
        self._background: set[asyncio.Future[None]] = set()  # parses being stored

    def _is_big(self, mailbox_id: int) -> bool:
        """True when the mailbox may hold more than THREAD_ABOVE messages."""
        return reads.uidnext(self._db, mailbox_id) > THREAD_ABOVE

    def _data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    async def _write(self, op: Callable[[WriteTx], T]) -> T:
        """One operation in one write transaction, on the writer thread (ValidatedWrites)."""
        return await self._writer.run(op)

    # -- mailbox list
    async def get_mailbox(self, name: str) -> MailboxInfo:
        return load_mailbox(self._db, name)

    async def mailbox_by_id(self, mailbox_id: int) -> MailboxInfo:
        return load_mailbox_id(self._db, mailbox_id)

    async def list_mailboxes(self, prefix: str = "") -> list[MailboxInfo]:
        # The whole server's list (admins, tools) can be long; a user's is short.
        return await self._read(lambda db: reads.list_mailboxes(db, prefix), big=not prefix)

    # -- access control lists (AclStore)
    async def mailboxes_naming(self, identifiers: Sequence[str],
                               owner: str | None) -> list[MailboxInfo]:
        # A user's candidates (own and shared folders) are short, as list_mailboxes(prefix).
        return await self._read(lambda db: reads.mailboxes_naming(db, identifiers, owner),
                                big=False)

    # -- quota roots (QuotaStore)
    async def get_quota(self, root: str) -> QuotaRoot:
        return quota.load(self._db, root)

    async def quota_root_of(self, name: str) -> QuotaRoot | None:
        return quota.load_root_of(self._db, name)

    async def quota_roots(self, prefix: str = "") -> list[QuotaUsage]:
        return await self._reads.run(lambda db: quota.usages(db, prefix))

    # -- duplicate-delivery records (DuplicateStore)
    async def duplicate_seen(self, id: str, scope: str) -> datetime | None:
        when = duplicates.seen(self._db, id, scope)
        return None if when is None else from_epoch(when)

    async def record_duplicates(self, records: Sequence[DuplicateRecord]) -> None:
        rows = duplicates.rows(records)
        if rows:
            await self._writer.run(lambda tx: duplicates.record(tx, rows))

    async def expire_duplicates(self, seen_before: datetime, now: datetime) -> int:
        return await self._writer.run(
            lambda tx: duplicates.expire(tx, to_epoch(seen_before), to_epoch(now)))

    # -- subscriptions
    async def subscriptions(self, user: str) -> list[str]:
        return reads.subscriptions(self._db, user)

    # -- messages in
    def _write_body(self, partition: str, raw: bytes) -> tuple[NewBody, Pending]:
        """Worker thread: the body file and its parse, before any index change.

        The writer makes the file durable (`Pending`) before the commit.
        """
        staged = self._blobs.stage(partition, raw)
        return NewBody(staged.key, partition, raw, serialize(raw)), staged

    def _write_bodies(self, partition: str, raws: Sequence[bytes],
                      pending: list[Pending]) -> list[NewBody]:
        """Worker thread: every body of a batch; `pending` grows as they are staged."""
        bodies = []
        for raw in raws:
            body, staged = self._write_body(partition, raw)
            bodies.append(body)
            pending.append(staged)
        return bodies

    async def append_messages(self, mailbox_id: int, messages: Sequence[AppendMessage], *,
                              user: str | None = None) -> list[AppendResult]:
        """Every body is written before the one index operation that takes them
        all; if that fails, or a later body cannot be written (a full disk),
        the writer removes the bodies no index row references."""
        if not messages:
            return []
        if any(not message.raw for message in messages):
            raise InvalidMessage("empty message")
        info = load_mailbox_id(self._db, mailbox_id)
        pending: list[Pending] = []
        staged = False

        def prepare() -> tuple[list[NewMessage], list[Pending]]:
            nonlocal staged
            bodies = self._write_bodies(info.partition, [m.raw for m in messages], pending)
            staged = True
            return new_messages(bodies, messages), pending

        try:  # one thread crossing each way, as `deliver` (Writer.run_prepared)
            return await self._writer.run_prepared(
                prepare, lambda tx, batch: message_ops.append(tx, mailbox_id, batch, user))
        except StoreError:
            if not staged:  # a body could not be written: let the earlier ones go
                await self._writer.run(
                    lambda tx: tx.released.update((p.key, p.partition) for p in pending))
            raise

    async def deliver(self, targets: Sequence[Delivery], raw: bytes,
                      internaldate: datetime | None = None, *,
                      records: Sequence[DuplicateRecord] = ()) -> list[AppendResult]:
        """One body file, in the first target's partition, shared by every target;
        `records` in the same transaction."""
        if not targets:
            return []
        if not raw:
            raise InvalidMessage("empty message")
        partition = load_mailbox_id(self._db, targets[0].mailbox_id).partition
        rows = [Target(t.mailbox_id, flagbits.normalize(t.flags)) for t in targets]
        when = to_epoch(internaldate)
        marks = duplicates.rows(records)

        def write(tx: WriteTx, body: NewBody) -> list[AppendResult]:
            duplicates.record(tx, marks)
            return message_ops.deliver(tx, body, rows, when)

        def prepare() -> tuple[NewBody, tuple[Pending]]:
            body, staged = self._write_body(partition, raw)
            return body, (staged,)
        return await self._writer.run_prepared(prepare, write)

    # -- reading
    async def messages(self, mailbox_id: int, user: str | None = None) -> list[MessageRecord]:
        return await self._read(lambda db: reads.messages(db, mailbox_id, user),
                                self._is_big(mailbox_id))

    async def changes_since(self, mailbox_id: int, modseq: int,
                            user: str | None = None) -> Changes:
        """Sessions ask after every command and mostly nothing changed: one
        indexed read answers that, inline."""
        if reads.highestmodseq(self._db, mailbox_id) == modseq:
            return Changes(modseq, (), ())
        return await self._read(lambda db: reads.changes_since(db, mailbox_id, modseq, user),
                                self._is_big(mailbox_id))

    async def mailbox_changes_since(self, mailbox_id: int,
                                    modseq: int) -> tuple[MailboxChange, ...]:
        return reads.mailbox_changes_since(self._db, mailbox_id, modseq)

    async def vanished_since(self, mailbox_id: int, modseq: int) -> Vanished:
        """Complete down to the mailbox's `deletedmodseq` (see reads.vanished_since)."""
        return await self._read(lambda db: reads.vanished_since(db, mailbox_id, modseq),
                                self._is_big(mailbox_id))

    async def savedates(self, mailbox_id: int,
                        uids: Sequence[int]) -> dict[int, datetime | None]:
        return await self._read(lambda db: reads.savedates(db, mailbox_id, uids),
                                len(uids) > THREAD_ABOVE)

    async def messages_with_message_id(self, message_id: str) -> list[tuple[int, MessageRecord]]:
        return reads.by_message_id(self._db, message_id)

    async def status(self, mailbox_id: int, user: str | None = None) -> MailboxStatus:
        return await self._read(lambda db: reads.status(db, mailbox_id, user),
                                self._is_big(mailbox_id))

    async def uid_ranges(self, mailbox_ids: Sequence[int]) -> dict[int, UidRange]:
        ids = list(dict.fromkeys(mailbox_ids))
        return await self._read(lambda db: reads.uid_ranges(db, ids), len(ids) > 1)

    # -- changing
    async def store_flags(self, mailbox_id: int, uids: Sequence[int], op: FlagOp,
                          flags: Sequence[str], *, user: str | None = None,
                          unchanged_since: int | None = None,
                          known_flags: Mapping[int, frozenset[str]] | None = None
                          ) -> tuple[list[MessageRecord], list[int]]:
        wanted = flagbits.normalize(flags)
        return await self._writer.run(lambda tx: message_ops.store_flags(
            tx, mailbox_id, uids, op, wanted, user, unchanged_since, known_flags), lazy=True)

    async def expunge(self, mailbox_id: int, uids: Sequence[int] | None = None) -> list[int]:
        return await self._writer.run(
            lambda tx: message_ops.expunge(tx, mailbox_id, uids, self._hold), lazy=True)

    async def replace(self, mailbox_id: int, uid: int, target_id: int,
                      message: AppendMessage, *, user: str | None = None) -> AppendResult:
        """The body is written first, as for APPEND; then one operation
        purges `uid` and indexes the new message (message_ops.replace)."""
        if not message.raw:
            raise InvalidMessage("empty message")
        info = load_mailbox_id(self._db, target_id)
        body, pending = await asyncio.to_thread(self._write_body, info.partition, message.raw)
        new = new_message(body, message)
        return await self._writer.run(lambda tx: message_ops.replace(
            tx, mailbox_id, uid, target_id, new, user, self._hold), pending)

    async def claim_recent(self, mailbox_id: int, upto: int | None = None) -> int:
        if upto == 0:  # a read-only look raises no mark: an indexed read, no write
            return reads.recent_mark(self._db, mailbox_id)
        return await self._writer.run(lambda tx: mailbox_ops.claim_recent(tx, mailbox_id, upto))

    # -- change notification
    async def wait_for_change(self, mailbox_id: int, modseq: int, timeout: float) -> bool:
        """True once MODSEQ passes `modseq` (or the mailbox is gone: that is a change too)."""
        def changed() -> bool:
            now = reads.highestmodseq(self._db, mailbox_id)
            return now is None or now > modseq
        return await self._notifier.wait(changed, timeout)

    async def close(self) -> None:
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        await self._notifier.close()
        await asyncio.to_thread(self._writer.close)
        await asyncio.to_thread(self._reads.close)
        self._db.close()
