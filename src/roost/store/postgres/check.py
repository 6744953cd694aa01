"""`Store.check` on PostgreSQL: the SQLite backend's checks
(`store/sqlite/check.py`), one line per problem worded the same way.

Sound means: every `blobs` row's body is stored at its size; every
refcount equals the records referencing the body (those that are not
plain tombstones); no record's UID reaches its mailbox's UIDNEXT nor its
MODSEQ passes HIGHESTMODSEQ; no mailbox id passes the id counter; every
quota root's usage is what its records count. A plain, synchronous
connection in one REPEATABLE READ snapshot: `check` is called outside
any event loop too (tests, tools), and it only reads.
"""

from __future__ import annotations

from typing import Any

import psycopg

from roost.store.blobstore import BlobStore
from roost.store.postgres.rows import GONE

REFS = f"""
    WITH r AS (SELECT blob, partition, count(*) AS n, max(size) AS size FROM messages
               WHERE expunged != {GONE} GROUP BY blob, partition)
    SELECT coalesce(b.sha256, r.blob), coalesce(b.partition, r.partition),
           coalesce(b.refcount, 0), coalesce(r.n, 0), coalesce(b.size, r.size)
    FROM blobs b FULL JOIN r ON r.blob = b.sha256 AND r.partition = b.partition
    WHERE coalesce(b.refcount, 0) != coalesce(r.n, 0)
"""
"""(key, partition, refcount, references, size) wherever the two disagree."""

UIDS = """
    SELECT mb.name, mb.id, max(m.uid), mb.uidnext, max(m.modseq), mb.highestmodseq
    FROM mailboxes mb JOIN messages m ON m.mailbox_id = mb.id
    GROUP BY mb.id HAVING max(m.uid) >= mb.uidnext OR max(m.modseq) > mb.highestmodseq
"""
"""Mailboxes whose records pass their counters."""

_IDS = """
    SELECT max(id), (SELECT value FROM meta WHERE key = 'mailboxid') FROM mailboxes
    HAVING max(id) > (SELECT value FROM meta WHERE key = 'mailboxid')
"""

QUOTA_DRIFT = """
    WITH nearest AS (
        SELECT DISTINCT ON (mb.id) mb.id, q.root FROM mailboxes mb
        JOIN quota_roots q ON mb.name = q.root OR starts_with(mb.name, q.root || '.')
        ORDER BY mb.id, length(q.root) DESC),
    counted AS (
        SELECT n.root, coalesce(sum(m.size), 0) AS size, count(m.uid) AS n FROM nearest n
        LEFT JOIN messages m ON m.mailbox_id = n.id AND m.expunged = 0 GROUP BY n.root)
    SELECT q.root, q.storage_used, q.messages_used, coalesce(c.size, 0), coalesce(c.n, 0)
    FROM quota_roots q LEFT JOIN counted c ON c.root = q.root
    WHERE q.storage_used != coalesce(c.size, 0) OR q.messages_used != coalesce(c.n, 0)
"""
"""Roots whose kept usage is not what their records count: each mailbox
counts to its nearest root (the longest root that is it or above it)."""


def problems(rows: dict[str, list[tuple[Any, ...]]], blobs: BlobStore) -> list[str]:
    """The problem lines of what the queries of `check` found."""
    found = [f"body {key} missing or truncated in partition {partition}"
             for key, partition, size in rows["blobs"] if not blobs.present(partition, key, size)]
    found += [f"body {key} in partition {partition}: refcount {refcount}, {live} live messages"
              for key, partition, refcount, live, _ in rows["refs"]]
    for name, _, max_uid, uidnext, max_modseq, highest in rows["uids"]:
        if max_uid >= uidnext:
            found.append(f"mailbox {name}: uid {max_uid} >= uidnext {uidnext}")
        if max_modseq > highest:
            found.append(f"mailbox {name}: modseq {max_modseq} > highestmodseq {highest}")
    found += [f"mailbox id {max_id} is past the id counter {counter}"
              for max_id, counter in rows["ids"]]
    found += [f"quota root {root}: usage {size} bytes, {count} messages kept; "
              f"{counted} bytes, {messages} messages in the records"
              for root, size, count, counted, messages in rows["quota"]]
    return found


def check(dsn: str, blobs: BlobStore) -> list[str]:
    queries = {"blobs": "SELECT sha256, partition, size FROM blobs", "refs": REFS,
               "uids": UIDS, "ids": _IDS, "quota": QUOTA_DRIFT}
    with psycopg.connect(dsn) as db:
        db.execute(b"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        rows = {name: db.execute(sql.encode()).fetchall() for name, sql in queries.items()}
    return problems(rows, blobs)
