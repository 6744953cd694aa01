"""Body files: single instance, removal with the last reference, check and repair."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roost.store.api import Delivery
from roost.store.sqlite import SqliteStore
from roost.store.sqlite.blobs import content_key

Message = Callable[..., bytes]


def body_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


async def test_deliver_to_three_is_one_file(store: SqliteStore, make_message: Message,
                                            partitions: dict[str, Path]) -> None:
    a, b, c = [(await store.create_mailbox(name)).id for name in ("user.a", "user.b", "user.c")]
    raw = make_message()
    results = await store.deliver(
        [Delivery(a), Delivery(b, frozenset({"\\Flagged"})), Delivery(c)], raw)
    assert [(r.mailbox, r.uid) for r in results] == [("user.a", 1), ("user.b", 1), ("user.c", 1)]
    key = content_key(raw)
    path = partitions["default"] / key[:2] / key[2:4] / key
    assert body_files(partitions["default"]) == [path]
    assert path.read_bytes() == raw
    assert store._db.execute("SELECT refcount FROM blobs").fetchall() == [(3,)]
    assert (await store.messages(b))[0].flags == {"\\Flagged"}

    await store.delete_mailbox(a)
    await store.delete_mailbox(b)
    assert path.exists()
    assert store.check() == []
    await store.delete_mailbox(c)
    assert path.exists()  # delayed delete keeps the mailboxes, so their bodies
    assert len(await store.expire_deleted(datetime.now(UTC) + timedelta(seconds=2))) == 3
    assert not path.exists()
    assert store._db.execute("SELECT count(*) FROM message_cache").fetchall() == [(0,)]
    assert store.check() == []


async def test_same_content_appended_twice_is_one_file(store: SqliteStore,
                                                       make_message: Message,
                                                       partitions: dict[str, Path]) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    await store.append(bob, make_message())
    await store.append(bob, make_message())
    assert len(body_files(partitions["default"])) == 1
    await store.store_flags(bob, [1], "add", ["\\Deleted"])
    await store.expunge(bob)
    assert len(body_files(partitions["default"])) == 1
    await store.store_flags(bob, [2], "add", ["\\Deleted"])
    await store.expunge(bob)
    assert len(body_files(partitions["default"])) == 1  # held for unexpunge (delayed)
    assert store.check() == []
    assert (await store.expire_expunged(datetime.now(UTC) + timedelta(seconds=1))).bodies == 2
    assert body_files(partitions["default"]) == []
    assert store.check() == []


async def test_expunge_and_reappend_in_one_batch(store: SqliteStore, make_message: Message,
                                                 partitions: dict[str, Path]) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    await store.append(bob, make_message(), flags=["\\Deleted"])
    await asyncio.gather(store.expunge(bob), store.append(bob, make_message()))
    assert len(body_files(partitions["default"])) == 1
    assert store.check() == []
    [rec] = await store.messages(bob)
    assert await store.body(rec.blob) == make_message()


async def test_mailbox_on_another_partition(store: SqliteStore, make_message: Message,
                                            partitions: dict[str, Path]) -> None:
    big = (await store.create_mailbox("user.bob.big", partition="big")).id
    await store.append(big, make_message())
    assert len(body_files(partitions["big"])) == 1
    assert body_files(partitions["default"]) == []


async def test_check_reports_and_repair_fixes(store: SqliteStore, make_message: Message,
                                              partitions: dict[str, Path]) -> None:
    bob = (await store.create_mailbox("user.bob")).id
    await store.append(bob, make_message(1))
    await store.append(bob, make_message(2))
    await store.append(bob, make_message(3))
    lost = content_key(make_message(1))
    (partitions["default"] / lost[:2] / lost[2:4] / lost).unlink()
    db = store._db
    db.execute("UPDATE blobs SET refcount = 7 WHERE sha256 = ?", (content_key(make_message(2)),))
    db.execute("UPDATE mailboxes SET uidnext = 2, highestmodseq = 1")
    problems = store.check()
    assert any("missing" in p and lost in p for p in problems)
    assert any("refcount 7" in p for p in problems)
    assert any("uidnext" in p for p in problems)
    assert any("highestmodseq" in p for p in problems)

    assert store.repair()
    assert store.check() == []
    assert [r.uid for r in await store.messages(bob)] == [2, 3]
    assert (await store.get_mailbox("user.bob")).uidnext == 4
    result = await store.append(bob, make_message(4))
    assert result.uid == 4


async def test_repair_removes_only_old_orphans(store: SqliteStore,
                                               partitions: dict[str, Path]) -> None:
    young = store._blobs.write("default", b"young orphan\r\n")
    old = store._blobs.write("default", b"old orphan\r\n")
    old_path = store._blobs.path("default", old)
    past = time.time() - 7200
    os.utime(old_path, (past, past))
    assert store.check() == []
    store.repair()
    assert not old_path.exists()
    assert store._blobs.path("default", young).exists()


def test_body_sync_file_syncs_each_body_and_its_directories_in_stage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`body_sync: file`: the body is fdatasynced before its rename, and the
    directories that gained an entry are fsynced, all before `stage` returns
    (in the delivering thread); `make_durable` has nothing left to flush."""
    from roost.store.sqlite import blobs as blobfiles

    syncs: list[str] = []
    real_fdatasync, real_replace = os.fdatasync, os.replace
    monkeypatch.setattr(os, "fdatasync", lambda fd: (syncs.append("file"), real_fdatasync(fd)))
    monkeypatch.setattr(os, "replace", lambda a, b: (syncs.append("rename"), real_replace(a, b)))
    monkeypatch.setattr(blobfiles, "_fsync_dir", lambda d: syncs.append(f"dir {d.name}"))
    monkeypatch.setattr(blobfiles, "_syncfs", lambda root: syncs.append("syncfs"))
    files = blobfiles.BlobFiles({"default": tmp_path}, body_sync="file")
    raw = b"Subject: one\r\n\r\nbody\r\n"
    key = content_key(raw)
    staged = files.stage("default", raw)
    assert syncs == ["file", "rename", f"dir {key[2:4]}", f"dir {tmp_path.name}", f"dir {key[:2]}"]
    syncs.clear()
    files.make_durable([staged])
    assert syncs == []
    files.stage("default", raw)  # already there: its directory is synced again
    assert syncs == [f"dir {key[2:4]}"]
    assert files.read("default", key) == raw


def test_body_sync_syncfs_leaves_it_to_one_syncfs_per_batch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`body_sync: syncfs`: `stage` syncs nothing; `make_durable` calls one
    syncfs for the whole batch (one file system)."""
    from roost.store.sqlite import blobs as blobfiles

    if blobfiles._SYNCFS is None:
        pytest.skip("no syncfs(2) here")
    syncs: list[str] = []
    monkeypatch.setattr(os, "fdatasync", lambda fd: syncs.append("file"))
    monkeypatch.setattr(blobfiles, "_fsync_dir", lambda d: syncs.append("dir"))
    monkeypatch.setattr(blobfiles, "_syncfs", lambda root: syncs.append(f"syncfs {root.name}"))
    files = blobfiles.BlobFiles({"default": tmp_path}, body_sync="syncfs")
    staged = [files.stage("default", b"Subject: %d\r\n\r\nbody\r\n" % n) for n in range(5)]
    assert syncs == []
    files.make_durable(staged)
    assert syncs == [f"syncfs {tmp_path.name}"]
    for n, (_, key) in enumerate(staged):
        assert files.read("default", key) == b"Subject: %d\r\n\r\nbody\r\n" % n
    assert not [p for p in tmp_path.rglob(".tmp-*")]
