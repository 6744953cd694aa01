"""The session registry: what every worker of a site shares about live
connections: open sessions, failed logins, POP3 maildrops, ended sessions.

One protocol, `SharedState`, two backends, chosen with the store
(`roost.net.open_state.open_shared_state`):
- `store_backend: sqlite`: `<configdirectory>/sessions.db`, shared by the
  workers of one machine (roost.store.sqlite.shared_state);
- `store_backend: postgres`: tables of the index database, shared by
  every worker of every node (roost.store.postgres.shared_state).
Every call is a few small statements and blocks; callers run them in a
thread (`asyncio.to_thread`) so the event loop never waits on them. None
of it is durable: it is about connections that are open now, so `roost
migrate` moves none of it.

Invariants (both backends): a session exists exactly while its
connection is open, or until its holder is found dead (the process, on
SQLite; the PostgreSQL connection of its worker, on PostgreSQL: each
backend's docstring says how it decides); `user` is set once the session
logged in. A failure record counts the failures of one key (`addr:<ip>`
or `user:<id>`) since its last quiet period, and `next_slot` is the
earliest time its next attempt may be checked. A maildrop is held by at
most one live session: the POP3 exclusive lock of RFC 1939 §8; its
`last_login` is what popminpoll measures from. A session an
administrator ended (the user was renamed: Cyrus's proc_killuser) is
marked ended and `ends_generation()` changes, so each connection learns
with one cheap check per read (no I/O to a database) that it must look
(`EndWatch`). `maxchild` counts the sessions of one node (it bounds a
machine's load, as cyrus.conf's does); `maxlogins_per_host`,
`maxlogins_per_user` and the throttle count the whole registry.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class LoginCounts:
    """Logged-in sessions of one service from a host and for a user (this one excluded)."""

    host: int
    user: int


class SharedState(Protocol):
    """The session registry of a site (see the module docstring)."""

    def close(self) -> None: ...

    # -- sessions
    def open_session(self, service: str, host: str, maxchild: int) -> int | None:
        """Register a connection; None (and nothing registered) when `service`
        already has `maxchild` (> 0) open on this node."""

    def log_in(self, session: int, user: str, max_host: int, max_user: int
               ) -> LoginCounts | None:
        """Mark `session` logged in as `user` unless that makes more than
        `max_host` logged-in sessions of its service from its host or
        `max_user` for the user (0: no limit). The counts when refused."""

    def log_out(self, session: int) -> None:
        """`session` is connected but no longer logged in (IMAP UNAUTHENTICATE)."""

    def close_session(self, session: int) -> None:
        """Forget the connection; a maildrop it held is free again."""

    def end_sessions_of(self, user: str) -> int:
        """Mark every logged-in session of `user` (any service, any worker)
        ended; each says its goodbye at its next read. How many."""

    def ends_generation(self) -> int:
        """Changes whenever some session was ended; cheap (no database I/O)."""

    def session_ended(self, session: int) -> bool: ...

    def open_sessions(self, service: str) -> int:
        """Open sessions of `service` on this node (what maxchild bounds)."""

    # -- POP3 maildrops
    def lock_maildrop(self, session: int, mailbox_id: int) -> float | None:
        """Give `session` the maildrop's lock: its last login time (0.0: none
        known), or None while another live session holds it."""

    def unlock_maildrop(self, session: int, mailbox_id: int,
                        last_login: float | None = None) -> None:
        """Release the lock `session` holds, recording `last_login` if given."""

    # -- failed logins
    def reserve_attempt(self, keys: Mapping[str, int], now: float, spacing: float,
                        forget_after: float, longest_wait: float) -> float | None:
        """When the next attempt for `keys` may be checked: seconds from `now`.

        A key with at least `keys[key]` recent failures gives each attempt
        its own slot, `spacing` seconds after the previous one, so parallel
        connections queue up instead of guessing side by side. None
        (nothing reserved) when the queue is longer than `longest_wait`.
        """

    def record_failure(self, keys: tuple[str, ...], now: float, spacing: float,
                       forget_after: float) -> None:
        """Count a failure for each key; the next attempt waits `spacing` at least.

        Keys quiet for `forget_after` go, so guessing random user names
        does not grow the table without bound.
        """

    def forget_failures(self, key: str) -> None: ...

    def failures(self, key: str) -> tuple[int, float]:
        """(failures, next_slot) of `key`; (0, 0.0) when it has none."""


class EndWatch:
    """Whether one connection's session was ended: one cheap check per call
    (`ends_generation`), and a look in the registry only after some session
    somewhere was ended."""

    def __init__(self, shared: SharedState, session: int) -> None:
        self.shared = shared
        self.session = session
        self.seen = shared.ends_generation()

    async def ended(self) -> bool:
        generation = self.shared.ends_generation()
        if generation == self.seen:
            return False
        self.seen = generation
        return await asyncio.to_thread(self.shared.session_ended, self.session)
