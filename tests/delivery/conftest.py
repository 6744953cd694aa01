"""Delivery fixtures: a fresh store on temp files, and configurations."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from tests.harness.backend import store_options

from roost.config import Config, parse_config
from roost.store.open import open_store
from roost.store.sqlite import SqliteStore

MAILBOXES = ("user.bob", "user.alice", "user.carol", "user.bob.Lists", "user.bob.Lists.Work",
             "user.john^doe", "example.com!user.bob", "example.com!user.bob.Lists")


@pytest.fixture
def make_conf(tmp_path: Path) -> Callable[[str], Config]:
    def build(extra: str = "") -> Config:
        return parse_config(f"configdirectory: {tmp_path / 'conf'}\n"
                            f"partition-default: {tmp_path / 'spool'}\n"
                            + store_options(tmp_path / "conf") + extra)
    return build


@pytest.fixture
def conf(make_conf: Callable[[str], Config]) -> Config:
    return make_conf("")


@pytest.fixture
async def store(conf: Config) -> AsyncIterator[SqliteStore]:
    opened = open_store(conf)
    for name in MAILBOXES:
        await opened.create_mailbox(name)
    yield opened
    await opened.close()
