"""`roost cyr_expire -E`: duplicate delivery records expire, as Cyrus's
(durations and -X: tests/tools/test_unexpunge.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.harness.site import Site
from tests.tools.damage import tool

from roost.store.duplicates import DuplicateRecord
from roost.store.open import open_store


async def test_expire_drops_old_records_only(site: Site) -> None:
    now = datetime.now(UTC)
    store = open_store(site.conf)
    await store.record_duplicates([
        DuplicateRecord("<old@x>", "user.bob", now - timedelta(days=5), now - timedelta(days=5)),
        DuplicateRecord("<new@x>", "user.bob", now - timedelta(hours=1), now),
        DuplicateRecord("handle", "vacation bob", now - timedelta(days=5), now + timedelta(days=2)),
    ])
    await store.close()
    assert await tool(site, "cyr_expire", "-E", "3", "-v") == (
        0, "duplicate delivery records: dropped 1\n", "")
    store = open_store(site.conf)
    try:
        assert await store.duplicate_seen("<old@x>", "user.bob") is None
        assert await store.duplicate_seen("<new@x>", "user.bob") is not None
        assert await store.duplicate_seen("handle", "vacation bob") is not None
    finally:
        await store.close()


async def test_flags_not_done_yet_are_said_so(site: Site) -> None:
    """A Cyrus entry with archiving (`-A`, no archive partitions in Roost) still runs -E."""
    status, out, err = await tool(site, "cyr_expire", "-E", "4", "-A", "28", "-v")
    assert (status, out) == (0, "duplicate delivery records: dropped 0\n")
    assert "-A is not done yet; ignored" in err
