"""Writing the PostgreSQL full-text index (fts.py): each call one
transaction that first locks its owner's `fts_owners` row (created, or
started afresh when of another text version), retried on deadlock or
serialization failure like the store's own writes."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TypeVar

from psycopg import Connection
from psycopg.rows import TupleRow

from roost.search.index.api import Document
from roost.store.postgres.tx import RETRIES, RETRYABLE

T = TypeVar("T")
Db = Connection[TupleRow]

FUZZY_CHARS = 100_000
"""Characters of a body (header first, then body, then attachments) the
FUZZY tsvector stems: a tsvector must stay under 1 MB, and 100,000
characters of distinct short words stay well under. Exact SEARCH reads
the whole text; only FUZZY's stemmed extra matches stop here."""

_FUZZY = ("setweight(to_tsvector('english', %s), 'A') || setweight(to_tsvector('english', %s),"
          " 'B') || setweight(to_tsvector('english', %s), 'C')")
GIN_INDEXES = ("fts_docs_header", "fts_docs_body", "fts_docs_fields", "fts_docs_fuzzy")


@dataclass(frozen=True, slots=True)
class Generations:
    """An owner's generations, read under its row lock."""

    live: int
    building: int | None

    def target(self, rebuild: bool) -> int:
        """Where a write goes: the live generation, or the one being rebuilt."""
        if not rebuild:
            return self.live
        if self.building is None:
            raise RuntimeError("no rebuild of this index has been started")
        return self.building


def run(db: Db, owner: str, text_version: int, op: Callable[[Db, Generations], T]) -> T:
    """`op` in one transaction holding the owner's row lock."""
    for attempt in range(RETRIES):
        try:
            with db.transaction():
                return op(db, _lock_owner(db, owner, text_version))
        except RETRYABLE:
            if attempt == RETRIES - 1:
                raise
            time.sleep(random.uniform(0, 0.0025 * (attempt + 1)))
    raise AssertionError("unreachable")  # the last attempt returns or raises


def _lock_owner(db: Db, owner: str, text_version: int) -> Generations:
    db.execute("INSERT INTO fts_owners (owner, text_version) VALUES (%s, %s)"
               " ON CONFLICT (owner) DO NOTHING", (owner, text_version))
    row = db.execute("SELECT text_version, live, building FROM fts_owners WHERE owner = %s"
                     " FOR UPDATE", (owner,)).fetchone()
    assert row is not None  # inserted above, and owners are never deleted
    if int(row[0]) != text_version:
        # Another version's text is no index to a reader: start this one
        # afresh (marks at 0, so the indexer refills it as it goes).
        db.execute("DELETE FROM fts_docs WHERE owner = %s", (owner,))
        db.execute("DELETE FROM fts_marks WHERE owner = %s", (owner,))
        db.execute("UPDATE fts_owners SET text_version = %s, live = 0, building = NULL"
                   " WHERE owner = %s", (text_version, owner))
        return Generations(0, None)
    return Generations(int(row[1]), None if row[2] is None else int(row[2]))


def known(db: Db, owner: str, gen: int, blobs: Sequence[str]) -> set[str]:
    return {str(b) for (b,) in db.execute(
        "SELECT blob FROM fts_docs WHERE owner = %s AND gen = %s AND blob = ANY(%s)",
        (owner, gen, list(blobs)))}


def _row(owner: str, gen: int, doc: Document) -> tuple[object, ...]:
    """The insert parameters of one document. Text holding a NUL (which
    PostgreSQL text cannot hold) is kept without text: searched directly."""
    if not doc.exact or "\x00" in doc.header + doc.body + doc.fields:
        return (owner, gen, doc.blob, False, "", "", "", "", "", "")
    header = doc.header[:FUZZY_CHARS]
    body = doc.body[:FUZZY_CHARS - len(header)]
    extra = doc.attachments.replace("\x00", " ")[:FUZZY_CHARS - len(header) - len(body)]
    return (owner, gen, doc.blob, True, doc.header, doc.body, doc.fields, header, body, extra)


