"""A site with `store_backend: postgres`: a delivery over LMTP to a user
created through IMAP is stored in the PostgreSQL index (the throwaway
cluster of tests/harness/postgres.py) and read back over IMAP from another
worker, with nothing in configdirectory/mailstore.db."""

from __future__ import annotations

import imaplib
import smtplib
from typing import TYPE_CHECKING

import psycopg
from tests.harness.site import PASSWORD

if TYPE_CHECKING:
    from tests.e2e.conftest import PostgresSite

MESSAGE = b"From: a@example.com\r\nSubject: to the database\r\n\r\nindexed in PostgreSQL\r\n"


def test_lmtp_delivery_is_indexed_in_postgres_and_served_over_imap(
        postgres_site: PostgresSite) -> None:
    ports = postgres_site.master.ports
    with smtplib.LMTP("127.0.0.1", ports["lmtp"]) as lmtp:
        assert lmtp.sendmail("a@example.com", ["bob"], MESSAGE) == {}
    bob = imaplib.IMAP4("127.0.0.1", ports["imap"])
    bob.login("bob", PASSWORD)
    assert bob.select("INBOX") == ("OK", [b"1"])
    typ, data = bob.fetch("1", "(BODY.PEEK[])")
    assert typ == "OK" and data[0][1].endswith(MESSAGE)  # after Return-Path
    bob.logout()
    with psycopg.connect(postgres_site.dsn) as db:
        row = db.execute("SELECT count(*) FROM messages").fetchone()
    assert row is not None and row[0] == 1
    assert not (postgres_site.root / "config" / "mailstore.db").exists()
