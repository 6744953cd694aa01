"""SievedirScripts.rename_owner: a user's scripts move with a RENAME of the
user, the active one still active, across domains too; onto an owner who
has scripts it is refused and nothing moves."""

from __future__ import annotations

from pathlib import Path

import pytest

from roost.store.scripts import ScriptExists, ScriptInfo
from roost.store.sievedir import SievedirScripts


@pytest.fixture
def scripts(tmp_path: Path) -> SievedirScripts:
    return SievedirScripts(tmp_path / "sieve", unixhierarchysep=True, fsync=True)


async def test_scripts_follow_the_user(scripts: SievedirScripts) -> None:
    await scripts.put_script("bob", "main", b"keep;", b"bc-main")
    await scripts.put_script("bob", "spare", b"discard;", b"bc-spare")
    await scripts.set_active("bob", "main")
    await scripts.rename_owner("bob", "robert@example.com")
    assert await scripts.list_scripts("robert@example.com") == [
        ScriptInfo("main", 5, True), ScriptInfo("spare", 8, False)]
    assert await scripts.active_script("robert@example.com") == "main"
    assert await scripts.get_compiled("robert@example.com", "main") == b"bc-main"
    assert await scripts.list_scripts("bob") == []
    assert not scripts.owner_dir("bob").exists()


async def test_owner_without_scripts_is_nothing_to_do(scripts: SievedirScripts) -> None:
    await scripts.rename_owner("nobody", "someone")
    assert await scripts.list_scripts("someone") == []


async def test_onto_an_owner_with_scripts_is_refused(scripts: SievedirScripts) -> None:
    await scripts.put_script("bob", "main", b"keep;", b"bc")
    await scripts.put_script("alice", "hers", b"keep;", b"bc")
    with pytest.raises(ScriptExists):
        await scripts.rename_owner("bob", "alice")
    assert [i.name for i in await scripts.list_scripts("bob")] == ["main"]
    assert [i.name for i in await scripts.list_scripts("alice")] == ["hers"]
    scripts.owner_dir("carol").mkdir(parents=True)  # empty: no scripts, so taken over
    await scripts.rename_owner("bob", "carol")
    assert [i.name for i in await scripts.list_scripts("carol")] == ["main"]
