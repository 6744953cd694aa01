"""The ScriptStore conformance suite: the same semantics on files (the
sievedir of an SQLite site, `[sqlite]`) and in the PostgreSQL database
(`[postgres]`). `open_scripts()` opens one more script store on the same
place, as another worker or node would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from roost.store.postgres import PostgresStore
from roost.store.postgres.scripts import PostgresScripts
from roost.store.scripts import (
    GLOBAL,
    InvalidScriptName,
    ScriptActive,
    ScriptExists,
    ScriptInfo,
    ScriptNotFound,
    ScriptStore,
)
from roost.store.sievedir import SievedirScripts

from .conftest import StoreFactory

ScriptsFactory = Callable[[], ScriptStore]


@pytest.fixture(params=("sqlite", "postgres"))
def backend(request: pytest.FixtureRequest) -> str:
    """The suite's backends less postgres+s3: scripts never touch bodies."""
    return str(request.param)


@pytest.fixture
def open_scripts(backend: str, tmp_path: Path, open_another: StoreFactory) -> ScriptsFactory:
    def factory() -> ScriptStore:
        if backend == "sqlite":
            return SievedirScripts(tmp_path / "sieve", unixhierarchysep=True, fsync=False)
        store = open_another()
        assert isinstance(store, PostgresStore)
        return PostgresScripts.of_store(store)
    return factory


@pytest.fixture
def scripts(open_scripts: ScriptsFactory) -> ScriptStore:
    return open_scripts()


async def test_put_list_get_activate(scripts: ScriptStore) -> None:
    assert await scripts.list_scripts("bob") == []
    assert await scripts.active_script("bob") is None
    await scripts.put_script("bob", "vacation", b"keep;\r\n", b"BC1")
    await scripts.put_script("bob", "filter", "# é\ndiscard;".encode(), b"BC2")
    assert await scripts.list_scripts("bob") == [
        ScriptInfo("filter", 13, False), ScriptInfo("vacation", 7, False)]  # size in bytes
    await scripts.set_active("bob", "vacation")
    assert await scripts.active_script("bob") == "vacation"
    assert [info.active for info in await scripts.list_scripts("bob")] == [False, True]
    assert await scripts.get_script("bob", "filter") == "# é\ndiscard;".encode()
    assert await scripts.get_compiled("bob", "vacation") == b"BC1"
    await scripts.set_active("bob", "filter")
    assert await scripts.active_script("bob") == "filter"
    await scripts.set_active("bob", None)
    assert await scripts.active_script("bob") is None


async def test_listed_in_code_point_order(scripts: ScriptStore) -> None:
    for name in ("b", "Zed", "a", "é", ".dot"):
        await scripts.put_script("bob", name, b"keep;", b"X")
    assert [info.name for info in await scripts.list_scripts("bob")] == [
        ".dot", "Zed", "a", "b", "é"]


async def test_replace_keeps_active_and_updates_compiled(scripts: ScriptStore) -> None:
    await scripts.put_script("bob", "main", b"keep;", b"OLD")
    await scripts.set_active("bob", "main")
    await scripts.put_script("bob", "main", b"discard;", b"NEW")
    assert await scripts.active_script("bob") == "main"
    assert await scripts.get_script("bob", "main") == b"discard;"
    assert await scripts.get_compiled("bob", "main") == b"NEW"
    await scripts.save_compiled("bob", "main", b"NEWER")
    assert await scripts.get_compiled("bob", "main") == b"NEWER"
    with pytest.raises(ScriptNotFound):
        await scripts.save_compiled("bob", "nosuch", b"X")
    with pytest.raises(ScriptNotFound):
        await scripts.get_compiled("bob", "nosuch")
    with pytest.raises(ScriptNotFound):
        await scripts.get_script("bob", "nosuch")


async def test_delete_rules(scripts: ScriptStore) -> None:
    """RFC 5804 §2.10: the active script cannot be deleted."""
    await scripts.put_script("bob", "a", b"keep;", b"A")
    await scripts.set_active("bob", "a")
    with pytest.raises(ScriptActive):
        await scripts.delete_script("bob", "a")
    with pytest.raises(ScriptNotFound):
        await scripts.delete_script("bob", "b")
    await scripts.set_active("bob", None)
    await scripts.delete_script("bob", "a")
    assert await scripts.list_scripts("bob") == []
    with pytest.raises(ScriptNotFound):
        await scripts.get_compiled("bob", "a")


async def test_rename_keeps_active(scripts: ScriptStore) -> None:
    """RFC 5804 §2.11.1: renaming the active script keeps it active."""
    await scripts.put_script("bob", "a", b"keep;", b"A")
    await scripts.put_script("bob", "b", b"keep;", b"B")
    await scripts.set_active("bob", "a")
    with pytest.raises(ScriptExists):
        await scripts.rename_script("bob", "a", "b")
    with pytest.raises(ScriptExists):
        await scripts.rename_script("bob", "a", "a")
    with pytest.raises(ScriptNotFound):
        await scripts.rename_script("bob", "zz", "c")
    await scripts.rename_script("bob", "a", "c")
    assert await scripts.active_script("bob") == "c"
    assert await scripts.get_compiled("bob", "c") == b"A"
    assert [info.name for info in await scripts.list_scripts("bob")] == ["b", "c"]


