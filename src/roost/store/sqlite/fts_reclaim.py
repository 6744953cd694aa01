"""Taking out of an owner's FTS5 index what expunges and deletes left.

The text tables are contentless, and SQLite 3.40 (what Python ships with
here) has no `contentless_delete`: a row leaves an FTS5 table only by an
`'delete'` command repeating the very text inserted, else the index is
corrupted. So each document keeps a digest of its text; at reclaim the
indexer re-extracts the body while the store still has it, and only a
text whose digest matches is deleted. Otherwise (the body is gone, an
attachment converter answers differently now) the postings stay,
unreachable: docids are AUTOINCREMENT, never given to another body, and
every lookup goes through `places`, which no longer names the docid.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Collection, Sequence

from roost.search.index.api import Document
from roost.store.sqlite import fts_columns, fts_words


def drop_places(db: sqlite3.Connection, mailbox_id: int, live: Collection[int],
                below: int | None) -> list[str]:
    """FullTextIndex.drop_places on one owner's writer connection."""
    db.execute("BEGIN IMMEDIATE")
    try:
        if below is None:
            db.execute("DELETE FROM marks WHERE mailbox_id = ?", (mailbox_id,))
        held = db.execute("SELECT uid, docid FROM places WHERE mailbox_id = ? AND uid < ?",
                          (mailbox_id, (1 << 62) if below is None else below)).fetchall()
        dead = [(mailbox_id, uid, docid) for uid, docid in held if uid not in live]
        db.executemany("DELETE FROM places WHERE mailbox_id = ? AND uid = ? AND docid = ?",
                       dead)
        orphans = []
        for docid in sorted({docid for _, _, docid in dead}):
            row = db.execute("SELECT blob FROM docs d WHERE docid = ? AND NOT EXISTS"
                             " (SELECT 1 FROM places p WHERE p.docid = d.docid)",
                             (docid,)).fetchone()
            if row is not None:
                orphans.append(row[0])
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return orphans

def forget(db: sqlite3.Connection, blobs: Sequence[str], docs: Sequence[Document]) -> int:
    """FullTextIndex.forget on one owner's writer connection."""
    texts = {d.blob: d for d in docs}
    removed = 0
    db.execute("BEGIN IMMEDIATE")
    try:
        for blob in blobs:
            row = db.execute(
                "SELECT docid, digest FROM docs d WHERE blob = ? AND NOT EXISTS"
                " (SELECT 1 FROM places p WHERE p.docid = d.docid)", (blob,)).fetchone()
            if row is None:
                continue  # placed again meanwhile (a copy arrived): keep it
            docid, stored = row
            doc = texts.get(blob)
            if doc is not None and stored is not None and digest(doc) == stored:
                # A contentless FTS5 table deletes by repeating the text inserted.
                db.execute(f"INSERT INTO text (text, rowid, {fts_columns.NAMES})"
                           f" VALUES ('delete', ?, {fts_columns.MARKS})",
                           (docid, *fts_columns.row(doc)))
                db.execute("INSERT INTO fuzzy (fuzzy, rowid, header, body, attachments)"
                           " VALUES ('delete', ?, ?, ?, ?)",
                           (docid, doc.header, doc.body, doc.attachments))
                fts_words.delete(db, docid, doc)
                removed += 1
            db.execute("DELETE FROM docs WHERE docid = ?", (docid,))
            db.execute("DELETE FROM unindexed WHERE blob = ?", (blob,))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return removed


def digest(doc: Document) -> str:
    """Of the text a document put into the FTS5 tables (NULs keep the parts apart)."""
    text = "\x00".join((*fts_columns.row(doc), doc.attachments))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
