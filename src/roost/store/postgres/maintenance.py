"""`MaintenanceStore` for PostgresStore (which inherits it): the admin
tools' reads in snapshots, body checks in worker threads (the BlobStore
may be S3), and `reconstruct` as one write transaction (repair.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from roost.store.blobstore import BlobStore, StoredBody
from roost.store.maintenance import DryRun, MessageFile, body_problem, counters_problem
from roost.store.postgres import repair
from roost.store.postgres.tx import Database


class PostgresMaintenance:
    """The maintenance half of PostgresStore."""

    _db: Database
    _blobs: BlobStore
    dsn: str

    @property
    def index_location(self) -> str:
        """The DSN, less any password (it is printed)."""
        params = {k: v for k, v in conninfo_to_dict(self.dsn).items() if k != "password"}
        return make_conninfo(**{k: str(v) for k, v in params.items() if v is not None})

    def partition_location(self, partition: str) -> str:
        return self._blobs.partition_location(partition)

    async def damage(self, mailbox_ids: Sequence[int], verify: bool,
                     step: Callable[[], None] | None = None) -> dict[str, list[str]]:
        """Each mailbox in its own snapshot (a scrub hashes for long); a body
        shared by many records is checked, and hashed, once."""
        found: dict[str, list[str]] = {}
        seen: dict[tuple[str, str], str | None] = {}
        for mailbox_id in mailbox_ids:
            name, rows = await self._db.read(partial(repair.live_bodies, mailbox_id=mailbox_id))
            for uid, key, part, size in rows:
                if (key, part) not in seen:
                    seen[key, part] = await asyncio.to_thread(
                        body_problem, self._blobs, part, key, size, verify)
                problem = seen[key, part]
                if problem and name is not None:
                    found.setdefault(name, []).append(f"uid {uid}: {problem}")
            if step is not None:
                step()
        wanted = set(mailbox_ids)
        for name, mailbox_id, *counters in await self._db.read(repair.past_counters):
            if mailbox_id in wanted:
                found.setdefault(name, []).append(counters_problem(*counters))
        return found

    async def orphans(self) -> list[StoredBody]:
        known = await self._db.read(repair.referenced)
        return await asyncio.to_thread(repair.unreferenced, self._blobs, known,
                                       self._blobs.partition_names())

    async def message_files(self, mailbox_id: int) -> list[MessageFile]:
        return await self._db.read(lambda db: repair.message_files(db, self._blobs, mailbox_id))

    async def reconstruct(self, mailbox_id: int, *, adopt: bool = False,
                          dry_run: bool = False) -> list[str]:
        bodies = await self._db.read(partial(repair.held_bodies, mailbox_id=mailbox_id))
        suspects = await asyncio.to_thread(repair.absent, self._blobs, bodies)
        try:
            return await self._db.write(
                lambda tx: repair.reconstruct(tx, mailbox_id, adopt, dry_run, suspects))
        except DryRun as undone:
            return undone.report