async def test_activate_missing_script(scripts: ScriptStore) -> None:
    await scripts.put_script("bob", "a", b"keep;", b"A")
    await scripts.set_active("bob", "a")
    with pytest.raises(ScriptNotFound):
        await scripts.set_active("bob", "nosuch")
    assert await scripts.active_script("bob") == "a"  # unchanged by the refusal
    await scripts.set_active("carol", None)  # nothing active, nothing to do
    assert await scripts.active_script("carol") is None


async def test_owners_are_separate(scripts: ScriptStore) -> None:
    await scripts.put_script("bob", "a", b"keep;", b"A")
    await scripts.set_active("bob", "a")
    await scripts.put_script(GLOBAL, "spam", b"discard;", b"S")
    await scripts.put_script("bob@example.com", "a", b"stop;", b"D")
    assert await scripts.list_scripts("alice") == []
    assert await scripts.list_scripts(GLOBAL) == [ScriptInfo("spam", 8, False)]
    assert await scripts.get_script(GLOBAL, "spam") == b"discard;"
    assert await scripts.get_script("bob@example.com", "a") == b"stop;"
    assert await scripts.active_script("bob@example.com") is None
    with pytest.raises(ScriptNotFound):
        await scripts.get_script("alice", "a")


@pytest.mark.parametrize("name", ["", "a/b", "tab\there", "nl\n", "nul\0", "\u2028", "x" * 300])
async def test_invalid_names_are_refused_and_store_nothing(scripts: ScriptStore,
                                                           name: str) -> None:
    """RFC 5804 §1.6, and the same limits on every backend so that scripts
    move between them (`roost migrate`)."""
    with pytest.raises(InvalidScriptName):
        await scripts.put_script("bob", name, b"keep;", b"X")
    with pytest.raises(InvalidScriptName):
        await scripts.get_script("bob", name)
    assert await scripts.list_scripts("bob") == []


async def test_an_empty_owner_is_refused(scripts: ScriptStore) -> None:
    with pytest.raises(InvalidScriptName):
        await scripts.put_script("", "a", b"keep;", b"X")
    assert await scripts.list_scripts(GLOBAL) == []


async def test_another_worker_sees_the_writes(scripts: ScriptStore,
                                              open_scripts: ScriptsFactory) -> None:
    other = open_scripts()
    await scripts.put_script("bob", "main", b"keep;", b"BC")
    await scripts.set_active("bob", "main")
    assert await other.active_script("bob") == "main"
    assert await other.get_compiled("bob", "main") == b"BC"
    await other.set_active("bob", None)
    assert await scripts.active_script("bob") is None


async def test_concurrent_activations_leave_one_active(open_scripts: ScriptsFactory) -> None:
    writers = [open_scripts() for _ in range(3)]
    names = [f"s{n}" for n in range(6)]
    for name in names:
        await writers[0].put_script("bob", name, b"keep;", b"X")
    await asyncio.gather(*(writers[n % 3].set_active("bob", name)
                           for n, name in enumerate(names)))
    active = [info.name for info in await writers[0].list_scripts("bob") if info.active]
    assert len(active) == 1 and await writers[1].active_script("bob") == active[0]


async def test_scripts_follow_a_renamed_user(scripts: ScriptStore) -> None:
    await scripts.put_script("bob", "main", b"keep;", b"bc-main")
    await scripts.put_script("bob", "spare", b"discard;", b"bc-spare")
    await scripts.set_active("bob", "main")
    await scripts.rename_owner("bob", "robert@example.com")
    assert await scripts.list_scripts("robert@example.com") == [
        ScriptInfo("main", 5, True), ScriptInfo("spare", 8, False)]
    assert await scripts.active_script("robert@example.com") == "main"
    assert await scripts.get_compiled("robert@example.com", "main") == b"bc-main"
    assert await scripts.list_scripts("bob") == []
    assert await scripts.active_script("bob") is None


async def test_renaming_an_owner_without_scripts_is_nothing(scripts: ScriptStore) -> None:
    await scripts.rename_owner("nobody", "someone")
    assert await scripts.list_scripts("someone") == []


async def test_renaming_onto_an_owner_with_scripts_is_refused(scripts: ScriptStore) -> None:
    await scripts.put_script("bob", "main", b"keep;", b"bc")
    await scripts.put_script("alice", "hers", b"keep;", b"bc")
    with pytest.raises(ScriptExists):
        await scripts.rename_owner("bob", "alice")
    assert [i.name for i in await scripts.list_scripts("bob")] == ["main"]
    assert [i.name for i in await scripts.list_scripts("alice")] == ["hers"]


async def test_owners_name_everyone_with_a_script(scripts: ScriptStore) -> None:
    """What `roost migrate` walks: users in code point order, then the global scripts."""
    assert await scripts.owners() == []
    await scripts.put_script("bob", "s", b"keep;\r\n", b"BC")
    await scripts.put_script("Zed.smith@example.com", "s", b"keep;\r\n", b"BC")
    await scripts.put_script("alice@example.org", "s", b"keep;\r\n", b"BC")
    assert await scripts.owners() == ["Zed.smith@example.com", "alice@example.org", "bob"]
    await scripts.put_script(GLOBAL, "shared", b"keep;\r\n", b"BC")
    assert (await scripts.owners())[-1] is GLOBAL
    await scripts.delete_script("bob", "s")
    assert await scripts.owners() == ["Zed.smith@example.com", "alice@example.org", GLOBAL]
