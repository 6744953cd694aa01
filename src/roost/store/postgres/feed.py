"""`FeedStore` on PostgreSQL: the `change_feed` table (its migration is
feed_schema.py), read up to a watermark.

Why not a plain serial: with writers in many processes, numbers are drawn
in the order transactions insert, not the order they commit. Transaction A
draws 7, B draws 8 and commits first; a reader that took 8 and moved its
position there never sees 7 when A commits. So each row records its
transaction's id (xid) and a reader reads only rows whose xid is below the
watermark `pg_snapshot_xmin(pg_current_snapshot())`: every transaction
below it has ended (committed, visible in the same snapshot, or aborted),
and every transaction still to write has a higher xid, so no row can ever
appear below the watermark again. Rows are read in (xid, serial) order; a
row's `seq` is that pair as one integer, `xid << 63 | serial` (Python ints
do not overflow), so a position is the last pair read and every row after
it, now or later, compares above it.

Against the `FeedStore` contract (store/feed.py):
- `seq` ascends in the order readers receive events, and a reader never
  skips one that commits later with a lower number: it cannot, since a
  lower number's transaction is below the watermark only once it ended.
  It is the order of xids, not of commits: two transactions whose events
  are both past the watermark are delivered by xid.
- Events of one commit are consecutive: they share the xid.
- `feed_position` is "the newest event" in both of the senses NOTIFY uses
  (handlers/notify.py starts a reader there; notify_own.py takes it as the
  upper bound of the events a command of the session just made): it waits
  until the watermark passes every transaction that had begun when it was
  called (SETTLE_POLLS; Roost's write transactions last milliseconds),
  then returns the newest row below it: every event committed before the
  call is at or below it, and nothing at or below it is still to come.
  If the watermark does not get there in time (a long write transaction
  elsewhere), it returns the newest row below the watermark as it is:
  still a safe start, at worst a session is told of a change of its own.

The cost: a long write transaction anywhere in the cluster (a bulk import,
a session left idle in a transaction) holds the watermark, so events wait
for it to end; they are late, never lost. The feed keeps FEED_KEEP rows
(final ones only are pruned, feed_schema.py); a position below the
highest pruned pair is `lost`.
"""

from __future__ import annotations

import asyncio

from roost.store.feed import FeedBatch, FeedEvent
from roost.store.postgres.feed_schema import WATERMARK
from roost.store.postgres.notify import Listener
from roost.store.postgres.tx import Database, Db

SERIAL_BITS = 63
SETTLE_POLLS, SETTLE_STEP = 400, 0.005
"""feed_position re-reads the watermark up to SETTLE_POLLS times, SETTLE_STEP seconds apart."""

_COLUMNS = "xid, serial, kind, mailbox_id, name, owner, old_name, entry"


def encode(xid: int, serial: int) -> int:
    return xid << SERIAL_BITS | serial


def decode(seq: int) -> tuple[int, int]:
    return seq >> SERIAL_BITS, seq & ((1 << SERIAL_BITS) - 1)


async def since(db: Db, seq: int, limit: int) -> FeedBatch:
    """Final rows after `seq`, and whether rows after it were pruned (the
    caller's REPEATABLE READ snapshot holds for both reads)."""
    rows = await db.all(f"SELECT {_COLUMNS} FROM change_feed WHERE (xid, serial) > (%s, %s)"
                        f" AND xid < {WATERMARK} ORDER BY xid, serial LIMIT %s",
                        (*decode(seq), limit))
    events = tuple(FeedEvent(encode(xid, serial), *rest) for xid, serial, *rest in rows)
    pruned = await db.one("SELECT xid, serial FROM change_feed_pruned")
    lost = pruned is not None and seq < encode(*pruned)
    return FeedBatch(events, events[-1].seq if events else seq, lost)


async def newer(db: Db, seq: int) -> bool:
    row = await db.one("SELECT EXISTS (SELECT 1 FROM change_feed WHERE (xid, serial) > (%s, %s)"
                       f" AND xid < {WATERMARK})", decode(seq))
    return bool(row and row[0])


_NEWEST = f"""
    SELECT s.xmin, s.xmax, coalesce(f.xid, 0), coalesce(f.serial, 0), p.xid, p.serial
    FROM (SELECT {WATERMARK} AS xmin,
                 pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax) s
    CROSS JOIN change_feed_pruned p
    LEFT JOIN LATERAL (SELECT xid, serial FROM change_feed WHERE xid < s.xmin
                       ORDER BY xid DESC, serial DESC LIMIT 1) f ON true
"""
"""One snapshot: the watermark, the next xid, the newest final row, the pruned mark."""


class PostgresFeed:
    """Mixed into `PostgresStore`, which holds the database and the listener."""

    _db: Database
    _listener: Listener

    async def feed_position(self) -> int:
        settled_at: int | None = None
        newest = 0
        for _ in range(SETTLE_POLLS):
            row = await self._db.read(lambda db: db.one(_NEWEST), snapshot=False)
            assert row is not None  # change_feed_pruned has its one row
            xmin, xmax, xid, serial, pruned_xid, pruned_serial = row
            settled_at = xmax if settled_at is None else settled_at
            newest = max(encode(xid, serial), encode(pruned_xid, pruned_serial))
            if xmin >= settled_at:
                break
            await asyncio.sleep(SETTLE_STEP)
        return newest

    async def feed_since(self, seq: int, limit: int) -> FeedBatch:
        return await self._db.read(lambda db: since(db, seq, limit))

    async def wait_for_feed(self, seq: int, timeout: float) -> bool:
        async def changed() -> bool:
            return await self._db.read(lambda db: newer(db, seq), snapshot=False)
        return await self._listener.wait(changed, timeout)
