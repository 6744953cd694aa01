"""kill -9 at random moments loses nothing acknowledged and leaves a sound store."""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from roost.store.sqlite import SqliteStore

CHILD = Path(__file__).with_name("crash_child.py")


def run_and_kill(database: Path, spool: Path, run: int, rng: random.Random,
                 flag_sync_delay: int) -> list[str]:
    """Start the child, SIGKILL it after a random while; its complete output lines."""
    child = subprocess.Popen([sys.executable, str(CHILD), str(database), str(spool), str(run),
                              str(flag_sync_delay)], stdout=subprocess.PIPE)
    assert child.stdout is not None
    assert child.stdout.readline() == b"ready\n"
    time.sleep(rng.uniform(0.05, 0.6))
    child.send_signal(signal.SIGKILL)
    out = child.stdout.read()
    child.wait()
    child.stdout.close()
    return [line for line in out.decode().split("\n")[:-1]]


@pytest.mark.parametrize("flag_sync_delay", [0, 60])
async def test_kill_9_loses_nothing_acknowledged(tmp_path: Path, flag_sync_delay: int) -> None:
    """With `flag_sync_delay` too: an unsynced flag change or expunge is in
    the kernel's hands at its OK, so killing the process loses none."""
    database, spool = tmp_path / "mailstore.db", tmp_path / "spool"
    spool.mkdir()
    rng = random.Random(20240501)
    acked: dict[int, str] = {}
    expunging: set[int] = set()
    expunged: set[int] = set()
    batches: set[str] = set()
    trees: dict[str, bool] = {}  # name -> its delete was acknowledged
    for run in range(5):
        for line in run_and_kill(database, spool, run, rng, flag_sync_delay):
            words = line.split()
            if words[0] == "expunging":
                expunging.add(int(words[1]))
            elif words[0] == "expunged":
                expunged.add(int(words[1]))
            elif words[0] == "batch":
                batches.add(words[1])
            elif words[0] in ("tree", "untree"):
                trees[words[1]] = words[0] == "untree"
            else:
                acked[int(words[0])] = words[1]
    assert len(acked) - len(expunging) > 10
    assert batches and trees

    store = SqliteStore(database, {"default": spool})
    try:
        assert store.check() == []
        bob = (await store.get_mailbox("user.bob")).id
        records = {r.uid: r for r in await store.messages(bob)}
        for uid, key in acked.items():
            if uid in expunged:
                assert uid not in records
            elif uid in records or uid not in expunging:
                assert records[uid].blob == key
                assert hashlib.sha256(await store.body(key)).hexdigest() == key
        await _check_atomic_units(store, bob, batches, trees)
    finally:
        await store.close()


async def _check_atomic_units(store: SqliteStore, bob: int, batches: set[str],
                              trees: dict[str, bool]) -> None:
    """A batch append and a tree delete were each one transaction."""
    found: dict[str, int] = {}
    for rec in await store.messages(bob):
        subject = (await store.body(rec.blob)).split(b"\r\n", 1)[0].decode()
        if subject.startswith("Subject: crash batch "):
            tag = subject.split()[3]
            found[tag] = found.get(tag, 0) + 1
    assert set(found.values()) <= {3}, found  # whole batches only
    assert batches <= set(found)
    names = {info.name for info in await store.list_mailboxes("user.bob.t")}
    for name, deleted in trees.items():
        present = {name, name + ".a", name + ".b"} & names
        assert present == set() if deleted else len(present) in (0, 3), (name, present)


def _wal_syncs(calls: list[str]) -> Callable[[int], None]:
    """os.fdatasync that records the WAL files it syncs."""
    real = os.fdatasync

    def fdatasync(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").endswith("-wal"):
            calls.append("wal")
        real(fd)
    return fdatasync


async def test_lazy_flag_changes_reach_the_disk_within_the_delay(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`flag_sync_delay`: a flag change and an expunge answer before any
    sync, then the writer fdatasyncs the WAL once for both, within the delay."""
    calls: list[str] = []
    monkeypatch.setattr(os, "fdatasync", _wal_syncs(calls))
    store = SqliteStore(tmp_path / "mailstore.db", {"default": tmp_path / "spool"},
                        flag_sync_delay=0.2)
    try:
        bob = (await store.create_mailbox("user.bob")).id
        uid = (await store.append(bob, b"Subject: x\r\n\r\nx\r\n")).uid
        await store.store_flags(bob, [uid], "add", ["\\Deleted"])
        await store.expunge(bob, [uid])
        assert calls == []  # answered unsynced
        for _ in range(100):  # bounded: 10 s at most, the delay is 0.2 s
            if calls:
                break
            await asyncio.sleep(0.1)
        assert calls == ["wal"]
    finally:
        await store.close()
    other = SqliteStore(tmp_path / "mailstore.db", {"default": tmp_path / "spool"})
    try:
        assert await other.messages(bob) == []
    finally:
        await other.close()


async def test_without_a_delay_flag_changes_sync_before_their_ok(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """flag_sync_delay 0 (the default): SQLite syncs the WAL in the commit
    itself (synchronous=FULL), so the writer never needs a late sync."""
    calls: list[str] = []
    monkeypatch.setattr(os, "fdatasync", _wal_syncs(calls))
    store = SqliteStore(tmp_path / "mailstore.db", {"default": tmp_path / "spool"})
    try:
        bob = (await store.create_mailbox("user.bob")).id
        uid = (await store.append(bob, b"Subject: x\r\n\r\nx\r\n")).uid
        await store.store_flags(bob, [uid], "add", ["\\Seen"])
        await asyncio.sleep(0.3)
    finally:
        await store.close()
    assert calls == []


async def test_lazy_expunge_syncs_before_its_bodies_go(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """expunge_mode immediate with a delay: an expunge lost to a power loss
    must still find its body, so the WAL is synced before the file goes."""
    from roost.store.sqlite.blobs import BlobFiles

    calls: list[str] = []
    monkeypatch.setattr(os, "fdatasync", _wal_syncs(calls))
    real_remove = BlobFiles.remove
    monkeypatch.setattr(BlobFiles, "remove", lambda self, partition, key: (
        calls.append("remove body"), real_remove(self, partition, key)))
    store = SqliteStore(tmp_path / "mailstore.db", {"default": tmp_path / "spool"},
                        expunge_mode="immediate", flag_sync_delay=60)
    try:
        bob = (await store.create_mailbox("user.bob")).id
        uid = (await store.append(bob, b"Subject: gone\r\n\r\nx\r\n")).uid
        await store.store_flags(bob, [uid], "add", ["\\Deleted"])
        assert calls == []
        await store.expunge(bob, [uid])
        assert calls == ["wal", "remove body"]
    finally:
        await store.close()
