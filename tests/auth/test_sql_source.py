"""The sql auxprop (sasl_auxprop_plugin: sql): Cyrus SASL's sasl_sql_select
expansion, and IMAP logins against a real SQLite file and a real
PostgreSQL cluster of users (tests/harness/pgcluster.py)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.harness.imap import RunningImap, connect, running_imap
from tests.harness.pgcluster import Cluster, running_cluster
from tests.harness.site import make_site

from roost.auth.sources import sql_source
from roost.auth.sql_credentials import SqlConfigError, SqlSource, compile_select
from roost.config import ConfigError, parse_config

SELECT = "SELECT %p FROM users WHERE username = '%u' AND realm = '%r'"
ROWS = [("erin", "example.org", "erins-pw"), ("frank", "roost.test", "it's 100%"),
        ("gina", "example.org", None)]


@pytest.mark.parametrize(("template", "placeholder", "text", "order"), [
    (SELECT, "?", "SELECT userPassword FROM users WHERE username = ? AND realm = ?",
     ("u", "r")),
    ("SELECT pw FROM t WHERE email = '%u@%r'", "?",
     "SELECT pw FROM t WHERE email = (? || '@' || ?)", ("u", "r")),
    ("SELECT pw FROM t WHERE u = '%u' AND note LIKE '50%'", "%s",
     "SELECT pw FROM t WHERE u = %s AND note LIKE '50%%'", ("u",)),
    ("SELECT pw FROM t WHERE u = 'it''s %u'", "?",
     "SELECT pw FROM t WHERE u = ('it''s ' || ?)", ("u",)),
    ("SELECT password FROM auth WHERE username = '%u'", "?",
     "SELECT password FROM auth WHERE username = ?", ("u",)),
])
def test_compile_select(template: str, placeholder: str, text: str,
                        order: tuple[str, ...]) -> None:
    statement = compile_select(template, placeholder)
    assert (statement.text, statement.order) == (text, order)


@pytest.mark.parametrize("template", ["", "SELECT pw FROM t WHERE u = %u",
                                      "SELECT pw FROM t WHERE u = '%u"])
def test_compile_select_refuses(template: str) -> None:
    with pytest.raises(SqlConfigError):
        compile_select(template, "?")


def test_unsupported_engine_is_a_config_error() -> None:
    conf = parse_config(f"sasl_auxprop_plugin: sql\nsasl_sql_select: {SELECT}\n")
    with pytest.raises(ConfigError, match="mysql is not supported"):
        sql_source(conf)


def _sqlite_users(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE users (username TEXT, realm TEXT, userPassword TEXT)")
        db.executemany("INSERT INTO users VALUES (?, ?, ?)", ROWS)
    db.close()
    return path


def _sqlite_source(path: Path, template: str = SELECT) -> SqlSource:
    return SqlSource("sqlite3", compile_select(template, "?"), str(path),
                     default_realm="roost.test")


async def test_sqlite_source_checks_rows(tmp_path: Path) -> None:
    source = _sqlite_source(_sqlite_users(tmp_path / "users.db"))
    assert await source.check_password("erin@example.org", "erins-pw", "imap")
    assert not await source.check_password("erin@example.org", "erins-p", "imap")
    assert not await source.check_password("erin", "erins-pw", "imap")  # realm roost.test
    assert await source.check_password("frank", "it's 100%", "imap")
    assert not await source.check_password("gina@example.org", "", "imap")  # NULL
    assert not await source.check_password("nobody", "x", "imap")


async def test_missing_database_is_a_failure(tmp_path: Path) -> None:
    assert not await _sqlite_source(tmp_path / "absent.db").check_password("a", "b", "imap")
    assert not (tmp_path / "absent.db").exists()  # opened read-only, never created


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=30).filter(lambda s: "\0" not in s))
def test_no_user_name_is_sql(tmp_path_factory: pytest.TempPathFactory, name: str) -> None:
    """Whatever the name (`' OR '1'='1` included), it is a value, never SQL."""
    path = tmp_path_factory.getbasetemp() / "inject.db"
    if not path.exists():
        _sqlite_users(path)
    source = _sqlite_source(path, "SELECT userPassword FROM users WHERE username = '%u'")
    expected = name.partition("@")[0] == "erin"  # the realm is not in this SELECT
    assert asyncio.run(source.check_password(name, "erins-pw", "imap")) is expected


@pytest.fixture
async def imap_sqlite(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningImap]:
    users = _sqlite_users(tmp_path / "users.db")
    site = make_site(tmp_path / "site", cert_dir,
                     "virtdomains: userid\nsasl_auxprop_plugin: sasldb sql\n"
                     f"sasl_sql_engine: sqlite3\nsasl_sql_database: {users}\n"
                     f"sasl_sql_select: {SELECT}\n")
    async with running_imap(site) as server:
        await server.ctx.store.create_mailbox("example.org!user.erin")
        yield server


async def test_imap_logins_from_sqlite_and_sasldb(imap_sqlite: RunningImap) -> None:
    client = await connect(imap_sqlite, user=None)
    await client.play("""
        C: a1 LOGIN erin@example.org wrong
        S: a1 NO [AUTHENTICATIONFAILED] {…}
        C: a2 LOGIN erin@example.org erins-pw
        S: a2 OK [CAPABILITY {…}] {…}
    """)
    await client.close()
    client = await connect(imap_sqlite, user=None)
    lines = await client.command("CAPABILITY")
    assert "AUTH=SCRAM-SHA-256" in lines[0]  # the sasldb is still a source
    await client.play("""
        C: a1 LOGIN bob secret
        S: a1 OK [CAPABILITY {…}] {…}
    """)
    await client.close()


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    with running_cluster() as running:
        with psycopg.connect(host=running.host, port=running.port, user=running.user,
                             password=running.password, dbname="postgres",
                             autocommit=True) as db:
            db.execute("CREATE DATABASE mailusers")
            db.execute("CREATE ROLE roostauth LOGIN PASSWORD 'auth-pw'")
        with psycopg.connect(host=running.host, port=running.port, user=running.user,
                             password=running.password, dbname="mailusers") as db:
            db.execute("CREATE TABLE users (username TEXT, realm TEXT, userpassword TEXT)")
            db.cursor().executemany("INSERT INTO users VALUES (%s, %s, %s)", ROWS)
            db.execute("GRANT SELECT ON users TO roostauth")
        yield running


def _pg_conf(cluster: Cluster, hostnames: str) -> str:
    return ("virtdomains: userid\nsasl_auxprop_plugin: sql\nsasl_sql_engine: pgsql\n"
            f"sasl_sql_hostnames: {hostnames}\nsasl_sql_database: mailusers\n"
            "sasl_sql_user: roostauth\nsasl_sql_passwd: auth-pw\n"
            f"sasl_sql_select: {SELECT}\n")


async def test_pgsql_source_checks_rows(cluster: Cluster) -> None:
    # The first host refuses (nothing listens on port 1): the next is tried.
    conf = parse_config(_pg_conf(cluster, f"127.0.0.1:1, {cluster.host}:{cluster.port}")
                        + "servername: roost.test\n")
    source = sql_source(conf)
    try:
        assert await source.check_password("erin@example.org", "erins-pw", "imap")
        assert not await source.check_password("erin@example.org", "nope", "imap")
        assert await source.check_password("frank", "it's 100%", "imap")
        assert not await source.check_password("gina@example.org", "", "imap")
        with psycopg.connect(host=cluster.host, port=cluster.port, user=cluster.user,
                             password=cluster.password, dbname="mailusers",
                             autocommit=True) as db:  # drop the source's connection
            db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE usename = 'roostauth'")
        assert await source.check_password("erin@example.org", "erins-pw", "imap")
    finally:
        await source.close()


async def test_imap_login_from_pgsql(cluster: Cluster, tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "site", cert_dir,
                     _pg_conf(cluster, f"{cluster.host}:{cluster.port}"))
    async with running_imap(site) as server:
        await server.ctx.store.create_mailbox("example.org!user.erin")
        client = await connect(server, user=None)
        lines = await client.command("CAPABILITY")
        assert "AUTH=PLAIN" in lines[0] and "SCRAM" not in lines[0]
        await client.play("""
            C: a1 LOGIN erin@example.org nope
            S: a1 NO [AUTHENTICATIONFAILED] {…}
            C: a2 LOGIN erin@example.org erins-pw
            S: a2 OK [CAPABILITY {…}] {…}
            C: a3 SELECT INBOX
            S: {…}
        """)
        await client.close()
