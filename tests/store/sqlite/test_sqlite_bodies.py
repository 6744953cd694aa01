"""Body files: single instance, removal with the last reference, check and repair."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


def test_bodies_durable_with_and_without_syncfs(tmp_path: Path) -> None:
    """Both ways of making staged bodies durable leave complete files and no temp files."""
    from roost.store.sqlite.blobs import BlobFiles

    for by_syncfs in (True, False):
        root = tmp_path / str(by_syncfs)
        root.mkdir()
        blobs = BlobFiles({"default": root})
        blobs.by_syncfs = by_syncfs and blobs.by_syncfs
        staged = [blobs.stage("default", b"Subject: %d\r\n\r\nbody\r\n" % n) for n in range(5)]
        blobs.make_durable(staged)
        for n, (_, key, dirs) in enumerate(staged):
            assert dirs and all(d.is_dir() for d in dirs)
            assert blobs.read("default", key) == b"Subject: %d\r\n\r\nbody\r\n" % n
        assert not [p for p in root.rglob(".tmp-*")]
