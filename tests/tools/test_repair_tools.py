"""chk_cyrus, scrub, reconstruct and mbpath on a store damaged on disk and in
its index rows (SQLite's file, or PostgreSQL's tables: `site` is on each)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.harness.postgres import Postgres
from tests.harness.site import Site, make_site
from tests.tools.damage import (
    body_path,
    corrupt_body,
    delete_body,
    fill,
    key_of,
    on_postgres,
    sql,
    tool,
)

from roost.store.open import open_store


@pytest.fixture
async def filled(site: Site) -> Site:
    await fill(site, {"user.bob": range(1, 4), "user.bob.Sent": range(4, 6),
                      "user.alice": range(6, 7)})
    return site


async def test_sound_store_reports_nothing(filled: Site) -> None:
    assert await tool(filled, "chk_cyrus") == (0, "", "")
    assert await tool(filled, "scrub") == (0, "", "")
    assert await tool(filled, "ctl_mboxlist", "-v") == (0, "", "")


async def test_chk_cyrus_names_broken_mailboxes_details_on_stderr(filled: Site) -> None:
    delete_body(filled, 2)
    corrupt_body(filled, 5)
    status, out, err = await tool(filled, "chk_cyrus")
    assert status == 1
    assert out == "user/bob\nuser/bob/Sent\n"
    assert f"user/bob: uid 2: body {key_of(2)} missing or truncated" in err
    assert f"user/bob/Sent: uid 2: body {key_of(5)} in partition default does not match" in err
    status, out, _ = await tool(filled, "chk_cyrus", "-M", "user.bob.Sent")
    assert (status, out) == (1, "user/bob/Sent\n")
    assert await tool(filled, "chk_cyrus", "-M", "user.alice") == (0, "", "")
    status, out, _ = await tool(filled, "chk_cyrus", "-P", "default")
    assert (status, out) == (1, "user/bob\nuser/bob/Sent\n")


async def test_scrub_reports_and_deletes_nothing(filled: Site) -> None:
    corrupt_body(filled, 1)
    sql(filled, "DELETE FROM messages WHERE uid = 1 AND mailbox_id ="
        " (SELECT id FROM mailboxes WHERE name = 'user.alice')")
    status, out, _ = await tool(filled, "scrub")
    assert status == 1
    assert f"user/bob: uid 1: body {key_of(1)} in partition default does not match" in out
    assert f"body {key_of(6)} in partition default: refcount 1, 0 live messages" in out
    assert body_path(filled, key_of(1)).exists() and body_path(filled, key_of(6)).exists()


async def test_reconstruct_dry_run_then_real(filled: Site) -> None:
    store = open_store(filled.conf)
    try:
        await store.set_quota("user.bob", {"MESSAGE": 100})
    finally:
        await store.close()
    delete_body(filled, 2)
    sql(filled, "UPDATE mailboxes SET uidnext = 2 WHERE name = 'user.bob'")
    status, out, err = await tool(filled, "chk_cyrus", "-M", "user/bob")
    assert (status, out) == (1, "user/bob\n")
    assert "user/bob: uid 3 / modseq 4 past uidnext 2 / highestmodseq 4" in err
    status, out, _ = await tool(filled, "reconstruct", "-n", "user.bob")
    assert status == 1
    assert out == ("user/bob\n"
                   "  uidnext/highestmodseq raised past uid 3 / modseq 4\n"
                   f"  uid 2: removed, body {key_of(2)} is gone\n")
    assert await tool(filled, "reconstruct", "-n", "user.bob") == (1, out, "")  # nothing changed
    status, again, _ = await tool(filled, "reconstruct", "user.bob")
    assert (status, again) == (0, out)
    assert await tool(filled, "reconstruct", "-n", "user.bob") == (0, "user/bob\n", "")
    assert await tool(filled, "chk_cyrus") == (0, "", "")
    store = open_store(filled.conf)
    try:
        info = await store.get_mailbox("user.bob")
        kept = await store.messages(info.id)
        assert [(m.uid, m.modseq, sorted(m.flags)) for m in kept] == [
            (1, 2, ["\\Flagged"]), (3, 4, ["\\Flagged"])]
        assert info.uidnext == 4
        usage = {r.name: r.usage for r in (await store.get_quota("user.bob")).resources}
        assert usage["MESSAGE"] == 4  # 2 left in user.bob, 2 in user.bob.Sent
    finally:
        await store.close()


async def test_reconstruct_f_adopts_lost_bodies_at_new_uids(filled: Site) -> None:
    sql(filled, "DELETE FROM messages WHERE mailbox_id ="
        " (SELECT id FROM mailboxes WHERE name = 'user.bob.Sent')")
    sql(filled, "DELETE FROM blobs WHERE sha256 IN (?, ?)", key_of(4), key_of(5))
    status, out, _ = await tool(filled, "ctl_mboxlist", "-v")
    assert status == 1 and str(body_path(filled, key_of(4))) in out
    status, out, _ = await tool(filled, "reconstruct", "-f", "user/bob")
    assert (status, out) == (0, "user/bob\n")  # too young: an append may be on its way
    for n in (4, 5):
        os.utime(body_path(filled, key_of(n)), (1e9, 1e9))
    status, out, _ = await tool(filled, "reconstruct", "-r", "-f", "user/bob")
    assert status == 0
    assert "user/bob/Sent\n" in out and out.count("adopted body") == 2
    store = open_store(filled.conf)
    try:
        inbox = await store.messages((await store.get_mailbox("user.bob")).id)
        assert [m.uid for m in inbox] == [1, 2, 3, 4, 5]
        assert {inbox[3].blob, inbox[4].blob} == {key_of(4), key_of(5)}
    finally:
        await store.close()
    assert await tool(filled, "scrub") == (0, "", "")


async def test_reconstruct_unknown_mailbox_and_x(filled: Site) -> None:
    status, out, _ = await tool(filled, "reconstruct", "user.carol")
    assert (status, out) == (1, "roost reconstruct: user.carol: Mailbox does not exist\n")
    assert await tool(filled, "reconstruct", "-x", "user.carol") == (0, "user/carol\n", "")
    status, out, _ = await tool(filled, "mbpath", "user.carol")
    assert (status, out) == (0, f"{filled.conf.partitions['default']}\n")


async def test_mbpath_lists_message_files(filled: Site) -> None:
    spool = filled.conf.partitions["default"]
    status, out, _ = await tool(filled, "mbpath", "-l", "user.bob.Sent", "user.nobody")
    assert status == 1
    assert out == (f"{spool}\n1\t{body_path(filled, key_of(4))}\n2\t{body_path(filled, key_of(5))}\n"
                   "roost mbpath: user.nobody: Mailbox does not exist\n")
    status, out, _ = await tool(filled, "mbpath", "-m", "user.bob")
    index = "dbname=postgres" if on_postgres(filled) else "mailstore.db\n"
    assert status == 0 and index in out


async def test_mbpath_m_hides_the_database_password(tmp_path: Path, cert_dir: Path,
                                                    postgres: Postgres) -> None:
    """The DSN is what an admin needs to find the index, less its secret
    (the test cluster trusts its socket, so the password is never asked)."""
    dsn = f"{postgres.new_schema()} password=hunter2"
    site = make_site(tmp_path / "pg", cert_dir, f"store_backend: postgres\nstore_dsn: {dsn}\n")
    await fill(site, {"user.bob": range(1, 2)})
    status, out, _ = await tool(site, "mbpath", "-m", "user.bob")
    assert status == 0 and "search_path" in out and "hunter2" not in out


async def test_usage_errors_exit_2(filled: Site) -> None:
    for argv in (["reconstruct"], ["ctl_mboxlist"], ["mbpath"], ["chk_cyrus", "-Z"]):
        status, _, err = await tool(filled, *argv)
        assert status == 2 and "usage: roost" in err
    status, out, _ = await tool(filled, "reconstruct", "--help")
    assert status == 0 and "-f" in out


async def test_reconstruct_m_is_refused_as_in_cyrus(filled: Site) -> None:
    """Cyrus 3 answers `reconstruct -m` "currently not supported", exit 64
    (EX_USAGE); so does Roost, saying why and what to use instead."""
    status, out, err = await tool(filled, "reconstruct", "-m")
    assert (status, out) == (64, "")
    assert "not supported" in err and "ctl_mboxlist -d" in err
    status, _, err = await tool(filled, "reconstruct")
    assert status == 2 and "name at least one mailbox" in err
