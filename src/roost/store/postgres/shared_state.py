"""The session registry of a `store_backend: postgres` site, site-wide:
the `SharedState` of roost.net.shared_state in UNLOGGED tables of the
index database (`live_*`, schema v5), so every worker of every node sees
one set of sessions, failed logins and POP3 maildrop locks.

Liveness rule: each registry (one per worker process) holds one
connection of its own and registers it as a `live_holders` row, keyed by
that connection's PostgreSQL backend pid and start time; its sessions
belong to the holder (ON DELETE CASCADE) and a maildrop lock to a session
(ON DELETE SET NULL). A holder is alive while `pg_stat_activity` shows a
backend with its pid and start time (the start time tells a reused pid
apart; a role that may not see another role's start time falls back to
the pid). When a node dies (SIGKILL, a crash), its kernel closes its
connections, the backends end, and the next registry call that needs the
answer (opening, counting sessions, a maildrop lock) drops the dead
holder's rows in its own transaction: another node gets the maildrop at
its next attempt. A machine that vanishes without closing its sockets is
noticed when PostgreSQL's TCP keepalives give up on its backends
(`tcp_keepalives_idle` and friends bound that; docs/scaling.md). A
registry whose own connection broke reconnects and takes its holder row
back if nobody reaped it yet (else its sessions are gone and count as
closed).

Ended sessions: `end_sessions_of` marks them and sends NOTIFY on
`roost_session_ends`; one listening connection per registry, in a thread
of its own, bumps a counter, so a connection's per-read check
(`ends_generation`) reads an int. A dropped listener reconnects and bumps
the counter once, so nothing ended meanwhile is missed.

Every call is one transaction on the registry's connection, under a
thread lock, retried on deadlock or serialization failure; callers run
it in a thread. Tables are UNLOGGED: live state, lost with a crash of
PostgreSQL itself and not replicated (after a failover every node
re-registers), never moved by `roost migrate`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import psycopg
from psycopg import AsyncConnection, errors

from roost.net.shared_state import LoginCounts
from roost.store.postgres.schema import migrate
from roost.store.postgres.tx import RETRIES, RETRYABLE

log = logging.getLogger(__name__)
T = TypeVar("T")
Conn = psycopg.Connection[tuple[Any, ...]]
ENDS_CHANNEL = "roost_session_ends"
LISTEN_POLL = 1.0
"""Seconds the listener waits before it looks whether it should stop."""
LISTEN_RETRY = 1.0
"""Seconds between attempts to listen again after the connection failed."""

_REAP = """
    DELETE FROM live_holders h WHERE NOT EXISTS (
        SELECT 1 FROM pg_stat_activity a WHERE a.pid = h.backend_pid
        AND (a.backend_start = h.backend_start OR a.backend_start IS NULL))
