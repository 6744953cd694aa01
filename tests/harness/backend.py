"""Which store backend this pytest run puts its test sites on.

`pytest --store-backend=postgres` (`make test` runs the protocol suites so
once more, after the whole suite on SQLite) gives every site the harness
builds `store_backend: postgres` and a DSN of its own fresh schema on the
run's throwaway cluster (tests/harness/postgres.py); the default run keeps
the embedded SQLite. Every place that writes a test imapd.conf asks
`store_options(configdirectory)` for those lines, so a test reads the
same on both backends.

The schema is keyed by configdirectory, as SQLite's mailstore.db is: two
configurations of one site share one index, two sites have two. The
conftest sets the cluster for a PostgreSQL run and forgets the schemas
after each test, dropping them (`use_postgres`, `forget_schemas`).

The marker `sqlite_only(why)` (registered in tests/conftest.py) marks a
test about SQLite itself (mailstore.db on disk, WAL, its repair): a
PostgreSQL run skips it with `why`.
"""

from __future__ import annotations

from pathlib import Path

from tests.harness.postgres import Postgres

OPTION = "--store-backend"
BACKENDS = ("sqlite", "postgres")

_chosen = "sqlite"
_cluster: Postgres | None = None
_schemas: dict[str, str] = {}


def choose(backend: str) -> None:
    """The run's backend, known before test modules are imported (conftest)."""
    global _chosen
    _chosen = backend


def examples(count: int) -> int:
    """How many examples a property test whose every example builds a site
    runs: `count` on SQLite, a fifth on PostgreSQL, where each such site
    creates and migrates a schema (the SQLite run covers the full count)."""
    return count if _chosen == "sqlite" else max(10, count // 5)


def use_postgres(cluster: Postgres | None) -> None:
    """Put the sites of the following tests on `cluster` (None: SQLite)."""
    global _cluster
    _cluster = cluster


def forget_schemas() -> None:
    """After a test: its schemas go (tests/harness/postgres.py drop_schemas)."""
    if _cluster is not None and _schemas:
        _cluster.drop_schemas(_schemas.values())
    _schemas.clear()


def on_postgres() -> bool:
    return _cluster is not None


def store_options(configdirectory: Path) -> str:
    """The imapd.conf lines that choose this run's backend for the site whose
    configdirectory is `configdirectory`: nothing on SQLite (the default)."""
    if _cluster is None:
        return ""
    key = str(configdirectory)
    if key not in _schemas:
        _schemas[key] = _cluster.new_schema()
    return f"store_backend: postgres\nstore_dsn: {_schemas[key]}\n"
