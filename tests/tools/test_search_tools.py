"""`roost squatter` and `roost search` on each backend's index (the
full-text index itself stays per node, under configdirectory: what
open_index gives); the full squatter suite is tests/search/test_squatter.py."""

from __future__ import annotations

from tests.harness.site import Site
from tests.search.test_squatter import fill
from tests.tools.damage import tool


async def test_squatter_indexes_and_search_answers_from_it(site: Site) -> None:
    await fill(site, {"user.bob": ["hello there", "yellow", "nothing"]})
    status, out, err = await tool(site, "squatter", "-v", "user.bob")
    assert (status, err) == (0, "")
    assert "user.bob: indexed 3 messages up to UID 3" in out
    assert await tool(site, "search", "-x", "user.bob", 'BODY "ell"') == (
        0, "1 2\n# 2 of 3 messages; indexed up to UID 3 of 3\n", "")
    status, out, _ = await tool(site, "squatter", "-i", "-v")
    assert status == 0 and "user.bob:" not in out  # nothing new to add
