"""The repair tools on the shared store: damage made in the index rows
(SQLite's file or PostgreSQL's tables, `site` is on each), bodies in an S3
bucket under a PostgreSQL index, and reconstruct running while another
process appends to the same mailbox."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.harness.imap import sample_message
from tests.harness.postgres import Postgres
from tests.harness.s3 import Bucket, client
from tests.harness.site import Site, make_site
from tests.tools.damage import fill, key_of, sql, tool

from roost.store.open import open_store


async def test_index_rows_damage_is_found_and_repaired(site: Site) -> None:
    await fill(site, {"user.bob": range(1, 4), "user.bob.Sent": range(4, 5)})
    store = open_store(site.conf)
    try:
        await store.set_quota("user.bob", {"MESSAGE": 100})
    finally:
        await store.close()
    sql(site, "UPDATE blobs SET refcount = 7 WHERE sha256 = ?", key_of(2))
    sql(site, "UPDATE quota_roots SET messages_used = 9 WHERE root = 'user.bob'")
    [(counter,)] = sql(site, "SELECT value FROM meta WHERE key = 'mailboxid'")
    sql(site, "UPDATE meta SET value = 0 WHERE key = 'mailboxid'")
    status, out, err = await tool(site, "chk_cyrus")
    assert (status, out) == (1, "")  # no mailbox broken: store-wide problems, on stderr
    assert f"body {key_of(2)} in partition default: refcount 7, 1 live messages" in err
    assert "quota root user.bob: usage" in err and "9 messages kept" in err
    assert f"mailbox id {counter} is past the id counter 0" in err
    sql(site, "UPDATE meta SET value = ? WHERE key = 'mailboxid'", counter)  # no tool sets it
    assert await tool(site, "reconstruct", "user.bob") == (
        0, f"user/bob\n  body {key_of(2)}: refcount 7 -> 1\n", "")
    status, _, err = await tool(site, "quota", "-f", "-q")
    assert (status, err) == (0, "user.bob: MESSAGE usage was 9, now 4\n")
    assert await tool(site, "chk_cyrus") == (0, "", "")


async def test_reconstruct_on_postgres_with_bodies_in_s3(tmp_path: Path, cert_dir: Path,
                                                         postgres: Postgres,
                                                         bucket: Bucket) -> None:
    site = make_site(tmp_path / "site", cert_dir, bucket.config("mail/")
                     + f"store_backend: postgres\nstore_dsn: {postgres.new_schema()}\n")
    await fill(site, {"user.bob": range(1, 4)})
    [lost] = [name for name in bucket.object_names("mail/") if name.endswith(key_of(2))]
    client(bucket.endpoint).delete_object(Bucket=bucket.name, Key=lost)
    status, out, err = await tool(site, "chk_cyrus")
    assert (status, out) == (1, "user/bob\n")
    assert f"user/bob: uid 2: body {key_of(2)} missing or truncated" in err
    assert await tool(site, "reconstruct", "user/bob") == (
        0, f"user/bob\n  uid 2: removed, body {key_of(2)} is gone\n", "")
    assert await tool(site, "scrub") == (0, "", "")
    kept = {name.rsplit("/", 1)[1]: name for name in bucket.object_names("mail/")}
    assert sorted(kept) == sorted([key_of(1), key_of(3)])
    status, out, _ = await tool(site, "mbpath", "-l", "user/bob")
    assert (status, out) == (0, f"s3://{bucket.name}/mail/default/\n"
                             + "".join(f"{uid}\ts3://{bucket.name}/{kept[key_of(uid)]}\n"
                                       for uid in (1, 3)))


async def test_reconstruct_beside_a_writer_of_the_same_mailbox(site: Site) -> None:
    """Appends from this process and a reconstruct in another queue on the
    mailbox (SQLite's write lock, PostgreSQL's row lock): no UID twice,
    nothing lost, the store sound after."""
    await fill(site, {"user.bob": range(1, 3)})
    store = open_store(site.conf)
    try:
        bob = await store.get_mailbox("user.bob")

        async def appends() -> None:
            for n in range(10, 40):
                await store.append(bob.id, sample_message(n))
        _, (status, _, err) = await asyncio.gather(
            appends(), tool(site, "reconstruct", "user.bob"))
        assert (status, err) == (0, "")
        uids = [m.uid for m in await store.messages(bob.id)]
        assert uids == list(range(1, 33))
    finally:
        await store.close()
    assert await tool(site, "chk_cyrus") == (0, "", "")
