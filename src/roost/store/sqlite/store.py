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
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from roost.message.parsed import ParsedMessage, parse_message
from roost.store import names
from roost.store.api import (
    AclEntry,
    AppendMessage,
    AppendResult,
    BodyStream,
    Changes,
    CopyResult,
    Delivery,
    FlagOp,
    InvalidMessage,
    MailboxChange,
    MailboxInfo,
    MailboxStatus,
    MessageNotFound,
    MessageRecord,
    MessageSummary,
    QuotaCorrection,
    QuotaRoot,
    QuotaUsage,
    StoreCorrupt,
    StoreError,
    UidRange,
    Vanished,
)
from roost.store.blobstore import BlobStore, Pending, StoredBody
from roost.store.duplicates import DuplicateRecord
from roost.store.maintenance import DryRun, MessageFile
from roost.store.retention import ExpungedMessage, ExpungePurge
from roost.store.sqlite import check as checks
from roost.store.sqlite import (
    duplicates,
    expiry,
    mailbox_ops,
    message_ops,
    quota,
    reads,
    refs,
    user_ops,
)
from roost.store.sqlite import flags as flagbits
from roost.store.sqlite import repair as rebuild
from roost.store.sqlite.blobs import BlobFiles
from roost.store.sqlite.feed import SqliteFeed
from roost.store.sqlite.message_ops import NewBody, NewMessage, Target
from roost.store.sqlite.metadata import SqliteMetadata
from roost.store.sqlite.notify import ChangeNotifier
from roost.store.sqlite.parsedcache import ParsedLRU, deserialize, serialize
from roost.store.sqlite.readpool import THREAD_ABOVE, ReadPool
from roost.store.sqlite.rows import from_epoch, load_mailbox, load_mailbox_id, to_epoch
from roost.store.sqlite.schema import migrate
from roost.store.sqlite.urlauth import SqliteUrlAuth
from roost.store.sqlite.writer import Writer, WriteTx, connect

log = logging.getLogger(__name__)
T = TypeVar("T")
PARSES_ABOVE = THREAD_ABOVE // 4
"""Stored parses per `parsed_many` above which they are decoded off the
loop: one costs about 16 µs, four times a record."""


