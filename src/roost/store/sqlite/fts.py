"""The full-text index on SQLite FTS5: one database file per owner.

Why FTS5 with the trigram tokenizer (docs/search.md has the figures): it
is the one embedded engine measured whose matches are substrings, as RFC
9051 §6.4.4 wants (`BODY "ell"` matches "hello"); a word engine (FTS5
unicode61, Xapian) cannot find "nvoic" in "invoice". The tokenizer runs
case-sensitively over text already folded by the caller, so a phrase match
on a column is exactly `needle in text`. The `fuzzy` table (unicode61 with
the Porter stemmer) serves only SEARCH FUZZY (RFC 6203), ranked by bm25.
A needle of word characters is looked up by its words (``fts_words``:
the same answer, without decoding the long position lists of common
trigrams), any other by its trigrams.
SUBJECT, FROM, TO, CC and BCC needles are looked up in their field's own
column (``fts_columns``), where a match is the answer, not a candidate.

A document is a body (`docs`, by SHA-256); `places` says which UIDs of
which mailboxes hold it, so a lookup returns UIDs of one mailbox straight
from SQLite. Tables are contentless (the text is the mail's; keeping a
second copy would double the index); what expunges leave is taken out by
``fts_reclaim`` (``squatter -i``, the rolling indexer), and until then
costs only space: every lookup meets the mailbox's live UIDs. A rebuild
fills `*_new` tables beside the live ones and swaps them in with one
transaction. The index is rebuildable, so commits are not synced
(synchronous=NORMAL: a crash may lose the last batches, with their marks).

Invariants: one connection per thread; a missing file is "no index" to a
reader, never created by one.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote, unquote

from roost.search.index.api import Answer, Document, Needle, Ranked
from roost.store.sqlite import fts_columns, fts_reclaim, fts_words

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

SUFFIX = ".fts.db"
TABLES = ("docs", "places", "unindexed", "text", "fuzzy", "marks", *fts_words.TABLES)
LAYOUT = 3
"""Version of the tables, stored beside the text's (meta `layout`; none: 1).
2: the word path (``fts_words``). 3: a column per field of SUBJECT, FROM,
TO, CC, BCC (``fts_columns``). An index of another layout is another
version: no index to a reader, started afresh by the first writer."""
# Reclaiming asks which places a mailbox has (lookups go by docid). Made on
# the live table only: a rebuild fills its tables without it, then adds it.
PLACES_INDEX = "CREATE INDEX IF NOT EXISTS places_by_mailbox ON places (mailbox_id, uid)"
_FUZZY_COLUMNS = {"body": "{body attachments}", "text": "{header body attachments}",
                  "header": "header"}
_WORD = re.compile(r"\w+")
TRIGRAM = 3  # the shortest needle the trigram tokenizer can look up
CHUNK = 500  # host parameters per IN (...) list


def _schema(suffix: str) -> list[str]:
    return [
        # AUTOINCREMENT: a docid reclaimed is never given to another body, so
        # postings left behind (`forget`) can never name one. `digest`: of the
        # text inserted, which a contentless delete must repeat exactly.
        (f"CREATE TABLE docs{suffix} (docid INTEGER PRIMARY KEY AUTOINCREMENT,"
         " blob TEXT NOT NULL UNIQUE, digest TEXT)"),
        # Where each body is: a lookup answers in UIDs of one mailbox, from SQLite.
        (f"CREATE TABLE places{suffix} (docid INTEGER NOT NULL, mailbox_id INTEGER NOT NULL,"
         " uid INTEGER NOT NULL, PRIMARY KEY (docid, mailbox_id, uid)) WITHOUT ROWID"),
        # The few bodies kept without text (Document.exact False): read whole at every lookup.
        f"CREATE TABLE unindexed{suffix} (blob TEXT PRIMARY KEY) WITHOUT ROWID",
        (f"CREATE VIRTUAL TABLE text{suffix} USING fts5({fts_columns.NAMES}, content='',"
         " tokenize='trigram case_sensitive 1')"),
        (f"CREATE VIRTUAL TABLE fuzzy{suffix} USING fts5(header, body, attachments, content='',"
        " tokenize='porter unicode61 remove_diacritics 2')"),
        f"CREATE TABLE marks{suffix} (mailbox_id INTEGER PRIMARY KEY, upto INTEGER NOT NULL)",
        *fts_words.schema(suffix),
    ]


def phrase(text: str) -> str:
    """An FTS5 string: the text taken literally (a `"` is doubled)."""
    return '"' + text.replace('"', '""') + '"'


def answerable(needle: str) -> bool:
    """Whether the trigram index can look `needle` up: it has a trigram,
    and no NUL (FTS5 reads its query as a C string)."""
    return len(needle) >= TRIGRAM and "\x00" not in needle


def fuzzy_query(needle: Needle) -> str | None:
    """Every word of the needle, each quoted, all required, in the fuzzy
    table's columns for its key (RFC 6203 leaves the meaning of FUZZY to
    the server); None when it has no word."""
    found = _WORD.findall(needle.text)
    if not found:
        return None
    return f"{_FUZZY_COLUMNS[needle.where]} : ({' '.join(phrase(w) for w in found)})"


class FtsIndex:
    """`FullTextIndex` on one FTS5 database per owner under `root`."""

    fuzzy_always = False

    def __init__(self, root: Path, text_version: int) -> None:
        self.root = root
        self.text_version = text_version
        self._writers: dict[str, sqlite3.Connection] = {}

    def path(self, owner: str) -> Path:
        """The owner's file; the name is the quoted id, so any id is safe."""
        return self.root / (quote(owner, safe="@+-_") + SUFFIX)

    def _open(self, path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _reader(self, owner: str) -> sqlite3.Connection | None:
        """A connection to a usable index, or None (missing, other version)."""
        path = self.path(owner)
        if not path.exists():
            return None
        db = self._open(path)
        try:
            current = self._current(db)
        except sqlite3.OperationalError:
            current = False  # created, schema not yet committed
        if not current:
            db.close()
            return None
        return db

    def _current(self, db: sqlite3.Connection) -> bool:
        """Whether the file holds this text version in this layout."""
        versions = dict(db.execute("SELECT key, value FROM meta").fetchall())
        return (int(versions.get("text_version", 0)) == self.text_version
                and int(versions.get("layout", 1)) == LAYOUT)

    def _writer(self, owner: str) -> sqlite3.Connection:
        """The feeding thread's connection, creating the index if needed."""
        db = self._writers.get(owner)
        if db is None:
            self.root.mkdir(parents=True, exist_ok=True)
            db = self._writers[owner] = self._open(self.path(owner))
            db.execute("PRAGMA auto_vacuum=INCREMENTAL")  # takes effect on a new file only
            db.execute("BEGIN IMMEDIATE")
            if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is None:
                db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                self._stamp(db)
                self._create(db)
            elif not self._current(db):
                # Another version's text or tables are no index to a reader: start
                # this one afresh (marks at 0, so the indexer refills it as it goes).
                for table in TABLES:
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                    db.execute(f"DROP TABLE IF EXISTS {table}_new")
                self._stamp(db)
                self._create(db)
            db.execute("COMMIT")
        return db

    def _stamp(self, db: sqlite3.Connection) -> None:
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                       (("text_version", self.text_version), ("layout", LAYOUT)))

    @staticmethod
    def _create(db: sqlite3.Connection) -> None:
        for statement in _schema(""):
            db.execute(statement)
        db.execute(PLACES_INDEX)

    # -- reading (any thread)
    async def lookup(self, owner: str, mailbox_id: int,
                     needles: Sequence[Needle]) -> Answer | None:
        return await asyncio.to_thread(_unless_broken, self._lookup, owner, mailbox_id, needles)

    def _lookup(self, owner: str, mailbox_id: int, needles: Sequence[Needle]) -> Answer | None:
        db = self._reader(owner)
        if db is None:
            return None
        try:
            db.execute("BEGIN")  # one snapshot for the mark and the matches
            row = db.execute("SELECT upto FROM marks WHERE mailbox_id = ?",
                             (mailbox_id,)).fetchone()
            # CROSS JOIN keeps this order (a few unindexed bodies first): left
            # to itself SQLite scanned every place, 47 ms at 100,000 messages.
            unindexed = _uids(db.execute(
                "SELECT p.uid FROM unindexed u CROSS JOIN docs d CROSS JOIN places p"
                " WHERE d.blob = u.blob AND p.docid = d.docid AND p.mailbox_id = ?",
                (mailbox_id,)))
            matches, exact = {}, set()
            for needle in needles:
                if not answerable(needle.text):
                    continue  # the caller searches directly
                columns, decides = fts_columns.column_of(needle)
                matches[needle] = _matching(db, mailbox_id, columns, needle.text)
                if decides and needle.where == "header":
                    exact.add(needle)
            db.execute("COMMIT")
        finally:
            db.close()
        return Answer(row[0] if row else 0, unindexed, matches, frozenset(exact))

    async def fuzzy(self, owner: str, mailbox_id: int, needle: Needle) -> Ranked | None:
        return await asyncio.to_thread(_unless_broken, self._fuzzy, owner, mailbox_id, needle)

    def _fuzzy(self, owner: str, mailbox_id: int, needle: Needle) -> Ranked | None:
        db = self._reader(owner)
        if db is None:
            return None
        query = fuzzy_query(needle)
        try:
            ranks = [] if query is None else db.execute(
                "SELECT p.uid, -bm25(fuzzy) FROM fuzzy CROSS JOIN places p"
                " ON p.docid = fuzzy.rowid"
                " WHERE fuzzy MATCH ? AND p.mailbox_id = ?", (query, mailbox_id)).fetchall()
        finally:
            db.close()
        best = max((r for _, r in ranks), default=0.0)
        # RFC 6203 §4: relevancy is 1..100, the best match scoring highest.
        scores = {uid: max(1, min(100, round(100 * r / best))) if best > 0 else 1
                  for uid, r in ranks}
        return Ranked(scores)

    def owners(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(unquote(p.name[:-len(SUFFIX)]) for p in self.root.glob("*" + SUFFIX))

    def size(self, owner: str) -> int:
        base = self.path(owner)
        return sum(p.stat().st_size for p in (base, base.with_name(base.name + "-wal"))
                   if p.exists())

    # -- feeding (one thread)
    def marks(self, owner: str) -> dict[int, int]:
        db = self._reader(owner)
        if db is None:
            return {}
        try:
            return dict(db.execute("SELECT mailbox_id, upto FROM marks").fetchall())
        finally:
            db.close()

    def known(self, owner: str, blobs: Sequence[str], *, rebuild: bool = False) -> set[str]:
        db = self._writer(owner)
        suffix = "_new" if rebuild else ""
        found: set[str] = set()
        for part in _chunks(list(blobs)):
            marks = ",".join("?" * len(part))
            found.update(b for (b,) in db.execute(
                f"SELECT blob FROM docs{suffix} WHERE blob IN ({marks})", part))
        return found

    def add(self, owner: str, mailbox_id: int, upto: int, docs: Sequence[Document],
            places: Sequence[tuple[int, str]], *, rebuild: bool = False) -> None:
        self._insert(self._writer(owner), "_new" if rebuild else "", mailbox_id, upto, docs,
                     places)

    def start_rebuild(self, owner: str) -> None:
        db = self._writer(owner)
        db.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            db.execute(f"DROP TABLE IF EXISTS {table}_new")
        for statement in _schema("_new"):
            db.execute(statement)
        db.execute("COMMIT")

    def finish_rebuild(self, owner: str) -> None:
        db = self._writer(owner)
        db.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            db.execute(f"DROP TABLE {table}")
            db.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
        db.execute(PLACES_INDEX)
        self._stamp(db)
        db.execute("COMMIT")
        self.optimize(owner)

    def optimize(self, owner: str) -> None:
        """Merge the index's segments into one (faster queries), give the
        pages a swap or merge freed back to the file system, and fold the
        write-ahead log back into the file: a merge of 100,000 documents
        leaves some 280 MB of it, which every reader then looks through
        (lookups several times slower until a checkpoint)."""
        db = self._writer(owner)
        db.execute("INSERT INTO text (text) VALUES ('optimize')")
        db.execute("INSERT INTO fuzzy (fuzzy) VALUES ('optimize')")
        db.execute("INSERT INTO words (words) VALUES ('optimize')")
        db.execute("PRAGMA incremental_vacuum")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _insert(self, db: sqlite3.Connection, suffix: str, mailbox_id: int, upto: int,
                docs: Sequence[Document], places: Sequence[tuple[int, str]]) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            added = []
            for doc in docs:
                cursor = db.execute(
                    f"INSERT OR IGNORE INTO docs{suffix} (blob, digest) VALUES (?, ?)",
                    (doc.blob, fts_reclaim.digest(doc) if doc.exact else None))
                if cursor.rowcount == 0:
                    continue  # another indexer got there first
                if not doc.exact:
                    db.execute(f"INSERT INTO unindexed{suffix} (blob) VALUES (?)", (doc.blob,))
                    continue
                docid = cursor.lastrowid
                assert docid is not None  # a row was inserted
                db.execute(f"INSERT INTO text{suffix} (rowid, {fts_columns.NAMES})"
                           f" VALUES (?, {fts_columns.MARKS})", (docid, *fts_columns.row(doc)))
                db.execute(f"INSERT INTO fuzzy{suffix} (rowid, header, body, attachments)"
                           " VALUES (?, ?, ?, ?)", (docid, doc.header, doc.body, doc.attachments))
                added.append((docid, doc))
            fts_words.add(db, suffix, added)
            # A body `known` said was here may have been forgotten since (a
            # reclaim by another process): kept without text, it is searched
            # directly, as the mark now promises its messages are answered.
            db.executemany(
                f"INSERT OR IGNORE INTO unindexed{suffix} (blob) SELECT ?1 WHERE NOT EXISTS"
                f" (SELECT 1 FROM docs{suffix} WHERE blob = ?1)", ((b,) for _, b in places))
            db.executemany(f"INSERT OR IGNORE INTO docs{suffix} (blob) VALUES (?)",
                           ((b,) for _, b in places))
            db.executemany(
                f"INSERT OR IGNORE INTO places{suffix} (docid, mailbox_id, uid)"
                f" SELECT docid, ?, ? FROM docs{suffix} WHERE blob = ?",
                ((mailbox_id, uid, blob) for uid, blob in places))
            db.execute(
                f"INSERT INTO marks{suffix} (mailbox_id, upto) VALUES (?, ?) ON CONFLICT"
                " (mailbox_id) DO UPDATE SET upto = max(upto, excluded.upto)",
                (mailbox_id, upto))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def drop_places(self, owner: str, mailbox_id: int, live: Collection[int],
                    below: int | None) -> list[str]:
        return fts_reclaim.drop_places(self._writer(owner), mailbox_id, live, below)

    def forget(self, owner: str, blobs: Sequence[str], docs: Sequence[Document]) -> int:
        return fts_reclaim.forget(self._writer(owner), blobs, docs)

    def close(self) -> None:
        for db in self._writers.values():
            db.close()
        self._writers.clear()


def _unless_broken(read: Callable[[str, int, T], R | None], owner: str, mailbox_id: int,
                   arg: T) -> R | None:
    """`read(...)`, or None (no index: SEARCH scans) when the owner's file is
    damaged or locked past the timeout; logged, since `roost squatter`
    rebuilds it. An index is never a reason for a SEARCH to fail."""
    try:
        return read(owner, mailbox_id, arg)
    except sqlite3.Error as err:
        log.warning("search index of %s unusable (%s): searching without it", owner, err)
        return None


def _matching(db: sqlite3.Connection, mailbox_id: int, columns: str,
              needle: str) -> frozenset[int]:
    """The mailbox's UIDs whose text in `columns` holds the needle: by its
    words where they can say (``fts_words``), else by its trigrams."""
    words = fts_words.match(db, columns, needle)
    if words == "":
        return frozenset()
    table, query = ("text", f"{columns} : {phrase(needle)}") if words is None \
        else ("words", words)
    # CROSS JOIN: the match first; with places_by_mailbox SQLite would walk
    # the mailbox's places and MATCH once per row.
    return _uids(db.execute(
        f"SELECT p.uid FROM {table} CROSS JOIN places p ON p.docid = {table}.rowid"
        f" WHERE {table} MATCH ? AND p.mailbox_id = ?", (query, mailbox_id)))


def _uids(rows: Iterable[tuple[int]]) -> frozenset[int]:
    return frozenset(uid for (uid,) in rows)


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]
