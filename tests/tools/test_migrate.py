"""`roost migrate`: a site filled over IMAP and LMTP moves from SQLite to
PostgreSQL and back, and every answer a client saw before (SELECT with
QRESYNC, STATUS, FETCH, GETACL, GETQUOTAROOT, GETMETADATA, LSUB) is the
same after; a dry run writes nothing; a non-empty target, or a body
missing from the blob store, is refused."""

from __future__ import annotations

import asyncio
import re
import smtplib
from pathlib import Path

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.harness.imap import ImapTranscript, sample_message
from tests.harness.master import running_master
from tests.harness.postgres import Postgres
from tests.harness.s3 import Bucket
from tests.harness.site import Site, make_site
from tests.tools.damage import delete_body, fill, tool
from tests.tools.test_progress import run_on_terminal

from roost.auth.sqlite_credentials import FILENAME
from roost.config import parse_config
from roost.store.open import DATABASE, open_scripts
from roost.store.siterows import Annotation, Digest, Mailbox, Message, Meta

SERVICES = {"imap": "imapd", "lmtp": "lmtpd"}
RUMP = "imap://bob@example.com/INBOX/;uid=1/;section=1;urlauth=submit+bob"
DELIVERED = (b"From: carol@example.com\r\nTo: bob@example.com\r\nSubject: once\r\n"
             b"Message-ID: <once@example.com>\r\n\r\ndelivered once\r\n")


@pytest.fixture
def site(tmp_path: Path, cert_dir: Path) -> Site:
    """A SQLite site, the source of the move (the other tool tests run their
    `site` on both backends, tests/tools/conftest.py)."""
    return make_site(tmp_path / "site", cert_dir)


def with_backend(site: Site, backend: str) -> Site:
    """The site with `store_backend` switched in its imapd.conf, as the admin does."""
    text = re.sub(r"(?m)^store_backend: .*\n", "", site.conf_path.read_text())
    text += f"store_backend: {backend}\n"
    site.conf_path.write_text(text)
    return Site(site.root, parse_config(text, site.conf_path), site.conf_path, site.cert)


async def session(port: int, user: str) -> ImapTranscript:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    client = ImapTranscript(reader, writer)
    assert (await client.readline()).startswith("* OK")
    await client.login(user)
    return client


async def append(client: ImapTranscript, mailbox: str, flags: str, raw: bytes) -> list[str]:
    return await client.command(f"APPEND {mailbox} ({flags}) {{{len(raw)}+}}\r\n"
                                + raw.decode())


def untagged(lines: list[str]) -> list[str]:
    """A reply without its tagged line (whose tag differs per run)."""
    return [line for line in lines if line.startswith("*")]


async def fill_over_imap(port: int, lmtp_port: int) -> None:
    admin = await session(port, "admin")
    await admin.command("CREATE user/bob")
    await admin.command("SETQUOTA user/bob (STORAGE 1000 MESSAGE 50)")
    await admin.close()
    bob = await session(port, "bob")
    await bob.command("CREATE Work")
    for n in range(1, 6):
        await append(bob, "INBOX", "\\Flagged" if n % 2 else "", sample_message(n))
    await append(bob, "Work", "\\Seen $Label1", sample_message(9))
    await bob.command("SELECT INBOX")
    await bob.command("STORE 2 +FLAGS (\\Seen \\Answered)")
    await bob.command("STORE 3 +FLAGS (\\Deleted)")
    await bob.command("EXPUNGE")
    await bob.command("SETACL INBOX alice lrs")
    await bob.command('SETMETADATA INBOX (/private/comment "mine" /shared/comment "ours")')
    await bob.command("SUBSCRIBE Work")
    await bob.close()
    alice = await session(port, "alice")  # her own seen state in bob's INBOX
    await alice.command('SELECT "Other Users/bob"')
    await alice.command("STORE 1,4 +FLAGS (\\Seen)")
    await alice.close()
    with smtplib.LMTP("127.0.0.1", lmtp_port) as lmtp:
        assert lmtp.sendmail("carol@example.com", ["bob"], DELIVERED) == {}


