"""The full-text index on PostgreSQL, in the store's own database: every
node searches (and feeds) one index, as it serves one store.

Why pg_trgm: the text kept is the folded text SEARCH compares with
(`roost.search.index.extract`), and needles come folded too, so
`LIKE '%needle%'` on it is exactly `needle in text`: the substring match
of RFC 9051 §6.4.4, case-insensitive as SEARCH is because both sides are
folded by i;unicode-casemap. pg_trgm's GIN indexes give LIKE its
candidates by trigram and PostgreSQL rechecks each with LIKE itself, so
what pg_trgm calls a word (locale-dependent) changes the speed, never the
answer. FUZZY (RFC 6203) is a tsvector per body (the `english` snowball
stemmer; header, body, attachments weighted A, B, C so a key reads only
its columns), ranked by `ts_rank`; it reads the first `FUZZY_CHARS`
characters of a body (a tsvector must stay under 1 MB).

Tables (schema.py v2): `fts_owners` (per owner: the text version, the
`live` generation, the one being rebuilt), `fts_docs` (one row per body,
owner and generation; `exact` false: kept without text, searched
directly), `fts_places` (which UIDs hold a document), `fts_marks`.

Invariants:
- A reader runs in one REPEATABLE READ snapshot that reads `live` first:
  it sees one generation whole. A rebuild fills `live + 1` and one
  transaction moves `live` to it and deletes the old one, so no reader
  sees a half-built index; a rolling indexer writing meanwhile carries on
  into the new generation, whose marks say what it still lacks.
- Every write locks its owner's `fts_owners` row first, so indexers on
  several nodes queue per owner, never deadlock, and a swap waits for the
  batch in flight.
- An owner of another text version is no index to a reader; the first
  write of this version starts it afresh (marks at 0).
- An index that cannot be reached or read is no index (SEARCH scans).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

import psycopg
from psycopg import AsyncConnection, Connection
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool, PoolTimeout

from roost.search.index.api import Answer, Document, Needle, Ranked
from roost.store.postgres import fts_write
from roost.store.postgres.schema import migrate
from roost.store.sqlite.fts import answerable

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

_PLACED = ("SELECT p.uid FROM fts_docs d JOIN fts_places p ON p.docid = d.docid"
           " WHERE d.owner = %(owner)s AND d.gen = %(gen)s AND p.mailbox_id = %(mailbox)s")
_MATCH = {"body": "d.body LIKE %(like)s",
          "text": "(d.header LIKE %(like)s OR d.body LIKE %(like)s)",
          "header": "d.fields LIKE %(like)s"}
_WEIGHTS = {"body": "{b,c}", "text": "{a,b,c}", "header": "{a}"}
"""Which fuzzy columns a key reads (the weights fts_write gives them)."""


def like(needle: str) -> str:
    """A LIKE pattern matching text that holds `needle` anywhere."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class PgFtsIndex:
    """`FullTextIndex` in the PostgreSQL database of `dsn`, for every owner."""

    fuzzy_always = False

    def __init__(self, dsn: str, text_version: int, max_size: int = 4) -> None:
        """Connects (and brings the schema up to date) at the first call."""
        self.dsn = dsn
        self.text_version = text_version
        self.max_size = max_size
        self._pool: ConnectionPool[Connection[TupleRow]] | None = None
        self._opening = threading.Lock()

    @contextmanager
    def _connection(self) -> Iterator[Connection[TupleRow]]:
        with self._opening:
            if self._pool is None:
                _migrate(self.dsn)
                pool: ConnectionPool[Connection[TupleRow]] = ConnectionPool(
                    self.dsn, min_size=1, max_size=self.max_size, open=False,
                    kwargs={"autocommit": True})
                pool.open(wait=True, timeout=30)
                self._pool = pool
            pool = self._pool
        with pool.connection() as conn:
            yield conn

    @contextmanager
    def _snapshot(self) -> Iterator[Connection[TupleRow]]:
        """One read-only snapshot for every query of a lookup. Sequential
        scans are off for it: PostgreSQL estimates `LIKE '%word%'` on long
        texts at half the table and scanned it (54 us a row, each one's
        text decompressed), where the trigram index names the few that
        can match (10 times faster at 4,000 bodies, bench/search_backends)."""
        with self._connection() as conn, conn.transaction():
            conn.execute(b"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            conn.execute(b"SET LOCAL enable_seqscan = off")
            yield conn

    def _live(self, db: Connection[TupleRow], owner: str) -> int | None:
        """The owner's readable generation, or None (no index of this version)."""
        row = db.execute("SELECT live FROM fts_owners WHERE owner = %s AND text_version = %s",
                         (owner, self.text_version)).fetchone()
        return None if row is None else int(row[0])

    # -- reading (any thread)
    async def lookup(self, owner: str, mailbox_id: int,
                     needles: Sequence[Needle]) -> Answer | None:
        return await asyncio.to_thread(_unless_broken, self._lookup, owner, mailbox_id, needles)

    def _lookup(self, owner: str, mailbox_id: int, needles: Sequence[Needle]) -> Answer | None:
        with self._snapshot() as db:
            gen = self._live(db, owner)
            if gen is None:
                return None
            args = {"owner": owner, "gen": gen, "mailbox": mailbox_id}
            row = db.execute("SELECT upto FROM fts_marks WHERE owner = %(owner)s"
                             " AND gen = %(gen)s AND mailbox_id = %(mailbox)s", args).fetchone()
            unindexed = _uids(db.execute((_PLACED + " AND NOT d.exact").encode(), args))
            matches = {}
            for needle in needles:
                # The rule of the FTS5 engine, so both answer the same keys:
                # a needle under three characters has no trigram to narrow by.
                if not answerable(needle.text):
                    continue  # the caller searches directly
                matches[needle] = _uids(db.execute(
                    f"{_PLACED} AND {_MATCH[needle.where]}".encode(),
                    {**args, "like": like(needle.text)}))
        return Answer(int(row[0]) if row else 0, unindexed, matches)

    async def fuzzy(self, owner: str, mailbox_id: int, needle: Needle) -> Ranked | None:
        return await asyncio.to_thread(_unless_broken, self._fuzzy, owner, mailbox_id, needle)

    def _fuzzy(self, owner: str, mailbox_id: int, needle: Needle) -> Ranked | None:
        if "\x00" in needle.text:
            return Ranked({})  # no indexed text holds a NUL (fts_write keeps none)
        with self._snapshot() as db:
            gen = self._live(db, owner)
            if gen is None:
                return None
            # Every word of the needle, stemmed, all required (plainto_tsquery),
            # in the columns of its key (ts_filter keeps their weights).
            ranks = db.execute(
                "SELECT p.uid, ts_rank(ts_filter(d.fuzzy, %(weights)s), q)"
                " FROM plainto_tsquery('english', %(text)s) q,"
                " fts_docs d JOIN fts_places p ON p.docid = d.docid"
                " WHERE d.owner = %(owner)s AND d.gen = %(gen)s AND p.mailbox_id = %(mailbox)s"
                " AND d.fuzzy @@ q AND ts_filter(d.fuzzy, %(weights)s) @@ q",
                {"owner": owner, "gen": gen, "mailbox": mailbox_id, "text": needle.text,
                 "weights": _WEIGHTS[needle.where]}).fetchall()
        best = max((float(r) for _, r in ranks), default=0.0)
        # RFC 6203 §4: relevancy is 1..100, the best match scoring highest.
        return Ranked({int(uid): max(1, min(100, round(100 * float(r) / best)))
                       if best > 0 else 1 for uid, r in ranks})

    def owners(self) -> list[str]:
        with self._connection() as db:
            return [str(o) for (o,) in db.execute("SELECT owner FROM fts_owners ORDER BY owner")]

    def size(self, owner: str) -> int:
        """Bytes the owner's rows take as stored (text compressed); the GIN
        indexes serve every owner and are not counted here."""
        with self._connection() as db:
            row = db.execute(
                "SELECT coalesce(sum(pg_column_size(d.*)), 0) + coalesce((SELECT"
                " sum(pg_column_size(p.*)) FROM fts_places p JOIN fts_docs e"
                " ON e.docid = p.docid JOIN fts_owners o ON o.owner = e.owner AND e.gen = o.live"
                " WHERE o.owner = %(owner)s), 0)"
                " FROM fts_docs d JOIN fts_owners o ON o.owner = d.owner AND d.gen = o.live"
                " WHERE o.owner = %(owner)s", {"owner": owner}).fetchone()
        return int(row[0]) if row else 0

    # -- feeding (blocking; any thread)
    def marks(self, owner: str) -> dict[int, int]:
        with self._connection() as db:
            return {int(m): int(u) for m, u in db.execute(
                "SELECT m.mailbox_id, m.upto FROM fts_marks m JOIN fts_owners o"
                " ON o.owner = m.owner AND m.gen = o.live"
                " WHERE o.owner = %s AND o.text_version = %s", (owner, self.text_version))}

    def _write(self, owner: str, op: Callable[[Connection[TupleRow], fts_write.Generations], T]
               ) -> T:
        with self._connection() as db:
            return fts_write.run(db, owner, self.text_version, op)

    def known(self, owner: str, blobs: Sequence[str], *, rebuild: bool = False) -> set[str]:
        return self._write(owner, lambda db, gens: fts_write.known(
            db, owner, gens.target(rebuild), blobs))

    def add(self, owner: str, mailbox_id: int, upto: int, docs: Sequence[Document],
            places: Sequence[tuple[int, str]], *, rebuild: bool = False) -> None:
        self._write(owner, lambda db, gens: fts_write.add(
            db, owner, gens.target(rebuild), mailbox_id, upto, docs, places))

    def drop_places(self, owner: str, mailbox_id: int, live: Collection[int],
                    below: int | None) -> list[str]:
        return self._write(owner, lambda db, gens: fts_write.drop_places(
            db, owner, gens.live, mailbox_id, live, below))

    def forget(self, owner: str, blobs: Sequence[str], docs: Sequence[Document]) -> int:
        """The rows go with their text: PostgreSQL needs no repetition of it."""
        return self._write(owner, lambda db, gens: fts_write.forget(db, owner, gens.live, blobs))

    def start_rebuild(self, owner: str) -> None:
        self._write(owner, lambda db, gens: fts_write.start_rebuild(db, owner, gens))

    def finish_rebuild(self, owner: str) -> None:
        self._write(owner, lambda db, gens: fts_write.finish_rebuild(db, owner, gens))
        self.optimize(owner)

    def optimize(self, owner: str) -> None:
        """Move the GIN indexes' pending entries into the trees (queries read
        the pending list whole) and refresh the planner's statistics."""
        with self._connection() as db:
            fts_write.optimize(db)

    def close(self) -> None:
        with self._opening:
            if self._pool is not None:
                self._pool.close()
                self._pool = None


def _migrate(dsn: str) -> None:
    """The store's schema (the index is part of it), brought up to date as
    the store does at its first call; on a thread of its own, since the
    caller may be inside an event loop's thread."""
    async def run() -> None:
        async with await AsyncConnection.connect(dsn, autocommit=True) as conn:
            await migrate(conn)
    with ThreadPoolExecutor(1) as thread:
        thread.submit(lambda: asyncio.run(run())).result()


def _unless_broken(read: Callable[[str, int, T], R | None], owner: str, mailbox_id: int,
                   arg: T) -> R | None:
    """`read(...)`, or None (no index: SEARCH scans) when the database cannot
    be reached or the index read; logged. An index is never a reason for a
    SEARCH to fail."""
    try:
        return read(owner, mailbox_id, arg)
    except (psycopg.Error, PoolTimeout) as err:
        log.warning("search index of %s unusable (%s): searching without it", owner, err)
        return None


def _uids(rows: Iterable[TupleRow]) -> frozenset[int]:
    return frozenset(int(uid) for (uid,) in rows)
