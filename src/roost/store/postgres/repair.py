"""The admin tools' reads and the per-mailbox rebuild of `reconstruct` on
PostgreSQL (the rules of `roost.store.maintenance`, as the SQLite
backend's `store/sqlite/repair.py` keeps them).

The rebuild is one write transaction that locks the mailbox's row first,
so every other writer of the mailbox, on any node, waits for it; its
bodies are scanned before (a long walk of a bucket) and only those found
missing are looked at again inside, so the wait stays short. A
reference count is set only under its body's advisory lock and row lock
and counted after taking them, so an append or expunge of the same body
elsewhere lands before or after the recount, never inside it. Nothing
here removes a body: a count set to zero leaves the body where it is
(an orphan for scrub to list), exactly as on SQLite.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence

from roost.message.parsed import parse_message
from roost.store.blobstore import BlobStore, StoredBody, content_key
from roost.store.maintenance import ADOPT_AGE, DryRun, MessageFile
from roost.store.postgres import quota
from roost.store.postgres.check import UIDS
from roost.store.postgres.message_ops import NewBody, NewMessage, append
from roost.store.postgres.refs import bump_modseq, release_blob
from roost.store.postgres.rows import GONE, LIVE, load_mailbox_id
from roost.store.postgres.tx import Db, Row, WriteTx, lock_body


async def message_files(db: Db, blobs: BlobStore, mailbox_id: int) -> list[MessageFile]:
    rows = await db.all("SELECT uid, blob, partition FROM messages WHERE mailbox_id = %s"
                        " AND expunged = %s ORDER BY uid", (mailbox_id, LIVE))
    return [MessageFile(uid, key, blobs.location(part, key)) for uid, key, part in rows]


async def live_bodies(db: Db, mailbox_id: int) -> tuple[str | None, list[Row]]:
    """The mailbox's name (None: it is gone) and its live (uid, key, partition, size)."""
    named = await db.one("SELECT name FROM mailboxes WHERE id = %s", (mailbox_id,))
    rows = await db.all("SELECT uid, blob, partition, size FROM messages WHERE mailbox_id = %s"
                        " AND expunged = %s ORDER BY uid", (mailbox_id, LIVE))
    return (None, []) if named is None else (str(named[0]), rows)


async def past_counters(db: Db) -> list[Row]:
    """(name, id, max uid, uidnext, max modseq, highestmodseq) of mailboxes
    whose records pass their counters."""
    return await db.all(UIDS)


async def referenced(db: Db) -> set[tuple[str, str]]:
    return {(key, part) for key, part in await db.all("SELECT sha256, partition FROM blobs")}


def unreferenced(blobs: BlobStore, known: set[tuple[str, str]],
                 partitions: Iterable[str]) -> list[StoredBody]:
    """Worker thread: the stored bodies of `partitions` not in `known`."""
    return [body for part in partitions for body in blobs.stored(part)
            if (body.key, part) not in known]


_WRONG_COUNTS = f"""
    WITH k AS (SELECT DISTINCT blob, partition FROM messages WHERE mailbox_id = %s),
    r AS (SELECT m.blob, m.partition, count(*) AS n FROM messages m
          JOIN k ON m.blob = k.blob AND m.partition = k.partition
          WHERE m.expunged != {GONE} GROUP BY m.blob, m.partition)
    SELECT k.blob, k.partition FROM k
    LEFT JOIN blobs b ON b.sha256 = k.blob AND b.partition = k.partition
    LEFT JOIN r ON r.blob = k.blob AND r.partition = k.partition
    WHERE coalesce(b.refcount, 0) != coalesce(r.n, 0) ORDER BY k.blob, k.partition
"""
"""The mailbox's bodies whose count looks wrong (recounted under their locks)."""


async def _fix_refcounts(tx: WriteTx, mailbox_id: int) -> list[str]:
    done = []
    for key, part in await tx.db.all(_WRONG_COUNTS, (mailbox_id,)):
        await lock_body(tx.db, key, part)
        row = await tx.db.one("SELECT refcount FROM blobs WHERE sha256 = %s AND partition = %s"
                              " FOR UPDATE", (key, part))
        count = 0 if row is None else int(row[0])
        live, size = await tx.db.one(
            "SELECT count(*), max(size) FROM messages WHERE blob = %s AND partition = %s"
            " AND expunged != %s", (key, part, GONE)) or (0, None)
        if live == count:
            continue  # another writer's commit made it right meanwhile
        if live:
            await tx.db.run("INSERT INTO blobs (sha256, partition, size, refcount)"
                            " VALUES (%s, %s, %s, %s) ON CONFLICT (sha256, partition)"
                            " DO UPDATE SET refcount = excluded.refcount", (key, part, size, live))
        else:
            await tx.db.run("DELETE FROM blobs WHERE sha256 = %s AND partition = %s", (key, part))
        done.append(f"body {key}: refcount {count} -> {live}")
    return done


async def _raise_counters(tx: WriteTx, mailbox_id: int, uidnext: int, highest: int) -> list[str]:
    """UIDNEXT and HIGHESTMODSEQ past every record, tombstones included."""
    top = await tx.db.one("SELECT max(uid), max(modseq) FROM messages WHERE mailbox_id = %s",
                          (mailbox_id,))
    if top is None or top[0] is None or (top[0] < uidnext and top[1] <= highest):
        return []
    await tx.db.run("UPDATE mailboxes SET uidnext = greatest(uidnext, %s), highestmodseq ="
                    " greatest(highestmodseq, %s) WHERE id = %s", (top[0] + 1, top[1], mailbox_id))
    return [f"uidnext/highestmodseq raised past uid {top[0]} / modseq {top[1]}"]


