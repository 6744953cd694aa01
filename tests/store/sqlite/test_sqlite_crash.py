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
    for run in range(5):
        for line in run_and_kill(database, spool, run, rng):
            words = line.split()
            if words[0] == "expunging":
                expunging.add(int(words[1]))
            elif words[0] == "expunged":
                expunged.add(int(words[1]))
            else:
                acked[int(words[0])] = words[1]
    assert len(acked) - len(expunging) > 10

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
    finally:
        await store.close()
