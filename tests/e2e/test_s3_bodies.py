"""A site with `blob_store: s3`: mail delivered and appended lands in the
bucket (an S3 server on loopback, tests/harness/s3.py), is served over IMAP
with the local cache gone, and the repair tools see the bucket."""

from __future__ import annotations

import imaplib
import shutil
import smtplib
from pathlib import Path

from tests.harness.imap import connect, running_imap
from tests.harness.master import running_master
from tests.harness.s3 import Bucket, client
from tests.harness.site import PASSWORD, make_site

from roost.store.names import user_inbox

MESSAGE = b"From: a@example.com\r\nSubject: to the bucket\r\n\r\nstored remotely\r\n"


async def test_imap_serves_bodies_from_the_bucket(tmp_path: Path, cert_dir: Path,
                                                 bucket: Bucket) -> None:
    site = make_site(tmp_path / "site", cert_dir, bucket.config("mail/") + "expunge_mode: immediate\n")
    async with running_imap(site, messages=2) as server:
        assert len(bucket.object_names("mail/default/")) == 2
        assert not any((tmp_path / "site" / "spool").rglob("*?" * 64))  # no body files
        imap = await connect(server)
        await imap.select("INBOX")
        await imap.play(r"""
            C: a1 APPEND INBOX {64+}
            C: From: a@example.com
            C: Subject: to the bucket
            C: 
            C: stored remotely
            C: 
            S: * 3 EXISTS
            S: * 3 RECENT
            S: a1 OK [APPENDUID {…} 3] {…}
        """)
        assert len(bucket.object_names("mail/default/")) == 3
        shutil.rmtree(tmp_path / "site" / "config" / "blobcache")
        await imap.play(r"""
            C: a2 FETCH 3 BODY.PEEK[TEXT]
            S: * 3 FETCH (BODY[TEXT] {17}
            S: stored remotely
            S: )
            S: a2 OK {…}
            C: a3 STORE 3 +FLAGS.SILENT (\Deleted)
            S: a3 OK {…}
            C: a4 EXPUNGE
            S: * 3 EXPUNGE
            S: a4 OK {…}
        """)
        assert len(bucket.object_names("mail/default/")) == 2  # its last reference went
        await imap.close()


async def test_scrub_reports_an_object_lost_from_the_bucket(tmp_path: Path, cert_dir: Path,
                                                           bucket: Bucket) -> None:
    site = make_site(tmp_path / "site", cert_dir, bucket.config())
    async with running_imap(site, messages=2) as server:
        store = server.ctx.store
        inbox = await store.get_mailbox(user_inbox("bob"))
        names = bucket.object_names()
        client(bucket.endpoint).delete_object(Bucket=bucket.name, Key=names[0])
        lost = names[0].rsplit("/", 1)[1]
        files = await store.message_files(inbox.id)
        assert sorted(f.location for f in files) == [f"s3://{bucket.name}/{n}" for n in names]
        [uid] = [f.uid for f in files if f.blob == lost]
        found = await store.damage([inbox.id], verify=True)
        assert list(found.values()) == [
            [f"uid {uid}: body {lost} missing or truncated in partition default"]]


def test_lmtp_delivery_through_the_master_lands_in_the_bucket(tmp_path: Path, cert_dir: Path,
                                                            bucket: Bucket) -> None:
    site = make_site(tmp_path / "site", cert_dir, "workers: 2\n" + bucket.config())
    with running_master(site, {"imap": "imapd", "lmtp": "lmtpd"}) as master:
        admin = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        admin.login("admin", PASSWORD)
        admin.create(user_inbox("bob").replace(".", "/"))
        admin.logout()
        with smtplib.LMTP("127.0.0.1", master.ports["lmtp"]) as lmtp:
            lmtp.sendmail("a@example.com", ["bob"], MESSAGE)
        assert len(bucket.object_names("default/")) == 1
        bob = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        bob.login("bob", PASSWORD)
        bob.select("INBOX")
        typ, data = bob.fetch("1", "(BODY.PEEK[])")
        assert typ == "OK" and data[0][1].endswith(MESSAGE)  # after Return-Path
        bob.logout()
