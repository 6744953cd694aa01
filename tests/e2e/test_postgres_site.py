"""A site with `store_backend: postgres`: a delivery over LMTP to a user
created through IMAP is stored in the PostgreSQL index (the throwaway
cluster of tests/harness/postgres.py) and read back over IMAP from another
worker, with nothing in configdirectory/mailstore.db."""

from __future__ import annotations

import imaplib
import smtplib
from pathlib import Path

import psycopg
from tests.harness.master import running_master
from tests.harness.postgres import Postgres
from tests.harness.site import PASSWORD, make_site

from roost.store.names import user_inbox

MESSAGE = b"From: a@example.com\r\nSubject: to the database\r\n\r\nindexed in PostgreSQL\r\n"


def test_lmtp_delivery_is_indexed_in_postgres_and_served_over_imap(
        tmp_path: Path, cert_dir: Path, postgres: Postgres) -> None:
    dsn = postgres.new_schema()
    site = make_site(tmp_path / "site", cert_dir,
                     f'workers: 2\nstore_backend: postgres\nstore_dsn: {dsn}\n')
    with running_master(site, {"imap": "imapd", "lmtp": "lmtpd"}) as master:
        admin = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        admin.login("admin", PASSWORD)
        assert admin.create(user_inbox("bob").replace(".", "/"))[0] == "OK"
        admin.logout()
        with smtplib.LMTP("127.0.0.1", master.ports["lmtp"]) as lmtp:
            assert lmtp.sendmail("a@example.com", ["bob"], MESSAGE) == {}
        bob = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        bob.login("bob", PASSWORD)
        assert bob.select("INBOX") == ("OK", [b"1"])
        typ, data = bob.fetch("1", "(BODY.PEEK[])")
        assert typ == "OK" and data[0][1].endswith(MESSAGE)  # after Return-Path
        bob.logout()
    with psycopg.connect(dsn) as db:
        row = db.execute("SELECT count(*) FROM messages").fetchone()
    assert row is not None and row[0] == 1
    assert not (tmp_path / "site" / "config" / "mailstore.db").exists()
