"""The store's observer seam (roost.store.observe) on a real store: what the
writer reports, and that an observer's failure never fails a commit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from roost.config import parse_config
from roost.store.observe import set_store_observer
from roost.store.open import open_store
from roost.store.sqlite import SqliteStore

MESSAGE = b"From: a@example.com\r\nSubject: x\r\n\r\nhello\r\n"


class Recorder:
    def __init__(self) -> None:
        self.batches: list[int] = []
        self.body_syncs = 0

    def committed(self, batch_size: int, seconds: float) -> None:
        assert seconds >= 0
        self.batches.append(batch_size)

    def bodies_synced(self, seconds: float) -> None:
        self.body_syncs += 1


class Broken:
    def committed(self, batch_size: int, seconds: float) -> None:
        raise RuntimeError("observer bug")

    def bodies_synced(self, seconds: float) -> None:
        raise RuntimeError("observer bug")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    conf = parse_config(f"configdirectory: {tmp_path / 'conf'}\n"
                        f"partition-default: {tmp_path / 'spool'}\n")
    opened = open_store(conf)
    yield opened
    await opened.close()


@pytest.fixture(autouse=True)
def no_observer_after() -> Iterator[None]:
    yield
    set_store_observer(None)


async def test_each_commit_reports_its_batch_and_body_sync(store: SqliteStore) -> None:
    recorder = Recorder()
    set_store_observer(recorder)
    inbox = await store.create_mailbox("user.bob")
    await store.append(inbox.id, MESSAGE)
    assert recorder.batches and all(size >= 1 for size in recorder.batches)
    assert sum(recorder.batches) >= 2  # the CREATE and the APPEND
    assert recorder.body_syncs == 1  # only the APPEND brought a body


async def test_a_failing_observer_does_not_fail_the_commit(store: SqliteStore) -> None:
    set_store_observer(Broken())
    inbox = await store.create_mailbox("user.bob")
    result = await store.append(inbox.id, MESSAGE)
    assert result.uid == 1
    assert [m.uid for m in await store.messages(inbox.id)] == [1]