async def answers(port: int) -> list[str]:
    """What bob is told about his mailboxes, every line that must survive a move."""
    bob = await session(port, "bob")
    seen = untagged(await bob.command("ENABLE QRESYNC"))
    status = untagged(await bob.command("STATUS INBOX (UIDVALIDITY)"))
    uidvalidity = re.search(r"UIDVALIDITY (\d+)", status[0])
    assert uidvalidity is not None
    seen += untagged(await bob.command(f"SELECT INBOX (QRESYNC ({uidvalidity[1]} 1))"))
    seen += untagged(await bob.command("UID FETCH 1:* (UID FLAGS MODSEQ INTERNALDATE"
                                       " RFC822.SIZE)"))
    for command in ("STATUS Work (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ UNSEEN)",
                    "GETACL INBOX", "GETQUOTAROOT INBOX",
                    "GETMETADATA INBOX (/private/comment /shared/comment)", 'LSUB "" "*"',
                    f'GENURLAUTH "{RUMP}" INTERNAL'):  # signed with bob's moved access key
        seen += untagged(await bob.command(command))
    await bob.close()
    alice = await session(port, "alice")
    seen += untagged(await alice.command('EXAMINE "Other Users/bob"'))
    seen += untagged(await alice.command("FETCH 1:* (UID FLAGS)"))
    await alice.close()
    return seen


SCRIPT = b'require "fileinto";\r\nif header :contains "Subject" "x" { fileinto "Work"; }\r\n'


async def upload_scripts(site: Site) -> None:
    """Bob's two scripts (one active) and a global one, in the site's store."""
    scripts = open_scripts(site.conf)
    await scripts.put_script("bob", "filing", SCRIPT, b"")
    await scripts.put_script("bob", "spare", b"keep;\r\n", b"")
    await scripts.set_active("bob", "filing")
    await scripts.put_script(None, "shared", b"keep;\r\n", b"")


async def scripts_seen(site: Site) -> tuple[str | None, bytes, list[str | None], list[str]]:
    """Bob's active script, its source, the owners, the global scripts' names."""
    scripts = open_scripts(site.conf)
    active = await scripts.active_script("bob")
    return (active, await scripts.get_script("bob", "filing"), await scripts.owners(),
            [info.name for info in await scripts.list_scripts(None)])


def pg_count(dsn: str, table: str) -> int:
    with psycopg.connect(dsn) as db:
        row = db.execute(f"SELECT count(*) FROM {table}".encode()).fetchone()
    assert row is not None
    return int(row[0])


