"""SievedirScripts.rename_owner on disk: one directory rename, the
defaultbc link with it (the semantics: conformance/test_scripts.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from roost.store.sievedir import SievedirScripts


@pytest.fixture
def scripts(tmp_path: Path) -> SievedirScripts:
    return SievedirScripts(tmp_path / "sieve", unixhierarchysep=True, fsync=True)


async def test_the_directory_moves_with_its_link(scripts: SievedirScripts) -> None:
    """One rename of the directory, across domains: the relative defaultbc
    link still names the active script (the rest: conformance/test_scripts.py)."""
    await scripts.put_script("bob", "main", b"keep;", b"bc-main")
    await scripts.set_active("bob", "main")
    await scripts.rename_owner("bob", "robert@example.com")
    home = scripts.owner_dir("robert@example.com")
    assert os.readlink(home / "defaultbc") == "main.bc"
    assert (home / "main.bc").read_bytes() == b"bc-main"
    assert not scripts.owner_dir("bob").exists()


async def test_an_empty_directory_is_no_scripts(scripts: SievedirScripts) -> None:
    """A target directory left empty (all its scripts deleted) is taken over."""
    await scripts.put_script("bob", "main", b"keep;", b"bc")
    scripts.owner_dir("carol").mkdir(parents=True)
    await scripts.rename_owner("bob", "carol")
    assert [i.name for i in await scripts.list_scripts("carol")] == ["main"]
