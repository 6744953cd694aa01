"""Upkeep on SQLite: delayed expunge (RetentionStore) and the admin repair
tools (check, reconstruct, scrub): snapshot reads off the loop on the
read pool, changes through the writer."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from roost.store.blobstore import BlobStore, StoredBody
from roost.store.maintenance import DryRun, MessageFile
from roost.store.records import to_epoch
from roost.store.retention import ExpungedMessage, ExpungePurge
from roost.store.sqlite import check as checks
from roost.store.sqlite import expiry
from roost.store.sqlite import repair as rebuild
from roost.store.sqlite.readpool import ReadPool
from roost.store.sqlite.writer import Writer, connect


class SqliteMaintenance:
    """The upkeep half of SqliteStore."""

    database: Path
    deleted_prefix: str
    _db: sqlite3.Connection
    _blobs: BlobStore
    _fsync: bool
    _writer: Writer
    _reads: ReadPool

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

    # -- admin repair tools (repair.py)
    def check(self) -> list[str]:
        return checks.check(self._db, self._blobs)

    def repair(self) -> list[str]:
        """Fix what `check` reports (for `reconstruct`); returns what was done."""
        db = connect(self.database, self._fsync)
        try:
            return checks.repair(db, self._blobs)
        finally:
            db.close()

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

    async def reconstruct(self, mailbox_id: int, *, adopt: bool = False,
                          dry_run: bool = False) -> list[str]:
        """Rebuild the mailbox's index (rebuild.reconstruct); what it did, or
        with `dry_run` what it would do, changing nothing."""
        try:
            return await self._writer.run(
                lambda tx: rebuild.reconstruct(tx, mailbox_id, adopt, dry_run))
        except DryRun as undone:
            return undone.report

    @property
    def index_location(self) -> str:
        return str(self.database)
