"""kill -9 at random moments loses nothing acknowledged and leaves a sound store."""

from __future__ import annotations

import hashlib
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from roost.store.sqlite import SqliteStore

CHILD = Path(__file__).with_name("crash_child.py")


def run_and_kill(database: Path, spool: Path, run: int, rng: random.Random) -> list[str]:
    """Start the child, SIGKILL it after a random while; its complete output lines."""
    child = subprocess.Popen([sys.executable, str(CHILD), str(database), str(spool), str(run)],
                             stdout=subprocess.PIPE)
    assert child.stdout is not None
    assert child.stdout.readline() == b"ready\n"
    time.sleep(rng.uniform(0.05, 0.6))
    child.send_signal(signal.SIGKILL)
    out = child.stdout.read()
    child.wait()
    child.stdout.close()
    return [line for line in out.decode().split("\n")[:-1]]


async def test_kill_9_loses_nothing_acknowledged(tmp_path: Path) -> None:
    database, spool = tmp_path / "mailstore.db", tmp_path / "spool"
    spool.mkdir()
    rng = random.Random(20240501)
    acked: dict[int, str] = {}
    expunging: set[int] = set()
    expunged: set[int] = set()
    batches: set[str] = set()
    trees: dict[str, bool] = {}  # name -> its delete was acknowledged
    for run in range(5):
        for line in run_and_kill(database, spool, run, rng):
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
