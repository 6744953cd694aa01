"""Open the configured mail store (`open_store(conf)`) and Sieve script
store (`open_scripts(conf)`): in the sievedir, or in the PostgreSQL
database with `store_backend: postgres`.

The index is `<configdirectory>/mailstore.db` (`store_backend: sqlite`) or
the PostgreSQL database of `store_dsn` (`store_backend: postgres`); bodies
live under each `partition-NAME` path, or in an S3 bucket with
`blob_store: s3` (`open_blobs`). Directories are created if missing so
that `roost serve` works on a fresh machine.
"""

from __future__ import annotations

from pathlib import Path

from roost.config import Config, ConfigError
from roost.store.api import Store
from roost.store.blobstore import BlobStore
from roost.store.maintenance import SiteStore
from roost.store.postgres import PostgresStore
from roost.store.postgres.scripts import PostgresScripts
from roost.store.s3blobs import S3Blobs
from roost.store.scripts import ScriptStore
from roost.store.sievedir import SievedirScripts
from roost.store.sqlite import SqliteStore
from roost.store.sqlite.blobs import BlobFiles

DATABASE = "mailstore.db"


def open_store(conf: Config) -> SiteStore:
    """The store the configuration describes (either backend is a `SiteStore`:
    mypy checks both returns); ConfigError if it cannot be placed."""
    if not conf.configdirectory:
        raise ConfigError("configdirectory is not set")
    if conf.defaultpartition not in conf.partitions:
        raise ConfigError(f"no partition-{conf.defaultpartition} for defaultpartition")
    configdir = Path(conf.configdirectory)
    configdir.mkdir(parents=True, exist_ok=True)
    partitions = {name: Path(path) for name, path in conf.partitions.items()}
    blobs = open_blobs(conf, partitions)
    if conf.store_backend == "postgres":
        if not conf.store_dsn:
            raise ConfigError("store_backend: postgres needs store_dsn")
        return PostgresStore(conf.store_dsn, blobs, conf.defaultpartition,
                             expunge_mode=conf.expunge_mode, delete_mode=conf.delete_mode,
                             deleted_prefix=conf.deletedprefix)
    return SqliteStore(configdir / DATABASE, partitions, conf.defaultpartition, bool(conf.fsync),
                       expunge_mode=conf.expunge_mode, delete_mode=conf.delete_mode,
                       deleted_prefix=conf.deletedprefix, blobs=blobs,
                       flag_sync_delay=conf.flag_sync_delay)


def open_blobs(conf: Config, partitions: dict[str, Path]) -> BlobStore:
    """Where bodies live (`blob_store`): files under the partitions (made if
    missing), or the S3 bucket of the s3_* options."""
    if conf.blob_store == "s3":
        return S3Blobs.from_config(conf)
    for path in partitions.values():
        path.mkdir(parents=True, exist_ok=True)
    return BlobFiles(partitions, bool(conf.fsync), conf.body_sync)


def open_scripts(conf: Config, store: Store | None = None) -> ScriptStore:
    """The configured Sieve script store: Cyrus's sievedir layout on files,
    or with store_backend: postgres the index database, over `store`'s
    pool when it is that PostgresStore (a server's), else a pool of its own."""
    if conf.store_backend == "postgres":
        return PostgresScripts.of_store(
            store if isinstance(store, PostgresStore) else open_postgres_store(conf))
    return SievedirScripts.from_config(conf)


def open_postgres_store(conf: Config) -> PostgresStore:
    """The PostgresStore of a store_backend: postgres site (for what lives
    in its database beside the index: scripts, passwords)."""
    store = open_store(conf)
    if not isinstance(store, PostgresStore):
        raise ConfigError("store_backend is not postgres")
    return store
