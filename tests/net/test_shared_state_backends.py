"""The session registry's protocol on both backends: two `SharedState`
objects over one site stand in for two workers (SQLite: one machine) or
two nodes (PostgreSQL: one schema), and what one does the other sees:
maildrop locks, login limits, throttled failures, ended sessions, and
the rows of a holder that was killed going away."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from roost.net.shared_state import EndWatch, LoginCounts, SharedState
from roost.store.postgres.shared_state import PostgresSharedState
from roost.store.sqlite.shared_state import SqliteSharedState
from tests.harness.postgres import Postgres

FORGET = 900.0
Opener = Callable[[str], SharedState]
#: Tries (0.1 s apart) for what another process or node must see.
TRIES = 100

#: Run by a child process: register a session, lock maildrop 7, die unclosed.
DIES_HOLDING = """
import os, sys
from roost.store.sqlite.shared_state import SqliteSharedState
from roost.store.postgres.shared_state import PostgresSharedState
kind, where = sys.argv[1:]
state = (SqliteSharedState.in_directory(where) if kind == "sqlite"
         else PostgresSharedState(where, "doomed"))
session = state.open_session("pop3", "192.0.2.9", 0)
assert state.log_in(session, "doomed", 0, 0) is None
assert state.lock_maildrop(session, 7) == 0.0
os._exit(9)
"""


@pytest.fixture(params=["sqlite", "postgres"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str, Opener]]:
    """(backend, where, open): `open(node)` is one more registry of the site."""
    opened: list[SharedState] = []
    if request.param == "sqlite":
        where = str(tmp_path)
        def make(node: str) -> SharedState:
            return SqliteSharedState.in_directory(where)
    else:
        postgres: Postgres = request.getfixturevalue("postgres")
        where = postgres.new_schema()
        def make(node: str) -> SharedState:
            return PostgresSharedState(where, node)

    def open_one(node: str) -> SharedState:
        opened.append(make(node))
        return opened[-1]
    yield request.param, where, open_one
    for state in opened:
        state.close()


def test_a_maildrop_held_by_one_is_refused_to_the_other(site: tuple[str, str, Opener]) -> None:
    _, _, open_one = site
    a, b = open_one("a"), open_one("b")
    on_a, on_b = a.open_session("pop3", "192.0.2.1", 0), b.open_session("pop3", "192.0.2.2", 0)
    assert on_a is not None and on_b is not None
    assert a.lock_maildrop(on_a, 7) == 0.0
    assert b.lock_maildrop(on_b, 7) is None  # RFC 1939 §8: one session at a time
    assert b.lock_maildrop(on_b, 8) == 0.0  # another maildrop is free
    a.unlock_maildrop(on_a, 7, last_login=1234.5)
    assert b.lock_maildrop(on_b, 7) == 1234.5  # popminpoll measures from there
    assert a.lock_maildrop(on_a, 7) is None
    b.close_session(on_b)  # hanging up releases it
    assert a.lock_maildrop(on_a, 7) == 1234.5


def test_failures_count_across_both(site: tuple[str, str, Opener]) -> None:
    _, _, open_one = site
    a, b = open_one("a"), open_one("b")
    a.record_failure(("addr:192.0.2.1", "user:bob"), 1000.0, 3.0, FORGET)
    b.record_failure(("addr:192.0.2.7", "user:bob"), 1001.0, 3.0, FORGET)
    assert a.failures("user:bob") == (2, 1004.0)
    assert b.failures("addr:192.0.2.1") == (1, 1003.0)
    # Attempts on either queue in one line of slots, one `spacing` apart.
    waits = [state.reserve_attempt({"user:bob": 1}, 1001.0, 3.0, FORGET, 30.0)
             for state in (a, b, a, b)]
    assert waits == [3.0, 6.0, 9.0, 12.0]
    assert b.reserve_attempt({"user:bob": 1}, 1001.0, 3.0, FORGET, 10.0) is None
    b.forget_failures("user:bob")
    assert a.failures("user:bob") == (0, 0.0)


def test_login_limits_count_both(site: tuple[str, str, Opener]) -> None:
    _, _, open_one = site
    a, b = open_one("a"), open_one("b")
    on_a, on_b = a.open_session("imap", "192.0.2.1", 0), b.open_session("imap", "192.0.2.1", 0)
    assert on_a is not None and on_b is not None
    assert a.log_in(on_a, "bob", 0, 1) is None
    assert b.log_in(on_b, "bob", 0, 1) == LoginCounts(host=1, user=1)  # maxlogins_per_user
    assert b.log_in(on_b, "bob", 2, 0) is None  # maxlogins_per_host 2 lets it in
    a.log_out(on_a)
    third = a.open_session("imap", "192.0.2.1", 0)
    assert third is not None and a.log_in(third, "carol", 1, 0) == LoginCounts(host=1, user=0)


def test_maxchild_counts_one_node(site: tuple[str, str, Opener]) -> None:
    """maxchild bounds a machine (cyrus.conf): two workers of one SQLite
    site share it, two PostgreSQL nodes have one each."""
    backend, _, open_one = site
    a, b = open_one("a"), open_one("b")
    assert a.open_session("imap", "192.0.2.1", 1) is not None
    assert a.open_session("imap", "192.0.2.1", 1) is None
    on_b = b.open_session("imap", "192.0.2.1", 1)
    assert (on_b is None) == (backend == "sqlite")
    assert a.open_sessions("imap") == 1


async def test_a_session_ended_by_one_is_seen_by_the_other(
        site: tuple[str, str, Opener]) -> None:
    _, _, open_one = site
    a, b = open_one("a"), open_one("b")
    bob, carol = a.open_session("imap", "192.0.2.1", 0), a.open_session("imap", "192.0.2.1", 0)
    assert bob is not None and carol is not None
    assert a.log_in(bob, "bob", 0, 0) is None and a.log_in(carol, "carol", 0, 0) is None
    await asyncio.sleep(0.5)  # the PostgreSQL listener is up before the end
    bobs, carols = EndWatch(a, bob), EndWatch(a, carol)
    assert not await bobs.ended()
    assert b.end_sessions_of("bob") == 1  # a RENAME of bob on the other node
    for _ in range(TRIES):
        if await bobs.ended():
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the ended session was never seen")
    assert not await carols.ended()
    assert b.end_sessions_of("bob") == 0  # ended once


def test_a_killed_holder_leaves_nothing_behind(site: tuple[str, str, Opener]) -> None:
    backend, where, open_one = site
    child = subprocess.run([sys.executable, "-c", DIES_HOLDING, backend, where], check=False)
    assert child.returncode == 9
    survivor = open_one("b")
    session = survivor.open_session("pop3", "192.0.2.1", 0)
    assert session is not None
    for _ in range(TRIES):  # its PostgreSQL backend ends a moment after it
        if survivor.lock_maildrop(session, 7) is not None:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the dead holder's maildrop lock stayed")
    assert survivor.end_sessions_of("doomed") == 0  # its logged-in session went too
