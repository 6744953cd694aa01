"""Open the site's embedded credential store (the sasldb), where
`store_backend` says the site keeps its state: configdirectory/passwd.db
(sqlite), or the index database (postgres), which every node shares."""

from __future__ import annotations

from roost.auth.postgres_credentials import PostgresCredentialStore
from roost.auth.sqlite_credentials import SqliteCredentialStore, open_sqlite_credentials
from roost.config import Config
from roost.store.api import Store
from roost.store.open import open_postgres_store
from roost.store.postgres import PostgresStore


def open_credential_store(conf: Config, store: Store | None = None
                          ) -> SqliteCredentialStore | PostgresCredentialStore:
    """The sasldb of `conf`; with store_backend: postgres, over `store`'s
    pool when it is that PostgresStore (a worker's), else a store of its own."""
    if conf.store_backend != "postgres":
        return open_sqlite_credentials(conf)
    index = store if isinstance(store, PostgresStore) else open_postgres_store(conf)
    return PostgresCredentialStore.of_store(index, conf.sasl_scram_iterations)
