"""Several processes appending to one mailbox at once (worker processes of
one node, or nodes over one PostgreSQL): every UID is given once, UIDs
and MODSEQs follow the order of the commits, and the quota usage adds up
exactly."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path

from .conftest import AnyStore

CHILD = Path(__file__).with_name("append_child.py")
PROCESSES, APPENDS = 3, 24
PER_CHILD = APPENDS + APPENDS // 2  # odd appends carry two messages


async def test_processes_appending_at_once_never_reuse_a_uid(
        store: AnyStore, backend: str, index_location: str, partitions: dict[str, Path],
        tmp_path: Path) -> None:
    inbox = await store.create_mailbox("user.bob")
    await store.set_quota("user.bob", {"MESSAGE": 10_000})
    go = tmp_path / "go"
    children = [await asyncio.create_subprocess_exec(
        sys.executable, str(CHILD), backend, index_location, str(partitions["default"]),
        str(inbox.id), str(lane), str(APPENDS), str(go), stdout=asyncio.subprocess.PIPE)
        for lane in range(PROCESSES)]
    try:
        for child in children:
            assert child.stdout is not None
            assert await asyncio.wait_for(child.stdout.readline(), 60) == b"ready\n"
        go.touch()
        outputs = [(await asyncio.wait_for(child.communicate(), 90))[0] for child in children]
    finally:
        for child in children:
            if child.returncode is None:
                child.kill()
                await child.wait()
    assert [child.returncode for child in children] == [0] * PROCESSES
    acked = [tuple(map(int, line.split())) for out in outputs
             for line in out.decode().splitlines()]
    uids = [uid for uid, _ in acked]
    assert len(uids) == PROCESSES * PER_CHILD
    assert [uid for uid, n in Counter(uids).items() if n > 1] == []
    assert sorted(uids) == list(range(1, len(uids) + 1))
    # One MODSEQ per append (a batch shares it), higher for each later UID.
    by_uid = dict(acked)
    modseqs = [by_uid[uid] for uid in sorted(by_uid)]
    assert modseqs == sorted(modseqs)
    assert len(set(modseqs)) == PROCESSES * APPENDS
    records = await store.messages(inbox.id)
    assert [r.uid for r in records] == sorted(uids)
    after = await store.mailbox_by_id(inbox.id)
    assert after.uidnext == len(uids) + 1
    assert after.highestmodseq == max(modseqs)
    quota = await store.get_quota("user.bob")
    assert [(r.name, r.usage) for r in quota.resources] == [("MESSAGE", len(uids))]
    assert store.check() == []
