"""The part of `roost migrate` beyond the index: every owner's Sieve
scripts (the global ones too) and every password record, which a SQLite
site keeps in the sievedir and configdirectory/passwd.db and a
PostgreSQL site in the index database.

They move through the store protocols (`ScriptStore`, `CredentialStore`),
not as rows, so each backend keeps its own layout. Invariants:
- a password record moves as its SCRAM secrets (salt, iterations,
  StoredKey, ServerKey for SHA-1 and SHA-256), copied as they are
  (`set_secrets`): no plaintext exists to move, and none is made;
- a script moves with its source, its compiled form (or none: then it is
  compiled at its first use) and whether it is its owner's active one;
- they load after the index's transaction commits (a sievedir and a
  sasldb file cannot join a database transaction), into a target that
  held none (`occupied` says what it holds), and `Accounts.digest` of
  the target must equal the source's afterwards.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path

from roost.auth.postgres_credentials import PostgresCredentialStore
from roost.auth.records import COLUMNS
from roost.auth.scram import ScramSecrets
from roost.auth.sqlite_credentials import FILENAME, SqliteCredentialStore, open_sqlite_credentials
from roost.config import Config
from roost.store.postgres.scripts import PostgresScripts
from roost.store.postgres.siterows import BESIDE_THE_INDEX
from roost.store.postgres.tx import Database
from roost.store.scripts import ScriptStore
from roost.store.sievedir import SievedirScripts
from roost.store.sqlite.blobs import BlobFiles

SCRIPTS, PASSWORDS = BESIDE_THE_INDEX  # the labels of the counts, as the loader's


@dataclass(frozen=True, slots=True)
class Script:
    owner: str | None
    name: str
    source: bytes
    compiled: bytes | None
    active: bool


@dataclass(frozen=True, slots=True)
class Password:
    key: str
    secrets: list[ScramSecrets]


@dataclass(frozen=True, slots=True)
class Accounts:
    """What one backend holds beside the index, read whole (a site has
    few enough scripts and passwords for memory)."""

    scripts: list[Script]
    passwords: list[Password]

    def counts(self) -> dict[str, int]:
        return {SCRIPTS: len(self.scripts), PASSWORDS: len(self.passwords)}

    def digest(self) -> str:
        """Over every script (owner, name, source, active) and record
        (key, secrets), in order; the compiled forms are caches, left out."""
        h = hashlib.sha256()
        for s in self.scripts:
            h.update(repr((s.owner or "", s.name, s.source, s.active)).encode())
        for p in self.passwords:
            h.update(repr((p.key, [(x.hash_name, x.salt, x.iterations, x.stored_key,
                                    x.server_key) for x in p.secrets])).encode())
        return h.hexdigest()


class Side:
    """The script and credential stores of one backend of a site."""

    def __init__(self, conf: Config, backend: str, dsn: str) -> None:
        self.credentials: SqliteCredentialStore | PostgresCredentialStore
        self.scripts: ScriptStore
        self._db: Database | None = None
        if backend == "postgres":
            self._db = Database(dsn, BlobFiles({}, False))  # scripts and passwords: no bodies
            self.scripts = PostgresScripts(self._db)
            self.credentials = PostgresCredentialStore(self._db, conf.sasl_scram_iterations)
        else:
            self.scripts = SievedirScripts.from_config(conf)
            self.credentials = open_sqlite_credentials(conf)

    async def read(self) -> Accounts:
        scripts = []
        for owner in await self.scripts.owners():
            for info in await self.scripts.list_scripts(owner):
                scripts.append(Script(owner, info.name,
                                      await self.scripts.get_script(owner, info.name),
                                      await self.scripts.get_compiled(owner, info.name),
                                      info.active))
        passwords = []
        for key in await asyncio.to_thread(self.credentials.list_users):
            secrets = [await self.credentials.scram_secrets(key, hash_name)
                       for hash_name in COLUMNS]
            passwords.append(Password(key, [s for s in secrets if s is not None]))
        return Accounts(scripts, passwords)

    async def load(self, accounts: Accounts) -> None:
        for s in accounts.scripts:
            await self.scripts.put_script(s.owner, s.name, s.source, s.compiled or b"")
            if s.active and s.owner is not None:
                await self.scripts.set_active(s.owner, s.name)
        for p in accounts.passwords:
            await asyncio.to_thread(self.credentials.set_secrets, p.key, p.secrets)

    async def close(self) -> None:
        self.credentials.close()
        if self._db is not None:
            await self._db.close()


async def occupied_files(conf: Config) -> dict[str, int]:
    """The scripts and passwords a SQLite site's files hold (a PostgreSQL
    target's are counted with its index, `PostgresSiteLoader.occupied`);
    nothing is created to find out (no passwd.db is made by a dry run)."""
    found = {}
    scripts = SievedirScripts.from_config(conf)
    count = sum([len(await scripts.list_scripts(owner)) for owner in await scripts.owners()])
    if count:
        found[SCRIPTS] = count
    path = Path(conf.configdirectory) / FILENAME
    if path.exists():
        store = SqliteCredentialStore(path)
        try:
            if users := len(store.list_users()):
                found[PASSWORDS] = users
        finally:
            store.close()
    return found
