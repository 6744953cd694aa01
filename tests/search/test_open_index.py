"""`open_index(conf)`: the index follows the store (`store_backend`), and
`search_engine` says only whether there is one."""

from __future__ import annotations

from pathlib import Path

import pytest

from roost.config import ConfigError, parse_config
from roost.search.index.open import open_index
from roost.store.postgres.fts import PgFtsIndex
from roost.store.sqlite.fts import FtsIndex

DSN = "host=/run/postgresql dbname=roost"


def index_of(tmp_path: Path, extra: str) -> object:
    text = f"configdirectory: {tmp_path}\npartition-default: {tmp_path / 'spool'}\n{extra}"
    return open_index(parse_config(text, tmp_path / "imapd.conf"))


@pytest.mark.parametrize(("extra", "kind"), [
    ("", FtsIndex), ("search_engine: xapian\n", FtsIndex), ("search_engine: none\n", type(None)),
    (f"store_backend: postgres\nstore_dsn: {DSN}\n", PgFtsIndex),
    (f"store_backend: postgres\nstore_dsn: {DSN}\nsearch_engine: postgres\n", PgFtsIndex),
    (f"store_backend: postgres\nstore_dsn: {DSN}\nsearch_engine: squat\n", PgFtsIndex),
    (f"store_backend: postgres\nstore_dsn: {DSN}\nsearch_engine: none\n", type(None)),
])
def test_the_index_follows_the_store(tmp_path: Path, extra: str, kind: type) -> None:
    assert type(index_of(tmp_path, extra)) is kind


def test_postgres_engine_on_a_sqlite_store_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="store_backend: postgres"):
        index_of(tmp_path, "search_engine: postgres\n")
