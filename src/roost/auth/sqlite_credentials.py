"""The embedded credential store: `<configdirectory>/passwd.db` (SQLite, WAL).

One row per user holds the SCRAM-SHA-1 and SCRAM-SHA-256 secrets, each with
its own random salt; never the password. PLAIN and LOGIN derive from the
SHA-256 salt and compare StoredKey, so one record serves every mechanism.
The schema version is kept in `schema_version` and upgraded in place when
the store opens; a file written by a newer Roost is refused, not guessed at.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from pathlib import Path

from roost.auth.credentials import BadPassword, CredentialError, NoSuchUser, record_key
from roost.auth.saslprep import SaslprepError, saslprep
from roost.auth.scram import HASHES, SALT_BYTES, ScramSecrets, derive_secrets, password_matches
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

_COLUMNS = {"SHA-1": "sha1", "SHA-256": "sha256"}


class SqliteCredentialStore:
    """CredentialStore on one SQLite file; safe to share between threads."""

    def __init__(self, path: Path, iterations: int = 4096) -> None:
        if iterations < 1:
            raise CredentialError("sasl_scram_iterations must be positive")
        self.path = path
        self._iterations = iterations
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                       timeout=10.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._upgrade()
        except sqlite3.Error as err:
            raise CredentialError(f"{path}: cannot open the credential store: {err}") from None

    @property
    def iterations(self) -> int:
        return self._iterations

    @property
    def has_secrets(self) -> bool:
        return True

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
        key = record_key(user, realm)
        try:
            prepared = saslprep(password)
        except SaslprepError as err:
            raise BadPassword(f"password not allowed: {err}") from None
        if not prepared:
            # RFC 4013 §2.1 maps soft hyphens and the like to nothing: a
            # password of only those is empty, which verify refuses.
            raise BadPassword("empty password")
        row: list[object] = [key]
        for hash_name in _COLUMNS:
            secrets = derive_secrets(hash_name, prepared, os.urandom(SALT_BYTES), self._iterations)
            row += [secrets.salt, secrets.iterations, secrets.stored_key, secrets.server_key]
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

    def scram_secrets(self, user: str, hash_name: str) -> ScramSecrets | None:
        if hash_name not in HASHES:
            raise ValueError(f"unknown SCRAM hash {hash_name!r}")
        col = _COLUMNS[hash_name]
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
        """Derive from the stored SHA-256 salt and compare StoredKey.

        The password is prepared as a query string (RFC 4013 §2.5 via
        RFC 3454 §7): an unassigned code point cannot match but is no error.
        """
        try:
            prepared = saslprep(password, allow_unassigned=True)
        except SaslprepError:
            return False
        secrets = self.scram_secrets(user, "SHA-256")
        if secrets is None:
            # Same work as for a real user, so timing does not tell who exists.
            password_matches(_decoy(self._iterations), prepared)
            return False
        return bool(prepared) and password_matches(secrets, prepared)


def _decoy(iterations: int) -> ScramSecrets:
    return ScramSecrets("SHA-256", bytes(SALT_BYTES), iterations, bytes(32), bytes(32))


def open_credential_store(conf: Config) -> SqliteCredentialStore:
    """The store of `conf`: configdirectory/passwd.db, sasl_scram_iterations."""
    if not conf.configdirectory:
        raise CredentialError("configdirectory is not set")
    return SqliteCredentialStore(Path(conf.configdirectory) / FILENAME, conf.sasl_scram_iterations)
