"""Several processes writing to the same mailboxes at once (worker
processes of one node, or nodes over one PostgreSQL): every UID is given
once, UIDs and MODSEQs follow the order of the commits, moves in opposite
directions neither deadlock nor lose a message, and the quota usage adds
up exactly."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path

from tests.store.conftest import message

from .conftest import AnyStore

CHILD = Path(__file__).with_name("writer_child.py")
PROCESSES, APPENDS = 3, 24
PER_CHILD = APPENDS + APPENDS // 2  # odd appends carry two messages


async def run_children(opened: list[str], go: Path, jobs: list[list[str]]) -> list[str]:
    """Start one child per job on the store `opened` names (the `child_store`
    fixture), start them all at once, return their outputs."""
    children = [await asyncio.create_subprocess_exec(
        sys.executable, str(CHILD), *opened, str(go), *job,
        stdout=asyncio.subprocess.PIPE) for job in jobs]
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
    assert [child.returncode for child in children] == [0] * len(jobs)
    return [out.decode() for out in outputs]


async def test_processes_appending_at_once_never_reuse_a_uid(
        store: AnyStore, child_store: list[str], tmp_path: Path) -> None:
    inbox = await store.create_mailbox("user.bob")
    await store.set_quota("user.bob", {"MESSAGE": 10_000})
    outputs = await run_children(
        child_store, tmp_path / "go",
        [["append", str(inbox.id), str(lane), str(APPENDS)] for lane in range(PROCESSES)])
    acked = [tuple(map(int, line.split())) for out in outputs for line in out.splitlines()]
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


async def test_moves_in_opposite_directions_lose_nothing(
        store: AnyStore, child_store: list[str], tmp_path: Path) -> None:
    left = await store.create_mailbox("user.bob.Left")
    right = await store.create_mailbox("user.bob.Right")
    await store.set_quota("user.bob.Left", {"MESSAGE": 100})
    for n in range(10):
        await store.append(left.id, message(n))
        await store.append(right.id, message(100 + n))
    outputs = await run_children(
        child_store, tmp_path / "go",
        [["move", str(left.id), str(right.id), "15"], ["move", str(right.id), str(left.id), "15"],
         ["append", str(left.id), "7", "6"]])
    assert [out.split()[0] for out in outputs[:2]] == ["moved", "moved"]
    blobs = [r.blob for box in (left, right) for r in await store.messages(box.id)]
    assert len(blobs) == len(set(blobs)) == 20 + 9  # each message in exactly one of the two
    for box in (left, right):
        records = await store.messages(box.id)
        assert len({r.uid for r in records}) == len(records)
        assert (await store.mailbox_by_id(box.id)).uidnext > max(r.uid for r in records)
    counted = len(await store.messages(left.id))
    assert [r.usage for r in (await store.get_quota("user.bob.Left")).resources] == [counted]
    assert store.check() == []