class SqliteStore(SqliteMetadata, SqliteUrlAuth, SqliteFeed):
    """The embedded mail store; one per process (several may share a database)."""

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
        self.defaultpartition = defaultpartition
        self._fsync = fsync
        self._hold = expunge_mode == "delayed"
        self.deleted_prefix = deleted_prefix
        self._retire_to = deleted_prefix if delete_mode == "delayed" else None
        self._blobs: BlobStore = blobs or BlobFiles(partitions, fsync)
        self._db = connect(database, fsync)
        migrate(self._db)
        self._parsed = ParsedLRU()
        self._notifier = ChangeNotifier(self._data_version)
        self._writer = Writer(database, self._blobs, fsync, self._notifier.pulse,
                              flag_sync_delay)
        self._reads = ReadPool(database, fsync)
        self._background: set[asyncio.Future[None]] = set()  # parses being stored

    async def _read(self, query: Callable[[sqlite3.Connection], T], big: bool) -> T:
        """Run a read inline, or on the read pool when it is `big`.

        A thread hop costs some 100 µs of CPU, twenty cheap reads: only
        reads expected to cost milliseconds leave the loop.
        """
        if big:
            return await self._reads.run(query)
        return query(self._db)

    def _is_big(self, mailbox_id: int) -> bool:
        """True when the mailbox may hold more than THREAD_ABOVE messages."""
        return reads.uidnext(self._db, mailbox_id) > THREAD_ABOVE

    def _data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    # -- mailbox list
    async def create_mailbox(self, name: str, *, partition: str | None = None,
                             special_use: Sequence[str] = (),
                             default_acl: Sequence[AclEntry] = ()) -> MailboxInfo:
        names.validate_internal(name)
        where = partition or self.defaultpartition
        return await self._writer.run(
            lambda tx: mailbox_ops.create_mailbox(tx, name, where, special_use, default_acl))

    async def delete_mailbox(self, mailbox_id: int, *,
                             children: bool = False) -> list[MailboxInfo]:
        return await self._writer.run(
            lambda tx: mailbox_ops.delete_mailbox(tx, mailbox_id, children, self._retire_to))

    async def rename_mailbox(self, mailbox_id: int, new: str) -> MailboxInfo:
        names.validate_internal(new)
        return await self._writer.run(
            lambda tx: mailbox_ops.rename_mailbox(tx, mailbox_id, new))

    async def create_user(self, userid: str, *, folders: Sequence[str] = (),
                          limits: Mapping[str, int] | None = None,
                          subscriptions: Sequence[str] = ()) -> MailboxInfo:
        for name in folders:
            names.validate_internal(name)
        return await self._writer.run(lambda tx: user_ops.create_user(
            tx, userid, self.defaultpartition, folders, limits, subscriptions))

    async def rename_user(self, old: str, new: str) -> MailboxInfo:
        return await self._writer.run(lambda tx: user_ops.rename_user(tx, old, new))

    async def move_all(self, mailbox_id: int, new: str, *,
                       user: str | None = None) -> MailboxInfo:
        names.validate_internal(new)
        return await self._writer.run(lambda tx: message_ops.move_all(
            tx, mailbox_id, new, self.defaultpartition, user))

    async def get_mailbox(self, name: str) -> MailboxInfo:
        return load_mailbox(self._db, name)

    async def mailbox_by_id(self, mailbox_id: int) -> MailboxInfo:
        return load_mailbox_id(self._db, mailbox_id)

    async def list_mailboxes(self, prefix: str = "") -> list[MailboxInfo]:
        # The whole server's list (admins, tools) can be long; a user's is short.
        return await self._read(lambda db: reads.list_mailboxes(db, prefix), big=not prefix)

    # -- access control lists (AclStore)
    async def set_acl(self, mailbox_id: int, identifier: str, rights: str, *,
                      mode: FlagOp = "replace") -> MailboxInfo:
        return await self._writer.run(
            lambda tx: mailbox_ops.set_acl(tx, mailbox_id, identifier, rights, mode))

    async def mailboxes_naming(self, identifiers: Sequence[str],
                               owner: str | None) -> list[MailboxInfo]:
        # A user's candidates (own and shared folders) are short, as list_mailboxes(prefix).
        return await self._read(lambda db: reads.mailboxes_naming(db, identifiers, owner),
                                big=False)

    # -- quota roots (QuotaStore)
    async def set_quota(self, root: str, limits: Mapping[str, int]) -> QuotaRoot:
        return await self._writer.run(lambda tx: quota.set_quota(tx, root, limits))

    async def get_quota(self, root: str) -> QuotaRoot:
        return quota.load(self._db, root)

    async def quota_root_of(self, name: str) -> QuotaRoot | None:
        return quota.load_root_of(self._db, name)

    async def quota_roots(self, prefix: str = "") -> list[QuotaUsage]:
        return await self._reads.run(lambda db: quota.usages(db, prefix))

    async def recount_quotas(self, prefix: str = "", *,
                             dry_run: bool = False) -> list[QuotaCorrection]:
        return await self._writer.run(lambda tx: quota.recount_under(tx.db, prefix, dry_run))

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
    async def subscribe(self, user: str, name: str) -> None:
        names.validate_internal(name)
        await self._writer.run(lambda tx: mailbox_ops.subscribe(tx, user, name))

    async def unsubscribe(self, user: str, name: str) -> None:
        await self._writer.run(lambda tx: mailbox_ops.unsubscribe(tx, user, name))

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
        try:
            bodies = await asyncio.to_thread(
                self._write_bodies, info.partition, [m.raw for m in messages], pending)
        except StoreError:
            await self._writer.run(
                lambda tx: tx.released.update((p.key, p.partition) for p in pending))
            raise
        batch = [NewMessage(body, flagbits.normalize(m.flags), to_epoch(m.internaldate))
                 for body, m in zip(bodies, messages)]
        return await self._writer.run(
            lambda tx: message_ops.append(tx, mailbox_id, batch, user), *pending)

    async def append(self, mailbox_id: int, raw: bytes, *, flags: Sequence[str] = (),
                     internaldate: datetime | None = None,
                     user: str | None = None) -> AppendResult:
        results = await self.append_messages(
            mailbox_id, [AppendMessage(raw, flags, internaldate)], user=user)
        return results[0]

    async def deliver(self, targets: Sequence[Delivery], raw: bytes,
                      internaldate: datetime | None = None, *,
                      records: Sequence[DuplicateRecord] = ()) -> list[AppendResult]:
        """One body file, in the first target's partition, shared by every target;
        `records` in the same transaction."""
        if not targets:
            return []
        if not raw:
            raise InvalidMessage("empty message")
        first = load_mailbox_id(self._db, targets[0].mailbox_id)
        body, pending = await asyncio.to_thread(self._write_body, first.partition, raw)
        rows = [Target(t.mailbox_id, flagbits.normalize(t.flags)) for t in targets]
        when = to_epoch(internaldate)
        marks = duplicates.rows(records)

        def write(tx: WriteTx) -> list[AppendResult]:
            duplicates.record(tx, marks)
            return message_ops.deliver(tx, body, rows, when)
        return await self._writer.run(write, pending)

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

    async def body(self, blob: str) -> bytes:
        location = reads.blob_location(self._db, blob)
        if location is None:
            raise MessageNotFound(f"no message body {blob}")
        try:
            return await asyncio.to_thread(self._blobs.read, location[0], blob)
        except FileNotFoundError:
            raise StoreCorrupt(f"body {blob} missing from partition {location[0]}") from None

    async def body_stream(self, blob: str) -> BodyStream:
        location = reads.blob_location(self._db, blob)
        if location is None:
            raise MessageNotFound(f"no message body {blob}")
        partition = location[0]
        try:
            size = await asyncio.to_thread(self._blobs.size, partition, blob)
        except FileNotFoundError:
            raise StoreCorrupt(f"body {blob} missing from partition {partition}") from None
        return BodyStream(size, self._blobs.chunks(partition, blob, size))

    async def parsed(self, blob: str) -> ParsedMessage:
        cached = self._parsed.get(blob)
        if cached is not None:
            return cached
        location = reads.blob_location(self._db, blob)
        if location is None:
            raise MessageNotFound(f"no message body {blob}")
        parsed = deserialize(location[1])
        if parsed is None:
            parsed = await asyncio.to_thread(parse_message, await self.body(blob))
            self._keep_parse(blob, parsed)
        self._parsed.put(blob, parsed)
        return parsed

    def _keep_parse(self, blob: str, parsed: ParsedMessage) -> None:
        """Store a parse made again because the stored one was missing or of
        an older schema, so the body is parsed once, not at every read; in
        the background: the reader does not wait for the write."""
        text = parsed.to_json()
        task = asyncio.ensure_future(self._writer.run(
            lambda tx: refs.save_parse(tx, blob, text, replace=True)))
        self._background.add(task)
        task.add_done_callback(self._background_done)

    def _background_done(self, task: asyncio.Future[None]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("storing a fresh parse failed: %s", task.exception())

    async def parsed_many(self, blobs: Sequence[str]) -> dict[str, ParsedMessage]:
        """Many parses in a few queries; bulk loads bypass the LRU so they
        do not push out what single FETCHes keep asking for."""
        found: dict[str, ParsedMessage] = {}
        missing = []
        for blob in dict.fromkeys(blobs):
            cached = self._parsed.get(blob)
            if cached is None:
                missing.append(blob)
            else:
                found[blob] = cached
        found.update(await self._read(lambda db: reads.cached_parses(db, missing, deserialize),
                                      len(missing) > PARSES_ABOVE))
        for blob in missing:
            if blob not in found:  # no stored parse, or an old schema: parse again
                try:
                    found[blob] = await self.parsed(blob)
                except MessageNotFound:
                    pass  # gone with its last copy: left out, as the API says
        return found

    async def summaries_many(self, blobs: Sequence[str]) -> dict[str, MessageSummary]:
        keys = list(dict.fromkeys(blobs))
        found = await self._read(lambda db: reads.cached_summaries(db, keys),
                                 len(keys) > PARSES_ABOVE)
        for blob in keys:
            if blob not in found:  # no stored parse, or an old schema: parse again
                try:
                    parsed = await self.parsed(blob)
                except MessageNotFound:
                    continue
                found[blob] = MessageSummary(parsed.body_lines, parsed.summary_fields)
        return found

    async def headers_many(self, blobs: Sequence[str]) -> dict[str, bytes]:
        """One query for where the bodies are and how long their headers are
        (read from the start of the stored parse, not deserialized), one
        worker-thread trip for the reads."""
        located = reads.header_locations(self._db, list(dict.fromkeys(blobs)))
        lengths = {}
        for blob, (partition, size) in located.items():
            if size is None:  # no stored parse, or an old schema: parse again
                try:
                    size = (await self.parsed(blob)).header_size
                except MessageNotFound:
                    continue
            lengths[blob] = (partition, size)

        def read_all() -> dict[str, bytes]:
            found = {}
            for blob, (partition, size) in lengths.items():
                try:
                    found[blob] = self._blobs.read_prefix(partition, blob, size)
                except FileNotFoundError:
                    raise StoreCorrupt(f"body {blob} missing from partition {partition}") from None
            return found

        return await asyncio.to_thread(read_all)

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

    async def purge(self, mailbox_id: int, uids: Sequence[int]) -> list[int]:
        return await self._writer.run(
            lambda tx: message_ops.purge(tx, mailbox_id, uids, self._hold))

    # -- delayed expunge (RetentionStore)
    async def expunged_messages(self, mailbox_id: int) -> list[ExpungedMessage]:
        return await self._reads.run(lambda db: expiry.expunged(db, mailbox_id))

    async def unexpunge(self, mailbox_id: int, uids: Sequence[int] | None = None, *,
                        since: datetime | None = None, clear_deleted: bool = False,
                        add_flags: Sequence[str] = ()) -> list[tuple[int, int]]:
        after = None if since is None else to_epoch(since)
        return await self._writer.run(lambda tx: expiry.unexpunge(
            tx, mailbox_id, uids, after, clear_deleted, add_flags))

    async def expire_deleted(self, before: datetime, prefix: str = "") -> list[str]:
        return await self._writer.run(lambda tx: expiry.expire_deleted(
            tx, to_epoch(before), self.deleted_prefix, prefix))

    async def expire_expunged(self, before: datetime, prefix: str = "") -> ExpungePurge:
        return await self._writer.run(
            lambda tx: expiry.expire_expunged(tx, to_epoch(before), prefix))

    async def copy(self, source_id: int, uids: Sequence[int], dest_id: int,
                   user: str | None = None, *,
                   keep_flag: Callable[[str], bool] | None = None) -> CopyResult:
        return await self._writer.run(lambda tx: message_ops.copy(
            tx, source_id, uids, dest_id, user, move=False, keep_flag=keep_flag))

    async def move(self, source_id: int, uids: Sequence[int], dest_id: int,
                   user: str | None = None, *,
                   keep_flag: Callable[[str], bool] | None = None) -> CopyResult:
        return await self._writer.run(lambda tx: message_ops.copy(
            tx, source_id, uids, dest_id, user, move=True, keep_flag=keep_flag))

    async def replace(self, mailbox_id: int, uid: int, target_id: int,
                      message: AppendMessage, *, user: str | None = None) -> AppendResult:
        """The body is written first, as for APPEND; then one operation
        purges `uid` and indexes the new message (message_ops.replace)."""
        if not message.raw:
            raise InvalidMessage("empty message")
        info = load_mailbox_id(self._db, target_id)
        body, pending = await asyncio.to_thread(self._write_body, info.partition, message.raw)
        new = NewMessage(body, flagbits.normalize(message.flags), to_epoch(message.internaldate))
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

    # -- upkeep
    def check(self) -> list[str]:
        return checks.check(self._db, self._blobs)

    def repair(self) -> list[str]:
        """Fix what `check` reports (for `reconstruct`); returns what was done."""
        db = connect(self.database, self._fsync)
        try:
            return checks.repair(db, self._blobs)
        finally:
            db.close()

    # -- admin repair tools (repair.py): snapshot reads off the loop, rebuild via the writer
    async def damage(self, mailbox_ids: Sequence[int], verify: bool,
                     step: Callable[[], None] | None = None) -> dict[str, list[str]]:
        """Problems of each damaged mailbox among `mailbox_ids`, by name;
        `verify` also hashes every body (scrub, chk_cyrus); `step` is called
        (on the read pool's thread) after each mailbox."""
        return await self._reads.run(
            lambda db: rebuild.damage(db, self._blobs, mailbox_ids, verify, step))

    async def orphans(self) -> list[StoredBody]:
        """The stored bodies no index row references."""
        return await self._reads.run(lambda db: rebuild.orphans(db, self._blobs))

    async def message_files(self, mailbox_id: int) -> list[MessageFile]:
        return await self._reads.run(
            lambda db: rebuild.message_files(db, self._blobs, mailbox_id))

    def partition_location(self, partition: str) -> str:
        """Where a partition's bodies are (a directory, or a bucket URL)."""
        return self._blobs.partition_location(partition)

    @property
    def index_location(self) -> str:
        return str(self.database)

    async def reconstruct(self, mailbox_id: int, *, adopt: bool = False,
                          dry_run: bool = False) -> list[str]:
        """Rebuild the mailbox's index (rebuild.reconstruct); what it did, or
        with `dry_run` what it would do, changing nothing."""
        try:
            return await self._writer.run(
                lambda tx: rebuild.reconstruct(tx, mailbox_id, adopt, dry_run))
        except DryRun as undone:
            return undone.report

    async def close(self) -> None:
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        await self._notifier.close()
        await asyncio.to_thread(self._writer.close)
        await asyncio.to_thread(self._reads.close)
        self._db.close()
