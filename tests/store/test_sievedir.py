"""SievedirScripts: Cyrus's sievedir layout on disk (what every ScriptStore
does: tests/store/conformance/test_scripts.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roost.store.scripts import (
    GLOBAL,
    InvalidScriptName,
    ScriptInfo,
    ScriptNotFound,
)
from roost.store.sievedir import SievedirScripts, check_name, dir_hash


@pytest.fixture
def scripts(tmp_path: Path) -> SievedirScripts:
    return SievedirScripts(tmp_path / "sieve", unixhierarchysep=True, fsync=False)


def test_layout_is_cyrus_sievedir(scripts: SievedirScripts) -> None:
    """As Cyrus's user_sieve_path: <h>/<user>, domain/<h>/<dom>/<h>/<user>, global."""
    root = scripts.root
    assert scripts.owner_dir("bob") == root / "b" / "bob"
    assert scripts.owner_dir("john.doe") == root / "j" / "john^doe"
    assert scripts.owner_dir("9lives") == root / "q" / "9lives"
    assert scripts.owner_dir("Bob@Example.com") == root / "domain" / "e" / "Example.com" / "b" / "Bob"
    assert scripts.owner_dir(GLOBAL) == root / "global"
    dotted = SievedirScripts(root, unixhierarchysep=False, fsync=False)
    assert dotted.owner_dir("john.doe") == root / "j" / "john.doe"


async def test_put_list_get_activate(scripts: SievedirScripts) -> None:
    assert await scripts.list_scripts("bob") == []
    assert await scripts.active_script("bob") is None
    await scripts.put_script("bob", "vacation", b"keep;\r\n", b"BC1")
    await scripts.put_script("bob", "filter", b"discard;", b"BC2")
    assert await scripts.list_scripts("bob") == [
        ScriptInfo("filter", 8, False), ScriptInfo("vacation", 7, False)]
    await scripts.set_active("bob", "vacation")
    home = scripts.owner_dir("bob")
    assert os.readlink(home / "defaultbc") == "vacation.bc"
    assert (home / "vacation.script").read_bytes() == b"keep;\r\n"
    assert await scripts.active_script("bob") == "vacation"
    assert await scripts.get_script("bob", "filter") == b"discard;"
    assert await scripts.get_compiled("bob", "vacation") == b"BC1"
    await scripts.set_active("bob", None)
    assert await scripts.active_script("bob") is None
    assert not (home / "defaultbc").exists()


async def test_missing_compiled_form_is_none(scripts: SievedirScripts) -> None:
    """A script copied in from Cyrus without our .bc: None, so it is compiled."""
    home = scripts.owner_dir("bob")
    home.mkdir(parents=True)
    (home / "fromcyrus.script").write_bytes(b"keep;")
    assert await scripts.get_compiled("bob", "fromcyrus") is None
    with pytest.raises(ScriptNotFound):
        await scripts.get_compiled("bob", "nosuch")


async def test_dangling_link_is_no_active_script(scripts: SievedirScripts) -> None:
    await scripts.put_script("bob", "a", b"keep;", b"A")
    home = scripts.owner_dir("bob")
    os.symlink("gone.bc", home / "defaultbc")
    assert await scripts.active_script("bob") is None
    assert await scripts.list_scripts("bob") == [ScriptInfo("a", 5, False)]


@pytest.mark.parametrize("name", ["", "a/b", "tab\there", "nl\n", "\u2028", "x" * 300])
def test_invalid_names(name: str) -> None:
    """RFC 5804 §1.6, and what a file name can hold."""
    with pytest.raises(InvalidScriptName):
        check_name(name)


async def test_owner_that_escapes_the_root(scripts: SievedirScripts) -> None:
    for owner in ("../etc", "..", "a/b"):
        with pytest.raises(InvalidScriptName):
            await scripts.list_scripts(owner)


@given(st.text(min_size=1, max_size=40))
def test_valid_names_stay_inside_the_owner_dir(name: str) -> None:
    try:
        check_name(name)
    except InvalidScriptName:
        return
    home = Path("/sieve/b/bob")
    assert (home / (name + ".script")).parent == home


def test_dir_hash() -> None:
    assert [dir_hash(n) for n in ("alice", "Zed", "_x", "é", "")] == ["a", "z", "q", "q", "q"]