async def held_bodies(db: Db, mailbox_id: int) -> list[Row]:
    """(key, partition, size) of every body the mailbox's records hold."""
    return await db.all("SELECT DISTINCT blob, partition, size FROM messages"
                        " WHERE mailbox_id = %s AND expunged != %s", (mailbox_id, GONE))


def absent(blobs: BlobStore, bodies: Sequence[Row]) -> set[tuple[str, str]]:
    """Worker thread: (key, partition) of the bodies among (key, partition,
    size) that are not stored whole."""
    return {(key, part) for key, part, size in bodies if not blobs.present(part, key, size)}


async def _missing(tx: WriteTx, rows: Sequence[Row], suspects: set[tuple[str, str]]) -> list[Row]:
    """The rows (uid, key, partition, size) whose body is a suspect and,
    checked again now, under the mailbox's lock, still not stored whole."""
    named = [row for row in rows if (row[1], row[2]) in suspects]
    gone = await asyncio.to_thread(absent, tx.blobs, [row[1:] for row in named])
    return [row for row in named if (row[1], row[2]) in gone]


async def _drop_lost(tx: WriteTx, mailbox_id: int, name: str,
                     suspects: set[tuple[str, str]]) -> list[str]:
    """Tombstone the live records whose body is gone (Cyrus drops them too);
    other records still holding a body that is gone hold nothing any more."""
    if not suspects:
        return []
    held = await tx.db.all("SELECT uid, blob, partition, size FROM messages WHERE"
                           " mailbox_id = %s AND expunged NOT IN (%s, %s)",
                           (mailbox_id, LIVE, GONE))
    for uid, key, part, _ in await _missing(tx, held, suspects):
        await tx.db.run("UPDATE messages SET expunged = %s WHERE mailbox_id = %s AND uid = %s",
                        (GONE, mailbox_id, uid))
        await release_blob(tx, key, part)
    lost = await _missing(tx, await tx.db.all(
        "SELECT uid, blob, partition, size FROM messages WHERE mailbox_id = %s"
        " AND expunged = %s ORDER BY uid", (mailbox_id, LIVE)), suspects)
    if not lost:
        return []
    modseq = await bump_modseq(tx, mailbox_id)
    uids = [row[0] for row in lost]
    await tx.db.run("UPDATE messages SET expunged = %s, expunged_at = %s, modseq = %s"
                    " WHERE mailbox_id = %s AND uid = ANY(%s)",
                    (GONE, time.time(), modseq, mailbox_id, uids))
    await tx.db.run("DELETE FROM seen WHERE mailbox_id = %s AND uid = ANY(%s)", (mailbox_id, uids))
    await quota.charge(tx, [(name, -sum(row[3] for row in lost), -len(lost))])
    for _, key, part, _ in lost:
        await release_blob(tx, key, part)
    return [f"uid {uid}: removed, body {key} is gone" for uid, key, _, _ in lost]


async def _adopt(tx: WriteTx, mailbox_id: int, partition: str) -> list[str]:
    """Index the partition's bodies no record references, at new UIDs,
    dated by when they were stored; a corrupt one is scrub's to report."""
    orphans = await asyncio.to_thread(unreferenced, tx.blobs, await referenced(tx.db), [partition])
    cutoff = time.time() - ADOPT_AGE

    def read() -> list[NewMessage]:
        batch = []
        for body in orphans:
            if body.mtime > cutoff:
                continue
            raw = tx.blobs.read(body.partition, body.key)
            if content_key(raw) == body.key:
                batch.append(NewMessage(NewBody(body.key, body.partition, raw, parse_message(raw)),
                                        frozenset(), body.mtime))
        return batch
    batch = await asyncio.to_thread(read)
    if not batch:
        return []
    return [f"uid {r.uid}: adopted body {m.body.key}"
            for r, m in zip(await append(tx, mailbox_id, batch, None), batch)]


async def reconstruct(tx: WriteTx, mailbox_id: int, adopt: bool, dry_run: bool,
                      suspects: set[tuple[str, str]]) -> list[str]:
    """Rebuild one mailbox's index (`MaintenanceStore.reconstruct`); with
    `dry_run` raise DryRun with the report, so the transaction is undone.

    `suspects` are the bodies found missing before the transaction (a scan
    of a large mailbox's bodies, in S3 say, is long: other writers of the
    mailbox would wait all along); only those are checked again under the
    lock. A body first referenced since was checked by its own writer."""
    info = await load_mailbox_id(tx.db, mailbox_id, lock=True)
    done = await _fix_refcounts(tx, mailbox_id)
    # Counters first: the tombstones of lost records take a MODSEQ past them.
    done += await _raise_counters(tx, mailbox_id, info.uidnext, info.highestmodseq)
    done += await _drop_lost(tx, mailbox_id, info.name, suspects)
    if adopt:
        done += await _adopt(tx, mailbox_id, info.partition)
    if dry_run:
        raise DryRun(done)
    return done
