"""Every embedded credential store (the sasldb) behaves alike: SQLite's
passwd.db and the PostgreSQL table of a `store_backend: postgres` site.

`creds` is a fresh store of each backend; the PostgreSQL one is opened
as a worker opens it (`open_credential_store(conf, store)`, logins over
the store's pool), on a fresh schema no server has migrated yet.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tests.harness.postgres import Postgres

from roost.auth import BadPassword, BadUserKey, NoSuchUser
from roost.auth.open_credentials import open_credential_store
from roost.auth.postgres_credentials import PostgresCredentialStore
from roost.auth.scram import derive_secrets
from roost.auth.sqlite_credentials import SqliteCredentialStore
from roost.config import parse_config
from roost.store.open import open_store

AnyCredentials = SqliteCredentialStore | PostgresCredentialStore


@pytest.fixture(params=("sqlite", "postgres"))
async def creds(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AnyCredentials]:
    text = (f"configdirectory: {tmp_path / 'config'}\npartition-default: {tmp_path / 'spool'}\n"
            "sasl_scram_iterations: 8\n")
    if request.param == "postgres":
        cluster: Postgres = request.getfixturevalue("postgres")
        text += f"store_backend: postgres\nstore_dsn: {cluster.new_schema()}\n"
    conf = parse_config(text)
    store = open_store(conf)
    found = open_credential_store(conf, store)
    yield found
    found.close()
    await store.close()


def test_set_and_verify(creds: AnyCredentials) -> None:
    creds.set_password("bob", "hunter2")
    assert creds.exists("bob") and not creds.exists("alice")
    assert creds.verify_password("bob", "hunter2")
    assert not creds.verify_password("bob", "hunter3")
    assert not creds.verify_password("alice", "hunter2")


async def test_check_password_is_the_login_path(creds: AnyCredentials) -> None:
    creds.set_password("bob", "hunter2")
    assert await creds.check_password("bob", "hunter2", "imap")
    assert not await creds.check_password("bob", "hunter3", "imap")
    assert not await creds.check_password("nobody", "hunter2", "imap")


async def test_secrets_match_the_password(creds: AnyCredentials) -> None:
    creds.set_password("bob", "pw")
    for hash_name in ("SHA-1", "SHA-256"):
        secrets = await creds.scram_secrets("bob", hash_name)
        assert secrets is not None and secrets.iterations == 8
        assert derive_secrets(hash_name, "pw", secrets.salt, 8) == secrets
    one, two = await creds.scram_secrets("bob", "SHA-1"), await creds.scram_secrets("bob", "SHA-256")
    assert one is not None and two is not None and one.salt != two.salt
    assert await creds.scram_secrets("nobody", "SHA-1") is None
    with pytest.raises(ValueError):
        await creds.scram_secrets("bob", "MD5")


def test_realm_makes_the_key(creds: AnyCredentials) -> None:
    creds.set_password("bob", "pw", realm="example.com")
    creds.set_password("alice", "pw")
    creds.set_password("Zed", "pw")
    assert creds.list_users() == ["Zed", "alice", "bob@example.com"]  # byte order
    assert creds.verify_password("bob@example.com", "pw")
    assert not creds.exists("bob")
    creds.delete("bob", realm="example.com")
    assert creds.list_users() == ["Zed", "alice"]


def test_replace_password(creds: AnyCredentials) -> None:
    creds.set_password("bob", "old")
    creds.set_password("bob", "new")
    assert creds.verify_password("bob", "new") and not creds.verify_password("bob", "old")
    assert creds.list_users() == ["bob"]


def test_delete_missing_user(creds: AnyCredentials) -> None:
    with pytest.raises(NoSuchUser):
        creds.delete("ghost")


def test_saslprep_applies(creds: AnyCredentials) -> None:
    # RFC 4013 §3: SOFT HYPHEN maps to nothing, NO-BREAK SPACE to SPACE.
    creds.set_password("bob", "I\u00adX a")
    assert creds.verify_password("bob", "IX\u00a0a")
    assert creds.verify_password("bob", "IX a")


@pytest.mark.parametrize("password", ["", "\u0007", "a\ufdd0"])
def test_bad_passwords_rejected(creds: AnyCredentials, password: str) -> None:
    with pytest.raises(BadPassword):
        creds.set_password("bob", password)
    assert not creds.exists("bob")
    assert not creds.verify_password("bob", password)


@pytest.mark.parametrize(("user", "realm"), [("", None), ("bo\nb", None), ("bob", "")])
def test_bad_keys_rejected(creds: AnyCredentials, user: str, realm: str | None) -> None:
    with pytest.raises(BadUserKey):
        creds.set_password(user, "pw", realm=realm)


def test_rename_moves_the_record(creds: AnyCredentials) -> None:
    creds.set_password("bob", "pw")
    assert creds.rename("bob", "robert")
    assert creds.list_users() == ["robert"]
    assert creds.verify_password("robert", "pw") and not creds.verify_password("bob", "pw")
    assert not creds.rename("nobody", "someone")
    assert creds.list_users() == ["robert"]


def test_rename_onto_a_record_keeps_that_one(creds: AnyCredentials) -> None:
    creds.set_password("bob", "bobs")
    creds.set_password("robert", "roberts")
    assert not creds.rename("bob", "robert")
    assert creds.list_users() == ["robert"]
    assert creds.verify_password("robert", "roberts")


async def test_record_keeping_may_be_called_on_a_loop(creds: AnyCredentials) -> None:
    """The blocking methods work even from a coroutine (a test, a site set-up)."""
    creds.set_password("bob", "pw")
    assert await creds.check_password("bob", "pw", "imap")


async def test_set_secrets_copies_a_record_as_it_is(creds: AnyCredentials) -> None:
    """`roost migrate`'s copy: the secrets another store derived, no password."""
    sha1, sha256 = (derive_secrets(name, "pw", bytes([n]) * 16, 8)
                    for n, name in enumerate(("SHA-1", "SHA-256")))
    creds.set_secrets("bob@example.com", [sha1, sha256])
    creds.set_secrets("bob@example.com", [sha1, sha256])  # a replace, not a second record
    assert creds.list_users() == ["bob@example.com"]
    assert await creds.scram_secrets("bob@example.com", "SHA-1") == sha1
    assert await creds.scram_secrets("bob@example.com", "SHA-256") == sha256
    assert creds.verify_password("bob@example.com", "pw")
    with pytest.raises(ValueError):
        creds.set_secrets("alice", [sha256, sha1])  # a record holds SHA-1's, then SHA-256's
    assert not creds.exists("alice")