"""


def _ensure_schema(dsn: str) -> None:
    """Bring the schema up to date (in a private loop, as the tools' calls do)."""
    async def once() -> None:
        async with await AsyncConnection.connect(dsn, autocommit=True) as conn:
            await migrate(conn)
    with ThreadPoolExecutor(1, thread_name_prefix="sessions-schema") as thread:
        thread.submit(asyncio.run, once()).result()


def _lock(conn: Conn, key: str) -> None:
    """A transaction-level advisory lock: counting and inserting are one step."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))


def _count(conn: Conn, sql: str, args: tuple[object, ...]) -> int:
    row = conn.execute(sql.encode(), args).fetchone()
    return int(row[0]) if row else 0


class PostgresSharedState:
    """The site-wide `SharedState` (see the module docstring); thread-safe."""

    def __init__(self, dsn: str, node: str) -> None:
        """`node` names this node (what `maxchild` counts). Nothing connects
        before the first call."""
        self.dsn = dsn
        self.node = node
        self._lock = threading.Lock()
        self._conn: Conn | None = None
        self._holder: int | None = None
        self._migrated = False
        self._ends = itertools.count(1)
        self._generation = 0
        self._closing = threading.Event()
        self._listener: threading.Thread | None = None

    # -- the connection and its holder row
    def _connected(self) -> Conn:
        if self._conn is not None and not self._conn.closed:
            return self._conn
        if not self._migrated:
            _ensure_schema(self.dsn)
            self._migrated = True
        conn: Conn = psycopg.connect(self.dsn, autocommit=True)
        with conn.transaction():
            me = conn.execute("SELECT pid, backend_start FROM pg_stat_activity"
                              " WHERE pid = pg_backend_pid()").fetchone()
            assert me is not None  # a backend always sees itself
            taken = self._holder is not None and conn.execute(
                "UPDATE live_holders SET backend_pid = %s, backend_start = %s WHERE id = %s",
                (me[0], me[1], self._holder)).rowcount > 0
            if not taken:
                row = conn.execute(
                    "INSERT INTO live_holders (node, backend_pid, backend_start)"
                    " VALUES (%s, %s, %s) RETURNING id", (self.node, me[0], me[1])).fetchone()
                assert row is not None
                self._holder = int(row[0])
            conn.execute(_REAP)
        self._conn = conn
        if self._listener is None:
            self._listener = threading.Thread(target=self._listen, daemon=True,
                                              name="roost-session-ends")
            self._listener.start()
        return conn

    def _run(self, op: Callable[[Conn], T]) -> T:
        """`op` in one transaction; retried on deadlock or serialization
        failure, and once on a new connection if this one broke."""
        with self._lock:
            reconnected = False
            for attempt in range(RETRIES):
                conn = self._connected()
                try:
                    with conn.transaction():
                        return op(conn)
                except RETRYABLE:
                    if attempt == RETRIES - 1:
                        raise
                    time.sleep(0.0025 * (attempt + 1))
                except psycopg.OperationalError:
                    if reconnected or not conn.closed:
                        raise
                    reconnected = True
            raise AssertionError("unreachable")  # the last attempt returns or raises

    def close(self) -> None:
        """Drop this registry's holder (and so its sessions) and disconnect."""
        self._closing.set()
        with self._lock:
            if self._conn is not None and not self._conn.closed:
                try:
                    self._conn.execute("DELETE FROM live_holders WHERE id = %s", (self._holder,))
                except psycopg.Error as err:  # its rows go with its backend anyway
                    log.warning("could not drop the session holder: %s", err)
                self._conn.close()
        # The listener sees `_closing` within LISTEN_POLL and disconnects.

    # -- ended sessions
    def _bump(self) -> None:
        self._generation = next(self._ends)

    def _listen(self) -> None:
        while not self._closing.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {ENDS_CHANNEL}".encode())
                    self._bump()  # ends sent before LISTEN took effect: look once
                    while not self._closing.is_set():
                        for _ in conn.notifies(timeout=LISTEN_POLL):
                            self._bump()
            except psycopg.Error as err:
                log.warning("listening for ended sessions failed: %s", err)
                self._closing.wait(LISTEN_RETRY)

    def ends_generation(self) -> int:
        return self._generation

    def end_sessions_of(self, user: str) -> int:
        def op(conn: Conn) -> int:
            count = conn.execute('UPDATE live_sessions SET ended = true WHERE "user" = %s'
                                 " AND NOT ended", (user,)).rowcount
            if count > 0:
                conn.execute("SELECT pg_notify(%s, '')", (ENDS_CHANNEL,))
            return count
        count = self._run(op)
        if count > 0:
            self._bump()  # this node's own sessions need not wait for the NOTIFY
        return count

    def session_ended(self, session: int) -> bool:
        row = self._run(lambda conn: conn.execute(
            "SELECT ended FROM live_sessions WHERE id = %s", (session,)).fetchone())
        return row is not None and bool(row[0])

    # -- sessions
    def open_session(self, service: str, host: str, maxchild: int) -> int | None:
        def op(conn: Conn) -> int | None:
            if maxchild > 0:
                _lock(conn, f"roost-sessions/{self.node}/{service}")
                conn.execute(_REAP)
                if self._node_sessions(conn, service) >= maxchild:
                    return None
            row = conn.execute("INSERT INTO live_sessions (holder, service, host)"
                               " VALUES (%s, %s, %s) RETURNING id",
                               (self._holder, service, host)).fetchone()
            return None if row is None else int(row[0])
        return self._run(op)

    def _node_sessions(self, conn: Conn, service: str) -> int:
        return _count(conn, "SELECT count(*) FROM live_sessions s JOIN live_holders h"
                      " ON h.id = s.holder WHERE h.node = %s AND s.service = %s",
                      (self.node, service))

    def open_sessions(self, service: str) -> int:
        return self._run(lambda conn: self._node_sessions(conn, service))

    def log_in(self, session: int, user: str, max_host: int, max_user: int
               ) -> LoginCounts | None:
        def op(conn: Conn) -> LoginCounts | None:
            row = conn.execute("SELECT service, host FROM live_sessions WHERE id = %s",
                               (session,)).fetchone()
            if row is None:
                return None
            service, host = row
            if max_host or max_user:
                _lock(conn, f"roost-logins/{service}")
                conn.execute(_REAP)
                from_host = _count(conn, "SELECT count(*) FROM live_sessions WHERE service = %s"
                                   ' AND host = %s AND "user" IS NOT NULL AND id <> %s',
                                   (service, host, session))
                for_user = _count(conn, "SELECT count(*) FROM live_sessions WHERE service = %s"
                                  ' AND "user" = %s AND id <> %s', (service, user, session))
                if (max_host and from_host >= max_host) or (max_user and for_user >= max_user):
                    return LoginCounts(from_host, for_user)
            conn.execute('UPDATE live_sessions SET "user" = %s WHERE id = %s', (user, session))
            return None
        return self._run(op)

    def log_out(self, session: int) -> None:
        self._run(lambda conn: conn.execute(
            'UPDATE live_sessions SET "user" = NULL WHERE id = %s', (session,)))

    def close_session(self, session: int) -> None:
        """Its maildrop lock goes with it (ON DELETE SET NULL)."""
        self._run(lambda conn: conn.execute("DELETE FROM live_sessions WHERE id = %s",
                                            (session,)))

    # -- POP3 maildrops
    def lock_maildrop(self, session: int, mailbox_id: int) -> float | None:
        def op(conn: Conn) -> float | None:
            conn.execute(_REAP)  # a dead node's lock is free now
            conn.execute("INSERT INTO live_maildrops (mailbox_id) VALUES (%s)"
                         " ON CONFLICT (mailbox_id) DO NOTHING", (mailbox_id,))
            row = conn.execute("SELECT session, last_login FROM live_maildrops"
                               " WHERE mailbox_id = %s FOR UPDATE", (mailbox_id,)).fetchone()
            assert row is not None  # inserted above, and only unlocks change it
            if row[0] is not None and row[0] != session:
                return None
            conn.execute("UPDATE live_maildrops SET session = %s WHERE mailbox_id = %s",
                         (session, mailbox_id))
            return float(row[1])
        try:
            return self._run(op)
        except errors.ForeignKeyViolation:  # this session was reaped: it holds nothing
            return None

    def unlock_maildrop(self, session: int, mailbox_id: int,
                        last_login: float | None = None) -> None:
        def op(conn: Conn) -> None:
            conn.execute("UPDATE live_maildrops SET session = NULL WHERE mailbox_id = %s"
                         " AND session = %s", (mailbox_id, session))
            if last_login is not None:
                conn.execute("UPDATE live_maildrops SET last_login = %s WHERE mailbox_id = %s",
                             (last_login, mailbox_id))
        self._run(op)

    # -- failed logins
    def reserve_attempt(self, keys: Mapping[str, int], now: float, spacing: float,
                        forget_after: float, longest_wait: float) -> float | None:
        def op(conn: Conn) -> float | None:
            slots = []
            for key in sorted(keys):  # one lock order for every node
                row = conn.execute("SELECT failures, last_failure, next_slot"
                                   " FROM live_login_failures WHERE key = %s FOR UPDATE",
                                   (key,)).fetchone()
                if row is None or now - row[1] > forget_after or row[0] < keys[key]:
                    continue
                slots.append((key, max(now, float(row[2]))))
            if any(slot - now > longest_wait for _, slot in slots):
                return None
            for key, slot in slots:
                conn.execute("UPDATE live_login_failures SET next_slot = %s WHERE key = %s",
                             (slot + spacing, key))
            return max((slot - now for _, slot in slots), default=0.0)
        return self._run(op)

    def record_failure(self, keys: tuple[str, ...], now: float, spacing: float,
                       forget_after: float) -> None:
        def op(conn: Conn) -> None:
            conn.execute("DELETE FROM live_login_failures WHERE last_failure < %s"
                         " AND next_slot < %s", (now - forget_after, now))
            for key in sorted(keys):
                conn.execute(
                    "INSERT INTO live_login_failures AS f (key, failures, last_failure,"
                    " next_slot) VALUES (%s, 1, %s, %s) ON CONFLICT (key) DO UPDATE SET"
                    " failures = CASE WHEN %s - f.last_failure > %s THEN 1"
                    " ELSE f.failures + 1 END, last_failure = excluded.last_failure,"
                    " next_slot = greatest(f.next_slot, excluded.next_slot)",
                    (key, now, now + spacing, now, forget_after))
        self._run(op)

    def forget_failures(self, key: str) -> None:
        self._run(lambda conn: conn.execute("DELETE FROM live_login_failures WHERE key = %s",
                                            (key,)))

    def failures(self, key: str) -> tuple[int, float]:
        row = self._run(lambda conn: conn.execute(
            "SELECT failures, next_slot FROM live_login_failures WHERE key = %s",
            (key,)).fetchone())
        return (0, 0.0) if row is None else (int(row[0]), float(row[1]))
