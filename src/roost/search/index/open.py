"""Open the configured full-text index: `open_index(conf)`.

`search_engine: none` turns lookups off (searches scan, as before). With
`store_backend: postgres` the index lives in the store's database
(`roost.store.postgres.fts`: pg_trgm), so every node searches one index;
otherwise it is SQLite FTS5 under `<configdirectory>/search/`, one file
per owner. `postgres` names the first; Cyrus's `squat` and `xapian` name
Cyrus's engines: an imapd.conf carried over with either (or with
`sqlite` on a PostgreSQL site) gets the store's engine, which answers
the same SEARCH (and exactly, which neither of Cyrus's promises).
"""

from __future__ import annotations

from pathlib import Path

from roost.config import Config, ConfigError
from roost.search.index.api import FullTextIndex
from roost.search.index.extract import TEXT_VERSION
from roost.store.postgres.fts import PgFtsIndex
from roost.store.sqlite.fts import FtsIndex

DIRECTORY = "search"


def open_index(conf: Config) -> FullTextIndex | None:
    """The index the configuration names, or None when searching scans."""
    if conf.search_engine == "none" or not conf.configdirectory:
        return None
    index: FullTextIndex
    if conf.store_backend == "postgres":
        index = PgFtsIndex(conf.store_dsn, TEXT_VERSION)
    elif conf.search_engine == "postgres":
        raise ConfigError("search_engine: postgres needs store_backend: postgres")
    else:
        index = FtsIndex(Path(conf.configdirectory) / DIRECTORY, TEXT_VERSION)
    index.fuzzy_always = conf.search_fuzzy_always
    return index
