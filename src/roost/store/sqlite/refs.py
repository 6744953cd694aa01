"""Body reference counts and the per-mailbox MODSEQ counter.

Invariant kept here: a `blobs` row exists exactly while some live message
references (key, partition), its refcount is that number, and while it
exists its file is on disk. Adding the first reference checks the file
inside the write transaction (rewriting it if a concurrent release removed
it), which is what makes post-commit deletion in `writer` safe.
"""

from __future__ import annotations

from roost.store.api import StoreCorrupt
from roost.store.sqlite.parsedcache import SUMMARY_PATHS
from roost.store.sqlite.writer import WriteTx


def add_blob(tx: WriteTx, key: str, partition: str, size: int,
             raw: bytes | None = None, parsed: str | None = None) -> None:
    """Count one more reference to a body; store its parse once per key."""
    updated = tx.db.execute(
        "UPDATE blobs SET refcount = refcount + 1 WHERE sha256 = ? AND partition = ?",
        (key, partition)).rowcount
    if not updated:
        if not tx.blobs.present(partition, key, size):
            if raw is None:
                raise StoreCorrupt(f"body {key} missing from partition {partition}")
            tx.blobs.write(partition, raw)
        tx.db.execute("INSERT INTO blobs (sha256, partition, size, refcount) VALUES (?, ?, ?, 1)",
                      (key, partition, size))
    if parsed is not None:
        save_parse(tx, key, parsed, replace=False)


def save_parse(tx: WriteTx, key: str, parsed: str, *, replace: bool) -> None:
    """Store a body's parse and its summary row (`replace`: over a stale one,
    while the body is still referenced)."""
    if replace and not tx.db.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (key,)).fetchone():
        return  # released meanwhile: nothing to keep a parse for
    verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
    tx.db.execute(f"{verb} INTO message_cache (sha256, parsed) VALUES (?, ?)", (key, parsed))
    # Its summary row, picked out of the parse by SQLite itself.
    tx.db.execute(f"{verb} INTO message_summaries (sha256, message_id, body_lines,"
                  " fields) VALUES (?1, nullif(json_extract(?2, ?3), ''),"
                  " json_extract(?2, ?4), json_extract(?2, ?5))",
                  (key, parsed, *SUMMARY_PATHS))


def release_blob(tx: WriteTx, key: str, partition: str, count: int = 1) -> None:
    """Drop `count` references; at zero the row goes and the file is queued for removal."""
    tx.db.execute("UPDATE blobs SET refcount = refcount - ? WHERE sha256 = ? AND partition = ?",
                  (count, key, partition))
    gone = tx.db.execute("DELETE FROM blobs WHERE sha256 = ? AND partition = ? AND refcount <= 0",
                         (key, partition)).rowcount
    if gone:
        tx.released.add((key, partition))
        for table in ("message_cache", "message_summaries"):
            tx.db.execute(f"DELETE FROM {table} WHERE sha256 = ? AND NOT EXISTS "
                          "(SELECT 1 FROM blobs WHERE sha256 = ?)", (key, key))


def bump_modseq(tx: WriteTx, mailbox_id: int) -> int:
    """The mailbox's next MODSEQ, recorded as its HIGHESTMODSEQ."""
    row = tx.db.execute("UPDATE mailboxes SET highestmodseq = highestmodseq + 1 WHERE id = ?"
                        " RETURNING highestmodseq", (mailbox_id,)).fetchall()[0]
    return int(row[0])
