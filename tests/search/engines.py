"""Both full-text engines for the index tests: SQLite FTS5 (a directory of
files per index) and PostgreSQL pg_trgm (the tables of a fresh schema of
the session's throwaway cluster). `Engine.new()` gives an empty index,
`Engine.again(index, version)` another handle on the same one (as another
process, or a Roost of another text version, would open it)."""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

from roost.search.index.api import FullTextIndex
from roost.search.index.extract import TEXT_VERSION
from roost.store.postgres.fts import PgFtsIndex
from roost.store.sqlite.fts import FtsIndex

ENGINES = ("sqlite", "postgres")
TABLES = "fts_owners, fts_docs, fts_places, fts_marks"


@dataclass(frozen=True)
class Engine:
    """Makes empty indexes of one engine."""

    name: str
    root: Path
    dsn: str = ""

    def new(self, version: int = TEXT_VERSION) -> FullTextIndex:
        """An empty index (a new directory; or the schema's tables emptied)."""
        if self.name == "sqlite":
            return FtsIndex(Path(tempfile.mkdtemp(dir=self.root)), version)
        index = PgFtsIndex(self.dsn, version)
        index.owners()  # creates the tables (the store's schema) on a new schema
        with psycopg.connect(self.dsn, autocommit=True) as db:
            db.execute(f"TRUNCATE {TABLES}")
        return index

    def again(self, index: FullTextIndex, version: int = TEXT_VERSION) -> FullTextIndex:
        if isinstance(index, FtsIndex):
            return FtsIndex(index.root, version)
        return PgFtsIndex(self.dsn, version)

    def rows(self, index: FullTextIndex, table: str) -> int:
        """Rows of the owner "bob" in one of the index's tables (docs, places)."""
        if isinstance(index, FtsIndex):
            db = sqlite3.connect(index.path("bob"))
            try:
                return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            finally:
                db.close()
        query = {"docs": "SELECT count(*) FROM fts_docs d JOIN fts_owners o"
                         " ON o.owner = d.owner AND o.live = d.gen WHERE o.owner = 'bob'",
                 "places": "SELECT count(*) FROM fts_places p JOIN fts_docs d USING (docid)"
                           " JOIN fts_owners o ON o.owner = d.owner AND o.live = d.gen"
                           " WHERE o.owner = 'bob'"}[table]
        return self._count(query)

    def holding(self, index: FullTextIndex, word: str) -> int:
        """Documents of "bob" whose body text holds `word`, placed or not."""
        if isinstance(index, FtsIndex):
            db = sqlite3.connect(index.path("bob"))
            try:
                return len(db.execute("SELECT rowid FROM text WHERE text MATCH ?",
                                      (f'"{word}"',)).fetchall())
            finally:
                db.close()
        return self._count("SELECT count(*) FROM fts_docs WHERE owner = 'bob'"
                           f" AND body LIKE '%{word}%'")

    def _count(self, query: str) -> int:
        with psycopg.connect(self.dsn) as db:
            row = db.execute(query.encode()).fetchone()
        assert row is not None
        return int(row[0])