async def test_a_site_moves_to_postgres_and_back_with_every_answer_the_same(
        tmp_path: Path, cert_dir: Path, postgres: Postgres) -> None:
    dsn = postgres.new_schema()
    site = make_site(tmp_path / "site", cert_dir, f"store_dsn: {dsn}\n")
    await upload_scripts(site)
    with running_master(site, SERVICES) as master:
        await fill_over_imap(master.ports["imap"], master.ports["lmtp"])
        await answers(master.ports["imap"])  # the first SELECT claims \Recent
        before = await answers(master.ports["imap"])
    assert any("VANISHED (EARLIER) 3" in line for line in before), before

    status, out, err = await tool(site, "migrate", "--from", "sqlite", "--to", "postgres")
    assert (status, err) == (0, ""), err
    assert "messages: 7 rows" in out  # 5 + 1 appended, 1 delivered (one a tombstone)
    assert "now set 'store_backend: postgres' in imapd.conf" in out
    assert "mailbox digests match" in out
    assert "sieve scripts: 3\n" in out and "passwords: 3\n" in out  # admin, alice, bob

    site = with_backend(site, "postgres")
    assert await scripts_seen(site) == ("filing", SCRIPT, ["bob", None], ["shared"])
    with running_master(site, SERVICES) as master:
        assert await answers(master.ports["imap"]) == before
        with smtplib.LMTP("127.0.0.1", master.ports["lmtp"]) as lmtp:  # a duplicate: dropped
            assert lmtp.sendmail("carol@example.com", ["bob"], DELIVERED) == {}
        bob = await session(master.ports["imap"], "bob")  # so the next UID is still 7
        appended = await append(bob, "INBOX", "", sample_message(20))
        assert re.search(r"\[APPENDUID \d+ 7\]", appended[-1]), appended  # after UIDs 1-6
        await bob.command("CREATE Fresh")
        await bob.close()
        await answers(master.ports["imap"])  # claims the new message's \Recent
        after_append = await answers(master.ports["imap"])

    status, out, err = await tool(site, "migrate", "--from", "postgres", "--to", "sqlite")
    assert status == 1 and "the sqlite index is not empty (mailboxes: 2 rows" in err, err
    database = Path(site.conf.configdirectory) / DATABASE
    assert "sieve scripts: 3 rows" in err and "passwords: 3 rows" in err, err
    for leftover in [*database.parent.glob(DATABASE + "*"), *database.parent.glob(FILENAME + "*"),
                     database.parent / "sieve"]:
        leftover.rename(tmp_path / leftover.name)  # the admin keeps the old site aside
    status, out, err = await tool(site, "migrate", "--from", "postgres", "--to", "sqlite")
    assert (status, err) == (0, ""), err
    assert "now set 'store_backend: sqlite'" in out

    site = with_backend(site, "sqlite")
    assert await scripts_seen(site) == ("filing", SCRIPT, ["bob", None], ["shared"])
    with running_master(site, SERVICES) as master:
        assert await answers(master.ports["imap"]) == after_append
        admin = await session(master.ports["imap"], "admin")
        created = await admin.command("CREATE user/dave")  # a new id past every moved one
        assert created[-1].split(" ", 1)[1].startswith("OK")
        await admin.close()


async def test_a_dry_run_counts_everything_and_writes_nothing(
        site: Site, postgres: Postgres) -> None:
    dsn = postgres.new_schema()
    site.conf_path.write_text(site.conf_path.read_text() + f"store_dsn: {dsn}\n")
    await fill(site, {"user.bob": range(1, 4), "user.bob.Sent": range(4, 6)})
    await upload_scripts(site)
    status, out, err = await tool(site, "migrate", "--from", "sqlite", "--to", "postgres",
                                  "--dry-run")
    assert "sieve scripts: 3 would move" in out
    assert "passwords: 3 would move" in out
    assert (status, err) == (0, "")
    assert "mailboxes: 2 rows would move" in out
    assert "messages: 5 rows would move" in out
    assert "dry run: nothing written to the postgres index" in out
    with psycopg.connect(dsn) as db:
        row = db.execute(b"SELECT to_regclass('schema_version')").fetchone()
    assert row == (None,)


async def test_a_missing_body_stops_the_move_before_anything_is_written(
        site: Site, postgres: Postgres) -> None:
    dsn = postgres.new_schema()
    site.conf_path.write_text(site.conf_path.read_text() + f"store_dsn: {dsn}\n")
    await fill(site, {"user.bob": range(1, 4)})
    delete_body(site, 2)
    status, _, err = await tool(site, "migrate", "--from", "sqlite", "--to", "postgres")
    assert status == 1
    assert "1 referenced bodies are not in the blob store: default/" in err
    assert "nothing was written" in err
    assert pg_count(dsn, "mailboxes") == 0


