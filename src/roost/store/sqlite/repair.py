"""What the admin repair tools read and change: damage per mailbox, body
files the index does not know, and the per-mailbox rebuild of `reconstruct`.

Reads take one snapshot of a read-only connection (`ReadTx`), so they run
while the server serves and never block its writer. The rebuild is one
writer operation (one savepoint of a group commit): it lands whole or not
at all, and sessions learn of dropped records from the tombstones at a new
MODSEQ, as from any EXPUNGE. A dry run (`reconstruct -n`) is the same
operation undone at its end, so what it reports is exactly what a real
run would do. Nothing here deletes a body file: unreferenced files are
only listed (or adopted by `reconstruct -f`).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence

from roost.store.blobstore import BlobStore, StoredBody, content_key
from roost.store.maintenance import ADOPT_AGE, DryRun, MessageFile, body_problem, counters_problem
from roost.store.sqlite import quota
from roost.store.sqlite.check import UIDS
from roost.store.sqlite.message_ops import NewBody, NewMessage, append
from roost.store.sqlite.parsedcache import serialize
from roost.store.sqlite.reads import ReadTx
from roost.store.sqlite.refs import bump_modseq, release_blob
from roost.store.sqlite.rows import load_mailbox_id
from roost.store.sqlite.writer import WriteTx


def message_files(db: sqlite3.Connection, blobs: BlobStore, mailbox_id: int) -> list[MessageFile]:
    """Every live message of the mailbox with where its body is, by UID."""
    rows = db.execute("SELECT uid, blob, partition FROM messages WHERE mailbox_id = ?"
                      " AND expunged = 0 ORDER BY uid", (mailbox_id,)).fetchall()
    return [MessageFile(uid, key, blobs.location(part, key)) for uid, key, part in rows]


def damage(db: sqlite3.Connection, blobs: BlobStore, mailbox_ids: Sequence[int],
           verify: bool, step: Callable[[], None] | None = None) -> dict[str, list[str]]:
    """Problem lines by mailbox name, for the mailboxes that have any;
    `step` is called after each mailbox (a tool's progress bar).

    A body shared by many records is checked (and hashed) once. Each
    mailbox is read in its own snapshot: a scrub of the whole store hashes
    for a long time, and one snapshot held all along would keep SQLite
    from checkpointing the WAL meanwhile. A mailbox deleted during the
    run is skipped.
    """
    found: dict[str, list[str]] = {}
    seen: dict[tuple[str, str], str | None] = {}
    wanted = set(mailbox_ids)
    for mailbox_id in mailbox_ids:
        with ReadTx(db):
            named = db.execute("SELECT name FROM mailboxes WHERE id = ?", (mailbox_id,)).fetchone()
            rows = db.execute("SELECT uid, blob, partition, size FROM messages WHERE"
                              " mailbox_id = ? AND expunged = 0 ORDER BY uid",
                              (mailbox_id,)).fetchall()
        for uid, key, part, size in rows if named else ():
            if (key, part) not in seen:
                seen[key, part] = body_problem(blobs, part, key, size, verify)
            problem = seen[key, part]
            if problem:
                found.setdefault(named[0], []).append(f"uid {uid}: {problem}")
        if step is not None:
            step()
    with ReadTx(db):
        for name, max_uid, uidnext, max_modseq, highest in db.execute(UIDS).fetchall():
            row = db.execute("SELECT id FROM mailboxes WHERE name = ?", (name,)).fetchone()
            if row and row[0] in wanted:
                found.setdefault(name, []).append(
                    counters_problem(max_uid, uidnext, max_modseq, highest))
    return found


def orphans(db: sqlite3.Connection, blobs: BlobStore,
            partitions: Iterable[str] | None = None) -> list[StoredBody]:
    """The stored bodies no index row references.

    A file written by an append whose commit is still on its way is listed
    too: it is harmless to list, and nothing here removes it.
    """
    with ReadTx(db):
        return _unreferenced(db, blobs, partitions)


def _unreferenced(db: sqlite3.Connection, blobs: BlobStore,
                  partitions: Iterable[str] | None) -> list[StoredBody]:
    """`orphans` inside the caller's transaction."""
    referenced = set(db.execute("SELECT sha256, partition FROM blobs").fetchall())
    return [body for part in (partitions or blobs.partition_names())
            for body in blobs.stored(part) if (body.key, part) not in referenced]


_MAILBOX_REFS = """
    WITH k AS (SELECT DISTINCT blob, partition FROM messages WHERE mailbox_id = ?),
    live AS (SELECT m.blob, m.partition, count(*) AS n, max(m.size) AS size
             FROM messages m JOIN k ON m.blob = k.blob AND m.partition = k.partition
             WHERE m.expunged != 1 GROUP BY m.blob, m.partition)
    SELECT k.blob, k.partition, coalesce(b.refcount, 0), coalesce(live.n, 0), live.size
    FROM k LEFT JOIN blobs b ON b.sha256 = k.blob AND b.partition = k.partition
    LEFT JOIN live ON live.blob = k.blob AND live.partition = k.partition
    WHERE coalesce(b.refcount, 0) != coalesce(live.n, 0)
"""
"""(key, partition, refcount, referencing records, size) of the mailbox's
bodies whose count is wrong (live records and tombstones holding their body
reference it); one pass over `messages` (it has no index by body)."""


def _fix_refcounts(tx: WriteTx, mailbox_id: int) -> list[str]:
    """Set each of the mailbox's bodies' refcount to the records referencing it."""
    done = []
    for key, part, count, live, size in tx.db.execute(_MAILBOX_REFS, (mailbox_id,)).fetchall():
        tx.db.execute("DELETE FROM blobs WHERE sha256 = ? AND partition = ?", (key, part))
        if live:
            tx.db.execute("INSERT INTO blobs (sha256, partition, size, refcount)"
                          " VALUES (?, ?, ?, ?)", (key, part, size, live))
        done.append(f"body {key}: refcount {count} -> {live}")
    return done


def _drop_lost(tx: WriteTx, mailbox_id: int) -> list[str]:
    """Tombstone the records whose body file is gone (Cyrus drops them too);
    tombstones holding a body that is gone hold nothing any more."""
    for uid, key, part, size in tx.db.execute(
            "SELECT uid, blob, partition, size FROM messages WHERE mailbox_id = ?"
            " AND expunged = 2", (mailbox_id,)).fetchall():
        if not tx.blobs.present(part, key, size):
            tx.db.execute("UPDATE messages SET expunged = 1 WHERE mailbox_id = ? AND uid = ?",
                          (mailbox_id, uid))
            release_blob(tx, key, part)
    rows = tx.db.execute("SELECT uid, blob, partition, size FROM messages WHERE mailbox_id = ?"
                         " AND expunged = 0 ORDER BY uid", (mailbox_id,)).fetchall()
    lost = [(uid, key, part, size) for uid, key, part, size in rows
            if not tx.blobs.present(part, key, size)]
    if not lost:
        return []
    modseq = bump_modseq(tx, mailbox_id)
    name = load_mailbox_id(tx.db, mailbox_id).name
    quota.charge(tx, [(name, -sum(row[3] for row in lost), -len(lost))])
    done = []
    for uid, key, part, _ in lost:
        tx.db.execute("UPDATE messages SET expunged = 1, modseq = ? WHERE mailbox_id = ?"
                      " AND uid = ?", (modseq, mailbox_id, uid))
        if tx.db.execute("SELECT 1 FROM blobs WHERE sha256 = ? AND partition = ?",
                         (key, part)).fetchone():
            release_blob(tx, key, part)
        done.append(f"uid {uid}: removed, body {key} is gone")
    return done


def _adopt(tx: WriteTx, mailbox_id: int, bodies: Sequence[StoredBody]) -> list[str]:
    """Index bodies no record references, at new UIDs, dated by their mtime."""
    batch = []
    cutoff = time.time() - ADOPT_AGE
    for body in bodies:
        if body.mtime > cutoff:
            continue
        raw = tx.blobs.read(body.partition, body.key)
        if content_key(raw) != body.key:
            continue  # a corrupt orphan is scrub's to report, not ours to index
        batch.append(NewMessage(NewBody(body.key, body.partition, raw, serialize(raw)),
                                frozenset(), body.mtime))
    if not batch:
        return []
    return [f"uid {r.uid}: adopted body {m.body.key}"
            for r, m in zip(append(tx, mailbox_id, batch, None), batch)]


def reconstruct(tx: WriteTx, mailbox_id: int, adopt: bool, dry_run: bool) -> list[str]:
    """Rebuild one mailbox's index: records without a body go, counters are
    raised past the records, refcounts of its bodies set right, and with
    `adopt` the partition's unreferenced body files join it. Records that
    survive keep their UIDs, flags and MODSEQs."""
    info = load_mailbox_id(tx.db, mailbox_id)
    done = _fix_refcounts(tx, mailbox_id)
    # Counters first: the tombstones of lost records take a MODSEQ past them.
    top = tx.db.execute("SELECT max(uid), max(modseq) FROM messages WHERE mailbox_id = ?",
                        (mailbox_id,)).fetchone()
    if top[0] is not None and (top[0] >= info.uidnext or top[1] > info.highestmodseq):
        tx.db.execute("UPDATE mailboxes SET uidnext = max(uidnext, ?), highestmodseq ="
                      " max(highestmodseq, ?) WHERE id = ?", (top[0] + 1, top[1], mailbox_id))
        done.append(f"uidnext/highestmodseq raised past uid {top[0]} / modseq {top[1]}")
    done += _drop_lost(tx, mailbox_id)
    if adopt:
        done += _adopt(tx, mailbox_id, _unreferenced(tx.db, tx.blobs, [info.partition]))
    if dry_run:
        raise DryRun(done)
    return done
