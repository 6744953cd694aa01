"""Fixtures shared by the end-to-end tests."""

from __future__ import annotations

import imaplib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.harness.master import Master, running_master
from tests.harness.postgres import Postgres
from tests.harness.site import PASSWORD, make_site

from roost.store.names import user_inbox


@dataclass(frozen=True)
class PostgresSite:
    """A running two-worker site on its own PostgreSQL schema."""

    master: Master
    dsn: str
    root: Path


@pytest.fixture
def postgres_site(tmp_path: Path, cert_dir: Path, postgres: Postgres) -> Iterator[PostgresSite]:
    """`store_backend: postgres` on a fresh schema, imapd and lmtpd on two
    workers, and bob's INBOX created over IMAP by the admin."""
    dsn = postgres.new_schema()
    root = tmp_path / "site"
    site = make_site(root, cert_dir, f"workers: 2\nstore_backend: postgres\nstore_dsn: {dsn}\n")
    with running_master(site, {"imap": "imapd", "lmtp": "lmtpd"}) as master:
        admin = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        admin.login("admin", PASSWORD)
        assert admin.create(user_inbox("bob").replace(".", "/"))[0] == "OK"
        admin.logout()
        yield PostgresSite(master, dsn, root)
