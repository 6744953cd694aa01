"""Open the configured full-text index: `open_index(conf)`.

`search_engine: none` turns lookups off (searches scan, as before);
otherwise the index is SQLite FTS5 under `<configdirectory>/search/`, one
file per owner. Cyrus's `squat` and `xapian` values name Cyrus's engines:
an imapd.conf carried over with either gets Roost's, which answers the
same SEARCH (and exactly, which neither of those promises).
"""

from __future__ import annotations

from pathlib import Path

from roost.config import Config
from roost.search.index.extract import TEXT_VERSION
from roost.store.sqlite.fts import FtsIndex

DIRECTORY = "search"


def open_index(conf: Config) -> FtsIndex | None:
    """The index the configuration names, or None when searching scans."""
    if conf.search_engine == "none" or not conf.configdirectory:
        return None
    return FtsIndex(Path(conf.configdirectory) / DIRECTORY, TEXT_VERSION)
