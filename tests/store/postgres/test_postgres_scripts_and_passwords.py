"""What only the PostgreSQL scripts and sasldb have to show (the
conformance suites have the rest): a script without a compiled form (as
a move from a Cyrus sievedir leaves it), the tools' record keeping on a
database no server has opened, no plaintext in the table, and an
unreachable database named as such."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from tests.harness.postgres import Postgres

from roost.auth.credentials import CredentialError
from roost.auth.open_credentials import open_credential_store
from roost.auth.postgres_credentials import PostgresCredentialStore
from roost.config import parse_config
from roost.store.open import open_scripts, open_store
from roost.store.postgres.schema import MIGRATIONS


def site_conf(tmp_path: Path, dsn: str) -> str:
    return (f"configdirectory: {tmp_path / 'config'}\npartition-default: {tmp_path / 'spool'}\n"
            f"store_backend: postgres\nstore_dsn: {dsn}\nsasl_scram_iterations: 4\n")


async def test_a_script_without_compiled_form(tmp_path: Path, postgres: Postgres) -> None:
    dsn = postgres.new_schema()
    conf = parse_config(site_conf(tmp_path, dsn))
    store = open_store(conf)
    scripts = open_scripts(conf, store)
    await scripts.put_script("bob", "main", b"keep;", b"BC")
    with psycopg.connect(dsn) as db:
        db.execute("UPDATE sieve_scripts SET compiled = NULL")
    assert await scripts.get_compiled("bob", "main") is None
    assert await scripts.get_script("bob", "main") == b"keep;"
    await store.close()
    assert not (tmp_path / "config" / "sieve").exists()


def test_tools_work_before_any_server(tmp_path: Path, postgres: Postgres) -> None:
    dsn = postgres.new_schema()
    creds = open_credential_store(parse_config(site_conf(tmp_path, dsn)))
    assert isinstance(creds, PostgresCredentialStore)
    creds.set_password("bob", "UniquePlaintextMarker")
    assert creds.list_users() == ["bob"]
    with psycopg.connect(dsn) as db:
        assert db.execute("SELECT version FROM schema_version").fetchone() == (len(MIGRATIONS),)
        [row] = db.execute("SELECT * FROM credentials").fetchall()
    assert not any(b"UniquePlaintextMarker" in bytes(value) for value in row
                   if isinstance(value, bytes | memoryview))
    assert not (tmp_path / "config" / "passwd.db").exists()


def test_an_unreachable_database_is_a_credential_error(tmp_path: Path) -> None:
    missing = f"host={tmp_path} port=1 dbname=none connect_timeout=2"
    creds = open_credential_store(parse_config(site_conf(tmp_path, missing)))
    with pytest.raises(CredentialError, match="cannot be reached"):
        creds.list_users()
