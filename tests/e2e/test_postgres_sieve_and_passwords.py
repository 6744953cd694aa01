"""A `store_backend: postgres` site keeps its Sieve scripts and passwords in
the PostgreSQL database, so any node sees them: Cyrus's `sieveshell`
uploads and activates a script over ManageSieve (one that `include`s
another) and an LMTP delivery is filed by it; a password set with
`roost saslpasswd2` works for IMAP LOGIN and SCRAM-SHA-256. Nothing of
either is left in configdirectory."""

from __future__ import annotations

import imaplib
import shutil
import smtplib
import subprocess
from pathlib import Path

import psycopg
import pytest
from tests.auth.scram_client import ScramClient
from tests.harness.master import roost_command, running_master
from tests.harness.postgres import Postgres
from tests.harness.site import PASSWORD, make_site

HELPER = 'require "fileinto";\nif header :contains "X-BeenThere" "plug@" { fileinto "INBOX.plug"; }\n'
MAIN = 'require "include";\ninclude :personal "helper";\n'
MESSAGE = (b"From: ann@example.org\r\nTo: bob@roost.test\r\nSubject: list mail\r\n"
           b"X-BeenThere: plug@lists.example\r\n\r\nfiled by a script in PostgreSQL\r\n")


@pytest.mark.skipif(shutil.which("sieveshell") is None,
                    reason="sieveshell (Debian cyrus-clients) not installed")
def test_sieveshell_script_in_postgres_files_a_delivery(
        tmp_path: Path, cert_dir: Path, postgres: Postgres) -> None:
    dsn = postgres.new_schema()
    site = make_site(tmp_path / "site", cert_dir,
                     f"workers: 2\nstore_backend: postgres\nstore_dsn: {dsn}\n"
                     "unixhierarchysep: no\naltnamespace: no\n")
    (tmp_path / "helper").write_text(HELPER)
    (tmp_path / "main").write_text(MAIN)
    services = {"imap": "imapd", "lmtp": "lmtpd", "sieve": "timsieved"}
    with running_master(site, services) as master:
        admin = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        admin.login("admin", PASSWORD)
        for name in ("user.bob", "user.bob.plug"):
            assert admin.create(name)[0] == "OK"
        admin.logout()
        shell = subprocess.run(
            ["sieveshell", "-u", "bob", "-a", "bob", "-p", PASSWORD, "-e",
             f"put {tmp_path}/helper\nput {tmp_path}/main\nactivate main\nlist\n",
             f"127.0.0.1:{master.ports['sieve']}"],
            capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path)
        out = shell.stdout + shell.stderr
        assert "main  <- active script" in out and "failed" not in out, out
        with smtplib.LMTP("127.0.0.1", master.ports["lmtp"]) as lmtp:
            assert lmtp.sendmail("ann@example.org", ["bob@roost.test"], MESSAGE) == {}
        bob = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        bob.login("bob", PASSWORD)
        assert bob.select("INBOX.plug") == ("OK", [b"1"])
        assert bob.select("INBOX") == ("OK", [b"0"])
        bob.logout()
    with psycopg.connect(dsn) as db:
        rows = db.execute("SELECT owner, name, active FROM sieve_scripts ORDER BY name").fetchall()
    assert rows == [("bob", "helper", False), ("bob", "main", True)]
    assert not (site.root / "config" / "sieve").exists()


def test_saslpasswd2_password_logs_in_with_login_and_scram(
        tmp_path: Path, cert_dir: Path, postgres: Postgres) -> None:
    dsn = postgres.new_schema()
    site = make_site(tmp_path / "site", cert_dir,
                     f"store_backend: postgres\nstore_dsn: {dsn}\n")
    set_password = subprocess.run(
        roost_command("saslpasswd2", "-C", str(site.conf_path), "-c", "-p", "carol"),
        input=b"carols pw\n", capture_output=True, timeout=60, check=False)
    assert set_password.returncode == 0, set_password.stderr
    listed = subprocess.run(roost_command("sasldblistusers2", "-C", str(site.conf_path)),
                            capture_output=True, text=True, timeout=60, check=False)
    assert "carol: userPassword" in listed.stdout, listed.stderr
    with running_master(site, {"imap": "imapd"}) as master:
        plain = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        assert plain.login("carol", "carols pw")[0] == "OK"
        plain.logout()
        wrong = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        with pytest.raises(imaplib.IMAP4.error):
            wrong.login("carol", "not it")
        wrong.logout()
        scram = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        client = ScramClient("SHA-256", "carol", "carols pw")
        assert scram.authenticate("SCRAM-SHA-256", client.imaplib_authobject())[0] == "OK"
        scram.logout()
    assert not (site.root / "config" / "passwd.db").exists()
