"""A full disk under the bodies or under the index: StorageFull, nothing left
half-written, and the store works again once there is room.

Also: temp files a crash left in a partition go when the store opens (once
per SWEEP_INTERVAL for the site, whichever process opens it first).
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

import pytest
from tests.harness.fullfs import files_under, fill, tiny_filesystem

from roost.store.api import AppendMessage, StorageFull
from roost.store.sqlite import SqliteStore
from roost.store.sqlite.writer import SWEEP_INTERVAL

BIG = 64 * 1024


def big_message(n: int) -> bytes:
    return (b"Subject: big %d\r\n\r\n" % n) + b"x" * BIG + b"\r\n"


async def test_full_partition_refuses_the_append_and_keeps_nothing(tmp_path: Path) -> None:
    with tiny_filesystem(tmp_path / "spool") as spool:
        store = SqliteStore(tmp_path / "mailstore.db", {"default": spool})
        try:
            bob = (await store.create_mailbox("user.bob")).id
            await store.append(bob, big_message(1))
            before = files_under(spool)
            filler = fill(spool)
            with pytest.raises(StorageFull, match="No space left on device"):
                await store.append(bob, big_message(2))
            assert files_under(spool) == before  # no temp file, no body
            assert [r.uid for r in await store.messages(bob)] == [1]
            assert store.check() == []
            filler.unlink()
            assert (await store.append(bob, big_message(2))).uid == 2
        finally:
            await store.close()


async def test_multiappend_that_runs_out_of_room_keeps_none_of_its_bodies(
        tmp_path: Path) -> None:
    with tiny_filesystem(tmp_path / "spool") as spool:
        store = SqliteStore(tmp_path / "mailstore.db", {"default": spool})
        try:
            bob = (await store.create_mailbox("user.bob")).id
            fill(spool, leave=BIG + BIG // 2)  # room for the first body, not the second
            with pytest.raises(StorageFull):
                await store.append_messages(bob, [AppendMessage(big_message(n))
                                                  for n in range(3)])
            assert files_under(spool) == []
            assert await store.messages(bob) == [] and store.check() == []
        finally:
            await store.close()


async def test_full_index_refuses_the_append_and_removes_its_body(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    with tiny_filesystem(tmp_path / "index") as index:
        store = SqliteStore(index / "mailstore.db", {"default": spool})
        try:
            bob = (await store.create_mailbox("user.bob")).id
            filler = fill(index)
            with pytest.raises(StorageFull, match="database or disk is full"):
                for n in range(1, 20):  # the WAL may have room for a few more frames
                    await store.append(bob, big_message(n))
            # Message n was refused: its body file went with it.
            assert len(await store.messages(bob)) == n - 1 == len(files_under(spool))
            assert store.check() == []
            filler.unlink()
            assert (await store.append(bob, big_message(n))).uid == n
        finally:
            await store.close()


async def test_leftover_temp_files_are_removed_at_open(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    spool = tmp_path / "spool"
    hashdir = spool / "ab" / "cd"
    hashdir.mkdir(parents=True)
    body = hashdir / ("abcd" + "0" * 60)
    body.write_bytes(b"Subject: kept\r\n\r\n")
    dead = hashdir / ".tmp-abcd000000000000-999999999-0a1b2c3d"  # no such pid
    dead.write_bytes(b"Subject: half")
    live = hashdir / f".tmp-abcd000000000000-{os.getpid()}-0a1b2c3d"  # being written
    live.write_bytes(b"Subject: half")
    old = hashdir / f".tmp-abcd000000000000-{os.getppid()}-99999999"
    old.write_bytes(b"Subject: half")
    os.utime(old, (1_000_000_000, 1_000_000_000))  # 2001: no write lasts that long
    with caplog.at_level(logging.WARNING, logger="roost.store.sqlite.blobs"):
        store = SqliteStore(tmp_path / "mailstore.db", {"default": spool})
        await store.close()  # the writer thread swept before it stopped
    assert sorted(p.name for p in hashdir.iterdir()) == sorted([body.name, live.name])
    assert "removed 2 temporary body files left by a crash" in caplog.text


async def test_temp_files_are_swept_once_per_interval_not_per_open(tmp_path: Path) -> None:
    """Every worker process opens the store: only the first opener in
    SWEEP_INTERVAL walks the 65,536 hash directories; the rest skip."""
    spool = tmp_path / "spool"
    hashdir = spool / "ab" / "cd"
    hashdir.mkdir(parents=True)
    database = tmp_path / "mailstore.db"
    await SqliteStore(database, {"default": spool}).close()  # the first open sweeps
    marker = tmp_path / "mailstore.db.swept"
    assert marker.stat().st_size > 0
    leftover = hashdir / ".tmp-abcd000000000000-999999999-0a1b2c3d"  # a crash's, dead pid
    leftover.write_bytes(b"Subject: half")
    await SqliteStore(database, {"default": spool}).close()  # a second worker: no walk
    assert leftover.exists()
    an_hour_ago = marker.stat().st_mtime - SWEEP_INTERVAL - 1
    os.utime(marker, (an_hour_ago, an_hour_ago))
    await SqliteStore(database, {"default": spool}).close()  # the interval is over
    assert not leftover.exists()
    assert marker.stat().st_mtime > an_hour_ago


async def test_a_sweep_in_progress_elsewhere_is_not_repeated(tmp_path: Path) -> None:
    """The marker's flock held by another process (here: another open file
    description) means someone is sweeping: this opener leaves it to them."""
    spool = tmp_path / "spool"
    hashdir = spool / "ab" / "cd"
    hashdir.mkdir(parents=True)
    leftover = hashdir / ".tmp-abcd000000000000-999999999-0a1b2c3d"
    leftover.write_bytes(b"Subject: half")
    database = tmp_path / "mailstore.db"
    held = os.open(tmp_path / "mailstore.db.swept", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        await SqliteStore(database, {"default": spool}).close()
        assert leftover.exists()
    finally:
        os.close(held)
    await SqliteStore(database, {"default": spool}).close()  # lock free, marker empty
    assert not leftover.exists()
