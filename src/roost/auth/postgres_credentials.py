"""The embedded credential store (the sasldb) of a `store_backend:
postgres` site: the `credentials` table of the index database, so a
password set with `roost saslpasswd2` on any node logs in on every node.

The records are the SQLite store's (roost.auth.records: SCRAM-SHA-1 and
SCRAM-SHA-256 secrets, never the password); the table comes with the
index schema (store/postgres/schema.py).

Two paths, as the CredentialStore protocol splits its methods
(roost.auth.credentials says why):
- a login's `scram_secrets` and `check_password` are awaited on the
  worker's event loop, one statement on the store's connection pool, the
  PBKDF2 of `check_password` in a thread: a login never blocks the loop
  on a round trip;
- the record keeping (`set_password`, `delete`, `exists`, `rename`,
  `list_users`, `verify_password`) blocks, as the SQLite store's does,
  and each call is one transaction on a connection of its own in a
  private thread and loop: the tools have no loop, a RENAME calls it from
  a thread, and a call made on a running loop still works (it only waits).
  The schema is brought up to date first, so `roost saslpasswd2` works on
  a database no server has opened yet.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import psycopg
from psycopg import AsyncConnection

from roost.auth.credentials import CredentialError, NoSuchUser, record_key
from roost.auth.records import (
    KeepsSecrets,
    column_of,
    matches,
    record_values,
    secret_values,
)
from roost.auth.scram import ScramSecrets
from roost.store.postgres import PostgresStore
from roost.store.postgres.schema import migrate
from roost.store.postgres.tx import Database, Db

T = TypeVar("T")


async def _secrets(db: Db, user: str, hash_name: str) -> ScramSecrets | None:
    col = column_of(hash_name)
    row = await db.one(f"SELECT {col}_salt, {col}_iterations, {col}_stored_key, {col}_server_key"
                       ' FROM credentials WHERE "user" = %s', (user,))
    if row is None:
        return None
    return ScramSecrets(hash_name, bytes(row[0]), int(row[1]), bytes(row[2]), bytes(row[3]))


class PostgresCredentialStore(KeepsSecrets):
    """CredentialStore in the index database; see the module docstring."""

    def __init__(self, db: Database, iterations: int = 4096) -> None:
        """`db` is the mail store's pool (a worker's), used by logins only."""
        super().__init__(iterations)
        self._db = db

    @classmethod
    def of_store(cls, store: PostgresStore, iterations: int = 4096) -> PostgresCredentialStore:
        """The records in `store`'s database, logins over its pool."""
        return cls(store._db, iterations)

    async def scram_secrets(self, user: str, hash_name: str) -> ScramSecrets | None:
        column_of(hash_name)  # an unknown hash is refused before any query
        return await self._db.read(lambda db: _secrets(db, user, hash_name), snapshot=False)

    async def check_password(self, user: str, password: str, service: str) -> bool:
        secrets = await self.scram_secrets(user, "SHA-256")
        return await asyncio.to_thread(matches, secrets, password, self._iterations)

    def close(self) -> None:
        """Nothing to release: the pool is the mail store's, and the
        record keeping closes each connection it opens."""

    def _blocking(self, op: Callable[[Db], Awaitable[T]]) -> T:
        """Run `op` in one transaction on a fresh connection; CredentialError
        when the database cannot be reached."""
        async def once() -> T:
            async with await AsyncConnection.connect(self._db.dsn, autocommit=True) as conn:
                await migrate(conn)
                async with conn.transaction():
                    return await op(Db(conn))
        try:
            with ThreadPoolExecutor(1, thread_name_prefix="sasldb") as thread:
                return thread.submit(asyncio.run, once()).result()
        except psycopg.OperationalError as err:
            raise CredentialError(f"the credential database cannot be reached: {err}") from None

    def set_password(self, user: str, password: str, realm: str | None = None) -> None:
        self._write([record_key(user, realm), *record_values(password, self._iterations)])

    def set_secrets(self, user: str, secrets: list[ScramSecrets]) -> None:
        self._write([user, *secret_values(secrets)])

    def _write(self, row: list[object]) -> None:
        self._blocking(lambda db: db.run(
            'INSERT INTO credentials ("user", sha1_salt, sha1_iterations, sha1_stored_key,'
            " sha1_server_key, sha256_salt, sha256_iterations, sha256_stored_key,"
            " sha256_server_key) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
            ' ON CONFLICT ("user") DO UPDATE SET sha1_salt = excluded.sha1_salt,'
            " sha1_iterations = excluded.sha1_iterations,"
            " sha1_stored_key = excluded.sha1_stored_key,"
            " sha1_server_key = excluded.sha1_server_key, sha256_salt = excluded.sha256_salt,"
            " sha256_iterations = excluded.sha256_iterations,"
            " sha256_stored_key = excluded.sha256_stored_key,"
            " sha256_server_key = excluded.sha256_server_key,"
            " changed = extract(epoch FROM now())::BIGINT", row))

    def delete(self, user: str, realm: str | None = None) -> None:
        key = record_key(user, realm)
        if not self._blocking(lambda db: db.run('DELETE FROM credentials WHERE "user" = %s',
                                                (key,))):
            raise NoSuchUser(f"no such user: {key}")

    def rename(self, old: str, new: str) -> bool:
        async def move(db: Db) -> bool:
            if await db.one('SELECT 1 FROM credentials WHERE "user" = %s', (new,)) is None:
                moved = await db.run('UPDATE credentials SET "user" = %s,'
                                     " changed = extract(epoch FROM now())::BIGINT"
                                     ' WHERE "user" = %s', (new, old))
                return moved > 0
            await db.run('DELETE FROM credentials WHERE "user" = %s', (old,))
            return False
        return self._blocking(move)

    def exists(self, user: str) -> bool:
        return self._blocking(lambda db: db.one(
            'SELECT 1 FROM credentials WHERE "user" = %s', (user,))) is not None

    def list_users(self) -> list[str]:
        rows = self._blocking(lambda db: db.all(
            'SELECT "user" FROM credentials ORDER BY "user" COLLATE "C"'))
        return [str(row[0]) for row in rows]

    def verify_password(self, user: str, password: str) -> bool:
        secrets = self._blocking(lambda db: _secrets(db, user, "SHA-256"))
        return matches(secrets, password, self._iterations)
