"""Consistency check and repair of the index against itself and the body files.

Sound means: every `blobs` row's file exists at its size; every refcount
equals the records referencing it (live ones, and tombstones holding their
body); no record's UID reaches its
mailbox's UIDNEXT; no record's MODSEQ passes HIGHESTMODSEQ; no mailbox id
passes the id counter (the next CREATE would take it). Body files
with no row are not problems: they are what a crash between the file and
the index commit leaves, and nobody can see them. `repair` removes those
only when they are older than ORPHAN_AGE, so it never takes a file whose
append is still on its way to the index.
"""

from __future__ import annotations

import sqlite3
import time

from roost.store.blobstore import BlobStore
from roost.store.sqlite import quota
from roost.store.sqlite.reads import ReadTx

ORPHAN_AGE = 3600.0

_REFS = """
    WITH r AS (SELECT blob, partition, count(*) AS live, max(size) AS size FROM messages
               WHERE expunged != 1 GROUP BY blob, partition)
    SELECT b.sha256, b.partition, b.refcount, coalesce(r.live, 0), b.size
    FROM blobs b LEFT JOIN r ON r.blob = b.sha256 AND r.partition = b.partition
    WHERE b.refcount != coalesce(r.live, 0)
    UNION ALL
    SELECT r.blob, r.partition, 0, r.live, r.size
    FROM r LEFT JOIN blobs b ON b.sha256 = r.blob AND b.partition = r.partition
    WHERE b.sha256 IS NULL
"""
"""(key, partition, refcount, references, size) wherever the two disagree; live
records and tombstones that hold their body (delayed expunge) reference it."""

UIDS = """
    SELECT mb.name, max(m.uid), mb.uidnext, max(m.modseq), mb.highestmodseq
    FROM mailboxes mb JOIN messages m ON m.mailbox_id = mb.id
    GROUP BY mb.id HAVING max(m.uid) >= mb.uidnext OR max(m.modseq) > mb.highestmodseq
"""


_IDS = """
    SELECT max(id), (SELECT value FROM meta WHERE key = 'mailboxid') FROM mailboxes
    HAVING max(id) > coalesce((SELECT value FROM meta WHERE key = 'mailboxid'), 0)
"""


def check(db: sqlite3.Connection, blobs: BlobStore) -> list[str]:
    """Problem lines; empty when the store is sound."""
    problems: list[str] = []
    with ReadTx(db):
        for key, partition, size in db.execute("SELECT sha256, partition, size FROM blobs"):
            if not blobs.present(partition, key, size):
                problems.append(f"body {key} missing or truncated in partition {partition}")
        for key, partition, refcount, live, _ in db.execute(_REFS):
            problems.append(f"body {key} in partition {partition}: refcount {refcount}, "
                            f"{live} live messages")
        for name, max_uid, uidnext, max_modseq, highest in db.execute(UIDS):
            if max_uid >= uidnext:
                problems.append(f"mailbox {name}: uid {max_uid} >= uidnext {uidnext}")
            if max_modseq > highest:
                problems.append(f"mailbox {name}: modseq {max_modseq} > highestmodseq {highest}")
        for max_id, counter in db.execute(_IDS):
            problems.append(f"mailbox id {max_id} is past the id counter {counter}")
        problems += quota.drift(db).values()
    return problems


def repair(db: sqlite3.Connection, blobs: BlobStore) -> list[str]:
    """Fix what `check` finds, in one write transaction; return what was done.

    Records whose body file is gone cannot be recovered: they are expunged
    (tombstoned at a new MODSEQ, so sessions learn of it), as Cyrus's
    `reconstruct` drops records without a message file.
    """
    done: list[str] = []
    db.execute("BEGIN IMMEDIATE")
    try:
        lost = [(key, part) for key, part, size in
                db.execute("SELECT sha256, partition, size FROM blobs").fetchall()
                if not blobs.present(part, key, size)]
        lost += [(key, part) for key, part, refcount, live, size in db.execute(_REFS).fetchall()
                 if refcount == 0 and not blobs.present(part, key, size)]
        for key, partition in lost:
            db.execute("UPDATE messages SET expunged = 1 WHERE blob = ? AND partition = ?"
                       " AND expunged = 2", (key, partition))  # held: nothing left to restore
            for mailbox_id, uid in db.execute(
                    "SELECT mailbox_id, uid FROM messages WHERE blob = ? AND partition = ?"
                    " AND expunged = 0", (key, partition)).fetchall():
                modseq = db.execute("UPDATE mailboxes SET highestmodseq = highestmodseq + 1"
                                    " WHERE id = ? RETURNING highestmodseq",
                                    (mailbox_id,)).fetchall()[0][0]
                db.execute("UPDATE messages SET expunged = 1, modseq = ?"
                           " WHERE mailbox_id = ? AND uid = ?", (modseq, mailbox_id, uid))
                done.append(f"expunged uid {uid} of mailbox id {mailbox_id}: body {key} is gone")
        for key, partition, refcount, live, size in db.execute(_REFS).fetchall():
            db.execute("DELETE FROM blobs WHERE sha256 = ? AND partition = ?", (key, partition))
            if live:
                db.execute("INSERT INTO blobs (sha256, partition, size, refcount)"
                           " VALUES (?, ?, ?, ?)", (key, partition, size, live))
            done.append(f"body {key} in partition {partition}: refcount {refcount} -> {live}")
        for name, max_uid, uidnext, max_modseq, highest in db.execute(UIDS).fetchall():
            db.execute("UPDATE mailboxes SET uidnext = max(uidnext, ?),"
                       " highestmodseq = max(highestmodseq, ?) WHERE name = ?",
                       (max_uid + 1, max_modseq, name))
            done.append(f"mailbox {name}: uidnext/highestmodseq raised past its records")
        for max_id, counter in db.execute(_IDS).fetchall():
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('mailboxid', ?)",
                       (max_id,))
            done.append(f"mailbox id counter raised from {counter} to {max_id}")
        for root, line in quota.drift(db).items():  # records expunged above included
            quota.recount(db, root)
            done.append(f"recounted {line}")
        for table in ("message_cache", "message_summaries"):
            db.execute(f"DELETE FROM {table} WHERE sha256 NOT IN (SELECT sha256 FROM blobs)")
        referenced = {(k, p) for k, p in db.execute("SELECT sha256, partition FROM blobs")}
        done += _remove_orphans(blobs, referenced)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return done


def _remove_orphans(blobs: BlobStore, referenced: set[tuple[str, str]]) -> list[str]:
    """Delete old body files the index does not reference.

    Called under the write lock: no process can reference a file meanwhile.
    """
    done: list[str] = []
    cutoff = time.time() - ORPHAN_AGE
    for partition in blobs.partition_names():
        for body in blobs.stored(partition):
            key = body.key
            if (key, partition) not in referenced and body.mtime < cutoff:
                blobs.remove(partition, key)
                done.append(f"removed orphan body {key} from partition {partition}")
    return done
