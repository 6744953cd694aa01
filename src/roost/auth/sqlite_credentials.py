"""The embedded credential store: `<configdirectory>/passwd.db` (SQLite, WAL).

One row per user holds the SCRAM-SHA-1 and SCRAM-SHA-256 secrets, each with
its own random salt; never the password. PLAIN and LOGIN derive from the
SHA-256 salt and compare StoredKey, so one record serves every mechanism.
The schema version is kept in `schema_version` and upgraded in place when
the store opens; a file written by a newer Roost is refused, not guessed at.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

from roost.auth.credentials import CredentialError, NoSuchUser, record_key
from roost.auth.records import (
    KeepsSecrets,
    column_of,
    matches,
    record_values,
    secret_values,
)
from roost.auth.scram import ScramSecrets
from roost.config import Config

FILENAME = "passwd.db"

#: MIGRATIONS[n] takes a store from schema version n to n + 1.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE schema_version (version INTEGER NOT NULL);
    INSERT INTO schema_version (version) VALUES (0);
    CREATE TABLE credentials (
        user TEXT PRIMARY KEY,
        sha1_salt BLOB NOT NULL,
        sha1_iterations INTEGER NOT NULL,
        sha1_stored_key BLOB NOT NULL,
        sha1_server_key BLOB NOT NULL,
        sha256_salt BLOB NOT NULL,
        sha256_iterations INTEGER NOT NULL,
        sha256_stored_key BLOB NOT NULL,
        sha256_server_key BLOB NOT NULL,
        changed INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))
    ) WITHOUT ROWID;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class SqliteCredentialStore(KeepsSecrets):
    """CredentialStore on one SQLite file; safe to share between threads."""

    def __init__(self, path: Path, iterations: int = 4096) -> None:
        super().__init__(iterations)
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                       timeout=10.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._upgrade()
        except sqlite3.Error as err:
            raise CredentialError(f"{path}: cannot open the credential store: {err}") from None

    async def check_password(self, user: str, password: str, service: str) -> bool:
        """`verify_password` in a thread: PBKDF2 costs milliseconds."""
        return await asyncio.to_thread(self.verify_password, user, password)

    def close(self) -> None:
        self._db.close()

    def _version(self) -> int:
        has_table = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
        ).fetchone()
        if not has_table:
            return 0
        row = self._db.execute("SELECT version FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def _upgrade(self) -> None:
        """Apply the migrations the file lacks, each in its own transaction."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                version = self._version()
                if version > SCHEMA_VERSION:
                    raise CredentialError(
                        f"{self.path}: schema version {version} is newer than this Roost "
                        f"({SCHEMA_VERSION})")
                for step in range(version, SCHEMA_VERSION):
                    for statement in MIGRATIONS[step].split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute("UPDATE schema_version SET version = ?", (step + 1,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def set_password(self, user: str, password: str, realm: str | None = None) -> None:
        self._write([record_key(user, realm), *record_values(password, self._iterations)])

    def set_secrets(self, user: str, secrets: list[ScramSecrets]) -> None:
        self._write([user, *secret_values(secrets)])

    def _write(self, row: list[object]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO credentials (user, sha1_salt, sha1_iterations,"
                " sha1_stored_key, sha1_server_key, sha256_salt, sha256_iterations,"
                " sha256_stored_key, sha256_server_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )

    def delete(self, user: str, realm: str | None = None) -> None:
        key = record_key(user, realm)
        with self._lock:
            cursor = self._db.execute("DELETE FROM credentials WHERE user = ?", (key,))
        if cursor.rowcount == 0:
            raise NoSuchUser(f"no such user: {key}")

    def rename(self, old: str, new: str) -> bool:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cursor = self._db.execute(
                    "UPDATE OR IGNORE credentials SET user = ?,"
                    " changed = strftime('%s', 'now') WHERE user = ?", (new, old))
                moved = cursor.rowcount > 0
                self._db.execute("DELETE FROM credentials WHERE user = ?", (old,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return moved

    def exists(self, user: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM credentials WHERE user = ?", (user,)).fetchone()
        return row is not None

    def list_users(self) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT user FROM credentials ORDER BY user").fetchall()
        return [str(row[0]) for row in rows]

    async def scram_secrets(self, user: str, hash_name: str) -> ScramSecrets | None:
        """A read of the local file, microseconds (WAL readers never wait):
        done on the loop, as before the protocol became async."""
        return self.secrets(user, hash_name)

    def secrets(self, user: str, hash_name: str) -> ScramSecrets | None:
        """`scram_secrets`, blocking."""
        col = column_of(hash_name)
        with self._lock:
            row = self._db.execute(
                f"SELECT {col}_salt, {col}_iterations, {col}_stored_key, {col}_server_key"
                " FROM credentials WHERE user = ?",
                (user,),
            ).fetchone()
        if row is None:
            return None
        return ScramSecrets(hash_name, bytes(row[0]), int(row[1]), bytes(row[2]), bytes(row[3]))

    def verify_password(self, user: str, password: str) -> bool:
        """Derive from the stored SHA-256 salt and compare StoredKey."""
        return matches(self.secrets(user, "SHA-256"), password, self._iterations)


def open_sqlite_credentials(conf: Config) -> SqliteCredentialStore:
    """The store of `conf`: configdirectory/passwd.db, sasl_scram_iterations."""
    if not conf.configdirectory:
        raise CredentialError("configdirectory is not set")
    return SqliteCredentialStore(Path(conf.configdirectory) / FILENAME, conf.sasl_scram_iterations)
