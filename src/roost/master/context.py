"""What every service of a worker shares: config, store, Sieve scripts,
credentials, TLS, shutdown, the state shared with the other workers, and
the one login flow."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field

from roost.auth.credentials import CredentialStore
from roost.auth.login import LoginFlow
from roost.auth.open_credentials import open_credential_store
from roost.auth.rights import Access
from roost.auth.server_names import AddressNames
from roost.config import Config
from roost.master.shutdown import Shutdown
from roost.net.open_state import open_shared_state
from roost.net.shared_state import SharedState
from roost.net.tls import server_context
from roost.search.index.api import FullTextIndex
from roost.search.index.open import open_index
from roost.store.api import Store
from roost.store.open import open_scripts, open_store
from roost.store.scripts import ScriptStore


@dataclass
class ServerContext:
    """One per worker process; services read it, never replace its parts.

    `shutdown` is the worker's stop (roost.master.shutdown): protocol
    servers count their connections with it and let it interrupt the wait
    for a client's next command.
    """

    conf: Config
    store: Store
    creds: CredentialStore
    ssl: ssl.SSLContext | None
    shutdown: Shutdown = field(default_factory=Shutdown)
    access: Access = field(init=False)
    scripts: ScriptStore = field(init=False)
    shared: SharedState = field(init=False)
    logins: LoginFlow = field(init=False)
    server_names: AddressNames = field(init=False)
    search: FullTextIndex | None = field(init=False)

    def __post_init__(self) -> None:
        self.access = Access(self.store, self.conf)  # the one rights decision over this store
        self.scripts = open_scripts(self.conf, self.store)
        self.shared = open_shared_state(self.conf)
        self.server_names = AddressNames(self.conf)  # virtdomains: on's reverse lookup
        self.logins = LoginFlow(self.conf, self.creds, self.shared, self.store,
                                self.server_names)
        self.search = open_index(self.conf)  # SEARCH's candidates (roost.search.index)


async def open_context(conf: Config) -> ServerContext:
    """Open the store and credentials a worker serves from."""
    store = open_store(conf)
    return ServerContext(conf, store, open_credential_store(conf, store), server_context(conf))
