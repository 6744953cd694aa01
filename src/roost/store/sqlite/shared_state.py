"""The session registry of a SQLite site: `<configdirectory>/sessions.db`.

The `SharedState` of roost.net.shared_state for the workers of one
machine (SQLite, WAL, no fsync: it is about live connections, nothing to
keep over a crash). Why SQLite and not a shared-memory array from the
master: the counters must also hold strings (client addresses, user ids)
and times, be updated atomically by several processes (a transaction does
that, no lock protocol of our own), work the same in one process (`roost
serve`, the tests) as under the master, and survive a worker dying: rows
carry the pid of their process and rows of processes that no longer run
are dropped whenever a worker opens the file.

Liveness: a session row lives while the process whose pid it carries runs
(`os.kill(pid, 0)`), checked at open. Ended sessions: `sessions.ends`
beside the file grows by one byte at each end, so a connection learns
with one stat() per read that it must look (`EndWatch`). `last_login` of
a maildrop is lost with this file, which at worst lets one early login
through popminpoll (Cyrus keeps it in the mailbox header).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from roost.net.shared_state import LoginCounts

FILENAME = "sessions.db"
ENDS_FILENAME = "sessions.ends"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    pid INTEGER NOT NULL,
    service TEXT NOT NULL,
    host TEXT NOT NULL,
    user TEXT
);
CREATE INDEX IF NOT EXISTS sessions_by_service ON sessions (service, host, user);
CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure REAL NOT NULL,
    next_slot REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS login_failures_by_age ON login_failures (last_failure);
CREATE TABLE IF NOT EXISTS ended_sessions (id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS maildrops (
    mailbox_id INTEGER PRIMARY KEY,
    session INTEGER,
    last_login REAL NOT NULL DEFAULT 0
);
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SqliteSharedState:
    """The `SharedState` in sessions.db; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.ends_path = path.with_name(ENDS_FILENAME)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                   timeout=10.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.executescript(_SCHEMA)
        self.reap()

    def close(self) -> None:
        # Under the lock: a session's close_session still running in a thread
        # when the worker shuts down crashed the process (SIGSEGV in sqlite3)
        # as the connection closed beneath it; a call after this one raises.
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, committed unless it raised."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _write(self, sql: str, args: tuple[object, ...] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._db.execute(sql, args)

    def reap(self) -> None:
        """Drop the sessions of processes that no longer run (a worker was killed)."""
        with self._lock:
            pids = [int(row[0]) for row in
                    self._db.execute("SELECT DISTINCT pid FROM sessions").fetchall()]
            dead = [pid for pid in pids if pid != os.getpid() and not _alive(pid)]
            for pid in dead:
                self._db.execute("DELETE FROM sessions WHERE pid = ?", (pid,))
            self._db.execute("UPDATE maildrops SET session = NULL WHERE session IS NOT NULL"
                             " AND session NOT IN (SELECT id FROM sessions)")

    # -- sessions
    def open_session(self, service: str, host: str, maxchild: int) -> int | None:
        """Register a connection; None (and nothing registered) when `service`
        already has `maxchild` (> 0) open."""
        with self._transaction():
            if maxchild > 0:
                (count,) = self._db.execute(
                    "SELECT count(*) FROM sessions WHERE service = ?", (service,)).fetchone()
                if count >= maxchild:
                    return None
            cursor = self._db.execute(
                "INSERT INTO sessions (pid, service, host) VALUES (?, ?, ?)",
                (os.getpid(), service, host))
            return int(cursor.lastrowid or 0)

    def log_in(self, session: int, user: str, max_host: int, max_user: int
               ) -> LoginCounts | None:
        """Mark `session` logged in as `user` unless that makes more than
        `max_host` logged-in sessions of its service from its host or
        `max_user` for the user (0: no limit). The counts when refused."""
        with self._transaction():
            row = self._db.execute("SELECT service, host FROM sessions WHERE id = ?",
                                   (session,)).fetchone()
            if row is None:
                return None
            service, host = row
            (from_host,) = self._db.execute(
                "SELECT count(*) FROM sessions WHERE service = ? AND host = ?"
                " AND user IS NOT NULL AND id != ?", (service, host, session)).fetchone()
            (for_user,) = self._db.execute(
                "SELECT count(*) FROM sessions WHERE service = ? AND user = ? AND id != ?",
                (service, user, session)).fetchone()
            if (max_host and from_host >= max_host) or (max_user and for_user >= max_user):
                return LoginCounts(int(from_host), int(for_user))
            self._db.execute("UPDATE sessions SET user = ? WHERE id = ?", (user, session))
            return None

    def log_out(self, session: int) -> None:
        """`session` is connected but no longer logged in (IMAP UNAUTHENTICATE)."""
        self._write("UPDATE sessions SET user = NULL WHERE id = ?", (session,))

    def close_session(self, session: int) -> None:
        """Forget the connection; a maildrop it held is free again."""
        with self._transaction():
            self._db.execute("DELETE FROM sessions WHERE id = ?", (session,))
            self._db.execute("DELETE FROM ended_sessions WHERE id = ?", (session,))
            self._db.execute("UPDATE maildrops SET session = NULL WHERE session = ?", (session,))

    def end_sessions_of(self, user: str) -> int:
        """Mark every logged-in session of `user` (any service, any worker)
        ended; each says its goodbye at its next read. How many."""
        with self._transaction():
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO ended_sessions (id)"
                " SELECT id FROM sessions WHERE user = ?", (user,))
            count = cursor.rowcount
        if count > 0:
            with open(self.ends_path, "ab") as ends:
                ends.write(b".")
        return count

    def ends_generation(self) -> int:
        """Changes whenever `end_sessions_of` ended a session (a stat only)."""
        try:
            return os.stat(self.ends_path).st_size
        except FileNotFoundError:
            return 0

    def session_ended(self, session: int) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM ended_sessions WHERE id = ?",
                                   (session,)).fetchone()
        return row is not None

    # -- POP3 maildrops
    def lock_maildrop(self, session: int, mailbox_id: int) -> float | None:
        """Give `session` the maildrop's lock: its last login time (0.0: none
        known), or None while another open session holds it."""
        with self._transaction():
            row = self._db.execute(
                "SELECT m.session, m.last_login, s.id FROM maildrops m"
                " LEFT JOIN sessions s ON s.id = m.session WHERE m.mailbox_id = ?",
                (mailbox_id,)).fetchone()
            if row is not None and row[2] is not None and row[0] != session:
                return None
            self._db.execute(
                "INSERT INTO maildrops (mailbox_id, session) VALUES (?, ?)"
                " ON CONFLICT (mailbox_id) DO UPDATE SET session = excluded.session",
                (mailbox_id, session))
            return 0.0 if row is None else float(row[1])

    def unlock_maildrop(self, session: int, mailbox_id: int,
                        last_login: float | None = None) -> None:
        """Release the lock `session` holds, recording `last_login` if given."""
        with self._transaction():
            self._db.execute("UPDATE maildrops SET session = NULL WHERE mailbox_id = ?"
                             " AND session = ?", (mailbox_id, session))
            if last_login is not None:
                self._db.execute("UPDATE maildrops SET last_login = ? WHERE mailbox_id = ?",
                                 (last_login, mailbox_id))

    def open_sessions(self, service: str) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT count(*) FROM sessions WHERE service = ?",
                                        (service,)).fetchone()
        return int(count)

    # -- failed logins
    def reserve_attempt(self, keys: Mapping[str, int], now: float, spacing: float,
                        forget_after: float, longest_wait: float) -> float | None:
        with self._transaction():
            slots = []
            for key, threshold in keys.items():
                row = self._db.execute(
                    "SELECT failures, last_failure, next_slot FROM login_failures"
                    " WHERE key = ?", (key,)).fetchone()
                if row is None or now - row[1] > forget_after or row[0] < threshold:
                    continue
                slots.append((key, max(now, float(row[2]))))
            if any(slot - now > longest_wait for _, slot in slots):
                return None
            for key, slot in slots:
                self._db.execute("UPDATE login_failures SET next_slot = ? WHERE key = ?",
                                 (slot + spacing, key))
            return max((slot - now for _, slot in slots), default=0.0)

    def record_failure(self, keys: tuple[str, ...], now: float, spacing: float,
                       forget_after: float) -> None:
        """Quiet keys go first (SharedState.record_failure says why)."""
        with self._transaction():
            self._db.execute("DELETE FROM login_failures WHERE last_failure < ?"
                             " AND next_slot < ?", (now - forget_after, now))
            for key in keys:
                self._db.execute(
                    "INSERT INTO login_failures (key, failures, last_failure, next_slot)"
                    " VALUES (?, 1, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                    " failures = CASE WHEN ? - last_failure > ? THEN 1"
                    " ELSE failures + 1 END,"
                    " last_failure = excluded.last_failure,"
                    " next_slot = max(next_slot, excluded.next_slot)",
                    (key, now, now + spacing, now, forget_after))

    def forget_failures(self, key: str) -> None:
        self._write("DELETE FROM login_failures WHERE key = ?", (key,))

    def failures(self, key: str) -> tuple[int, float]:
        """(failures, next_slot) of `key`; (0, 0.0) when it has none."""
        with self._lock:
            row = self._db.execute("SELECT failures, next_slot FROM login_failures"
                                   " WHERE key = ?", (key,)).fetchone()
        return (0, 0.0) if row is None else (int(row[0]), float(row[1]))

    @classmethod
    def in_directory(cls, configdirectory: str) -> SqliteSharedState:
        """The registry of the site whose configdirectory is given."""
        return cls(Path(configdirectory) / FILENAME)
