"""What every service of a worker shares: config, store, credentials, TLS."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field

from roost.auth.credentials import CredentialStore
from roost.auth.rights import Access
from roost.auth.sqlite_credentials import open_credential_store
from roost.config import Config
from roost.net.tls import server_context
from roost.store.api import Store
from roost.store.open import open_store


@dataclass
class ServerContext:
    """One per worker process; services read it, never replace its parts."""

    conf: Config
    store: Store
    creds: CredentialStore
    ssl: ssl.SSLContext | None
    access: Access = field(init=False)

    def __post_init__(self) -> None:
        self.access = Access(self.store)  # the one rights decision over this store


async def open_context(conf: Config) -> ServerContext:
    """Open the store and credentials a worker serves from."""
    store = open_store(conf)
    return ServerContext(conf, store, open_credential_store(conf), server_context(conf))