def add(db: Db, owner: str, gen: int, mailbox_id: int, upto: int, docs: Sequence[Document],
        places: Sequence[tuple[int, str]]) -> None:
    cursor = db.cursor()
    cursor.executemany(
        "INSERT INTO fts_docs (owner, gen, blob, exact, header, body, fields, fuzzy)"
        f" VALUES (%s, %s, %s, %s, %s, %s, %s, {_FUZZY})"
        " ON CONFLICT (owner, gen, blob) DO NOTHING".encode(),
        [_row(owner, gen, d) for d in sorted(docs, key=lambda d: d.blob)])
    # A body `known` said was here may have been forgotten since (a reclaim
    # by another process): kept without text, it is searched directly, as
    # the mark now promises its messages are answered.
    blobs = sorted({b for _, b in places})
    cursor.executemany("INSERT INTO fts_docs (owner, gen, blob, exact) VALUES (%s, %s, %s, false)"
                       " ON CONFLICT (owner, gen, blob) DO NOTHING",
                       [(owner, gen, b) for b in blobs])
    cursor.executemany(
        "INSERT INTO fts_places (docid, mailbox_id, uid) SELECT docid, %s, %s FROM fts_docs"
        " WHERE owner = %s AND gen = %s AND blob = %s ON CONFLICT DO NOTHING",
        [(mailbox_id, uid, owner, gen, blob) for uid, blob in places])
    db.execute("INSERT INTO fts_marks (owner, gen, mailbox_id, upto) VALUES (%s, %s, %s, %s)"
               " ON CONFLICT (owner, gen, mailbox_id)"
               " DO UPDATE SET upto = greatest(fts_marks.upto, excluded.upto)",
               (owner, gen, mailbox_id, upto))


def drop_places(db: Db, owner: str, gen: int, mailbox_id: int, live: Collection[int],
                below: int | None) -> list[str]:
    if below is None:
        db.execute("DELETE FROM fts_marks WHERE owner = %s AND gen = %s AND mailbox_id = %s",
                   (owner, gen, mailbox_id))
    held = db.execute(
        "SELECT p.uid, p.docid FROM fts_places p JOIN fts_docs d ON d.docid = p.docid"
        " WHERE d.owner = %s AND d.gen = %s AND p.mailbox_id = %s AND p.uid < %s",
        (owner, gen, mailbox_id, (1 << 62) if below is None else below)).fetchall()
    dead = [(int(docid), mailbox_id, int(uid)) for uid, docid in held if int(uid) not in live]
    db.cursor().executemany(
        "DELETE FROM fts_places WHERE docid = %s AND mailbox_id = %s AND uid = %s", dead)
    return [str(b) for (b,) in db.execute(
        "SELECT blob FROM fts_docs d WHERE docid = ANY(%s) AND NOT EXISTS"
        " (SELECT 1 FROM fts_places p WHERE p.docid = d.docid) ORDER BY docid",
        (sorted({docid for docid, _, _ in dead}),))]


def forget(db: Db, owner: str, gen: int, blobs: Sequence[str]) -> int:
    """Delete the documents of `blobs` no place holds (placed again
    meanwhile: kept); how many of them had text."""
    gone = db.execute(
        "DELETE FROM fts_docs d WHERE owner = %s AND gen = %s AND blob = ANY(%s)"
        " AND NOT EXISTS (SELECT 1 FROM fts_places p WHERE p.docid = d.docid) RETURNING exact",
        (owner, gen, list(blobs))).fetchall()
    return sum(1 for (exact,) in gone if exact)


def start_rebuild(db: Db, owner: str, gens: Generations) -> None:
    """Generation `live + 1`, emptied of what an abandoned rebuild left."""
    new = gens.live + 1
    db.execute("DELETE FROM fts_docs WHERE owner = %s AND gen = %s", (owner, new))
    db.execute("DELETE FROM fts_marks WHERE owner = %s AND gen = %s", (owner, new))
    db.execute("UPDATE fts_owners SET building = %s WHERE owner = %s", (new, owner))


def finish_rebuild(db: Db, owner: str, gens: Generations) -> None:
    """The swap: one commit makes the rebuilt generation the live one and
    takes the old one away (readers in an older snapshot still see it)."""
    new = gens.target(rebuild=True)
    db.execute("UPDATE fts_owners SET live = %s, building = NULL WHERE owner = %s", (new, owner))
    db.execute("DELETE FROM fts_docs WHERE owner = %s AND gen = %s", (owner, gens.live))
    db.execute("DELETE FROM fts_marks WHERE owner = %s AND gen = %s", (owner, gens.live))


def optimize(db: Db) -> None:
    """fts.PgFtsIndex.optimize, outside any transaction."""
    for name in GIN_INDEXES:
        db.execute("SELECT gin_clean_pending_list(%s::regclass)", (name,))
    db.execute("ANALYZE fts_docs, fts_places, fts_marks")
