"""Open the site's session registry (`open_shared_state(conf)`): in
configdirectory/sessions.db, or with `store_backend: postgres` in the
index database, so that every node shares it (roost.net.shared_state)."""

from __future__ import annotations

import socket

from roost.config import Config, ConfigError
from roost.net.shared_state import SharedState
from roost.store.postgres.shared_state import PostgresSharedState
from roost.store.sqlite.shared_state import SqliteSharedState


def open_shared_state(conf: Config) -> SharedState:
    """The registry the configuration describes (either backend is a
    `SharedState`: mypy checks both returns). The PostgreSQL one names this
    node by host name and configdirectory (what maxchild counts per node)
    and connects at its first call, so opening it never blocks."""
    if conf.store_backend == "postgres":
        if not conf.store_dsn:
            raise ConfigError("store_backend: postgres needs store_dsn")
        return PostgresSharedState(conf.store_dsn,
                                   f"{socket.gethostname()}:{conf.configdirectory}")
    return SqliteSharedState.in_directory(conf.configdirectory)
