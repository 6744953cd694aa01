"""The SQLite credential store: secrets only on disk, schema upgrade, threads
(what every sasldb does: test_credential_store_conformance.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roost.auth import (
    BadPassword,
    CredentialError,
    SqliteCredentialStore,
    open_credential_store,
)
from roost.auth.sqlite_credentials import SCHEMA_VERSION
from roost.config import parse_config


@pytest.fixture
def store(tmp_path: Path) -> SqliteCredentialStore:
    return SqliteCredentialStore(tmp_path / "passwd.db", iterations=8)


def test_no_plaintext_on_disk(store: SqliteCredentialStore) -> None:
    store.set_password("bob", "UniquePlaintextMarker")
    store.close()
    for path in store.path.parent.iterdir():
        assert b"UniquePlaintextMarker" not in path.read_bytes()


def test_persists_and_records_schema(tmp_path: Path) -> None:
    path = tmp_path / "passwd.db"
    SqliteCredentialStore(path, iterations=4).set_password("bob", "pw")
    again = SqliteCredentialStore(path, iterations=4)
    assert again.verify_password("bob", "pw")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM schema_version").fetchone() == (SCHEMA_VERSION,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "passwd.db"
    SqliteCredentialStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(CredentialError, match="newer"):
        SqliteCredentialStore(path)


def test_open_from_config(tmp_path: Path) -> None:
    conf = parse_config(f"configdirectory: {tmp_path}\nsasl_scram_iterations: 5\n")
    store = open_credential_store(conf)
    store.set_password("bob", "pw")
    assert (tmp_path / "passwd.db").exists()
    assert store.verify_password("bob", "pw")
    assert isinstance(store, SqliteCredentialStore) and store.iterations == 5
    with pytest.raises(CredentialError):
        open_credential_store(parse_config(""))
    with pytest.raises(CredentialError):
        SqliteCredentialStore(tmp_path / "x.db", iterations=0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(password=st.text(min_size=1, max_size=30), other=st.text(max_size=30))
def test_only_the_password_verifies(store: SqliteCredentialStore, password: str,
                                    other: str) -> None:
    try:
        store.set_password("bob", password)
    except BadPassword:
        return
    assert store.verify_password("bob", password)
    if other != password:
        assert store.verify_password("bob", other) == (
            _prep(other) == _prep(password))


def _prep(text: str) -> str | None:
    from roost.auth.saslprep import SaslprepError, saslprep
    try:
        return saslprep(text, allow_unassigned=True)
    except SaslprepError:
        return None


def test_shared_between_threads(store: SqliteCredentialStore) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def work(n: int) -> bool:
        store.set_password(f"user{n}", f"pw{n}")
        return store.verify_password(f"user{n}", f"pw{n}")

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(work, range(32)))
    assert len(store.list_users()) == 32


def test_second_connection_sees_writes(tmp_path: Path) -> None:
    """A tool writes while the server reads the same file (WAL)."""
    reader = SqliteCredentialStore(tmp_path / "passwd.db", iterations=4)
    SqliteCredentialStore(tmp_path / "passwd.db", iterations=4).set_password("bob", "pw")
    assert reader.verify_password("bob", "pw")