async def test_the_same_backend_on_both_sides_is_a_usage_error(site: Site) -> None:
    status, _, err = await tool(site, "migrate", "--from", "sqlite", "--to", "sqlite")
    assert status == 2 and "name the same backend" in err
    status, _, err = await tool(site, "migrate", "--from", "sqlite", "--to", "postgres",
                                "--batch", "0")
    assert status == 2 and "'0' is not a positive number" in err
    assert not (Path(site.conf.configdirectory) / DATABASE).exists()


def message_row(uid: int, flags: int) -> Message:
    return Message(7, uid, uid + 1, flags, "", 1.5, 100, "k" * 64, "default", 0, None, None)


def test_the_verify_names_the_mailbox_whose_messages_differ() -> None:
    source, target = Digest(), Digest()
    inbox = Mailbox(7, "user.bob", 1, 3, 3, "default", "bob", 0, "", 0, 0)
    source.add([inbox, message_row(1, 0), message_row(2, 1)])
    target.add([inbox, message_row(1, 1), message_row(2, 0)])  # flags swapped
    assert source.differences(target) == [
        "messages: the same 2 rows in number, not in content",
        "mailbox user.bob (id 7): its messages (UIDs, MODSEQs, flags) differ"]
    target.add([message_row(3, 0)])
    assert source.differences(target)[0] == "messages: 2 rows in the source, 3 in the target"
    assert Digest().differences(Digest()) == []


def test_a_counter_may_be_higher_in_the_target_never_lower() -> None:
    source, higher, lower = Digest(), Digest(), Digest()
    source.add([Meta("mailboxid", 5), Meta("uidvalidity", 900)])
    higher.add([Meta("mailboxid", 6), Meta("uidvalidity", 900), Meta("other", 1)])
    lower.add([Meta("mailboxid", 4)])
    assert source.differences(higher) == []
    assert source.differences(lower) == ["counter mailboxid: 5 in the source, 4 in the target",
                                         "counter uidvalidity: 900 in the source, none in the target"]


@given(st.integers(0, 2**40), st.integers(0, 2**31), st.floats(0, 2**31, allow_nan=False),
       st.one_of(st.none(), st.floats(0, 2**31, allow_nan=False)))
def test_a_row_reads_the_same_whatever_type_the_driver_gave(
        uid: int, flags: int, date: float, saved: float | None) -> None:
    """SQLite hands back what a column's affinity kept (an integral REAL as
    an int, a BLOB written as text); both backends' rows digest alike."""
    row = (7, uid, uid, flags, "$A", date, 10, "k", "default", 0, None, saved)
    looser = (7.0, str(uid), uid, flags, "$A", int(date) if date.is_integer() else date,
              10, "k", "default", 0, None, saved)
    assert Message.of(row) == Message.of(looser)
    assert Message.of(row).digest() == Message.of(looser).digest()
    assert Annotation.of((0, "/shared/x", "", "text")).value == b"text"


async def test_the_move_draws_a_bar_per_table_on_a_terminal(
        site: Site, postgres: Postgres) -> None:
    site.conf_path.write_text(site.conf_path.read_text()
                              + f"store_dsn: {postgres.new_schema()}\n")
    await fill(site, {"user.bob": range(1, 4)})
    status, out, terminal = run_on_terminal(site, "migrate", "--from", "sqlite",
                                            "--to", "postgres")
    assert status == 0 and "messages: 3 rows" in out
    assert "migrate: messages" in terminal


async def test_bodies_in_a_bucket_are_found_there_and_stay(
        site: Site, postgres: Postgres, bucket: Bucket) -> None:
    site.conf_path.write_text(site.conf_path.read_text() + bucket.config()
                              + f"store_dsn: {postgres.new_schema()}\n")
    site = with_backend(site, "sqlite")
    await fill(site, {"user.bob": range(1, 4)})
    objects = bucket.object_names()
    assert len(objects) == 3
    status, out, err = await tool(site, "migrate", "--from", "sqlite", "--to", "postgres")
    assert (status, err) == (0, ""), err
    assert "blobs: 3 rows" in out
    assert bucket.object_names() == objects
