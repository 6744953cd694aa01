"""`roost ipurge`: Cyrus's selection rules (age by Date: or delivery time,
size, exact, invert, \\Flagged, \\Deleted), shared folders only unless -f,
children unless -M, dry runs, and the counts it prints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from tests.harness.site import Site
from tests.tools.damage import tool

from roost.store.open import open_store

NOW = datetime.now(UTC)


def message(n: int, sent_days_ago: int, padding: int = 0) -> bytes:
    date = format_datetime(NOW - timedelta(days=sent_days_ago, hours=1))
    return (f"From: a@example.com\r\nDate: {date}\r\nSubject: m{n}\r\n"
            f"Message-ID: <m{n}@example.com>\r\n\r\nbody {n}\r\n" + "x" * padding).encode()


@pytest.fixture
async def mailboxes(site: Site) -> Site:
    """shared.lists: m1 sent 40 days ago but delivered today, m2 sent and
    delivered 10 days ago (\\Flagged), m3 big and new, m4 new, \\Deleted;
    shared.lists.old: m5 sent 100 days ago; user.bob: m6 sent 100 days ago."""
    store = open_store(site.conf)
    try:
        lists = await store.create_mailbox("shared.lists")
        old = await store.create_mailbox("shared.lists.old")
        bob = await store.create_mailbox("user.bob")
        await store.append(lists.id, message(1, 40))
        await store.append(lists.id, message(2, 10), flags=["\\Flagged"],
                           internaldate=NOW - timedelta(days=10))
        await store.append(lists.id, message(3, 0, padding=5000))
        await store.append(lists.id, message(4, 0), flags=["\\Deleted"])
        await store.append(old.id, message(5, 100))
        await store.append(bob.id, message(6, 100))
    finally:
        await store.close()
    return site


async def subjects(site: Site, name: str) -> list[str]:
    store = open_store(site.conf)
    try:
        info = await store.get_mailbox(name)
        records = await store.messages(info.id)
        bodies = [await store.body(r.blob) for r in records]
        return [body.split(b"Subject: ")[1].split(b"\r\n")[0].decode() for body in bodies]
    finally:
        await store.close()


async def test_age_by_date_header_and_counts(mailboxes: Site) -> None:
    """-d 30: m1 goes by its Date: header (40 days) though delivered today;
    shared.lists.old is a child, so it goes too; user.bob is personal."""
    status, out, err = await tool(mailboxes, "ipurge", "-d", "30", "-v", "shared/lists")
    assert (status, err) == (0, "")
    assert out.startswith("Working on shared/lists...\ntotal messages    \t\t 4\n")
    assert "Deleted messages  \t\t 1\n" in out
    assert "Working on shared/lists/old...\n" in out
    assert await subjects(mailboxes, "shared.lists") == ["m2", "m3", "m4"]
    assert await subjects(mailboxes, "shared.lists.old") == []
    assert await subjects(mailboxes, "user.bob") == ["m6"]


async def test_delivery_time_and_no_recursion(mailboxes: Site) -> None:
    """-X: m1 was delivered today, so it stays; m2 (delivered 10 days ago) goes; -M spares the child."""
    assert (await tool(mailboxes, "ipurge", "-X", "-M", "-d", "5", "shared.lists"))[0] == 0
    assert await subjects(mailboxes, "shared.lists") == ["m1", "m3", "m4"]
    assert await subjects(mailboxes, "shared.lists.old") == ["m5"]


async def test_size_flags_and_invert(mailboxes: Site) -> None:
    """-s keeps \\Flagged; -o only \\Deleted; -k 4: larger than 4 KiB; -i: smaller."""
    await tool(mailboxes, "ipurge", "-M", "-o", "-b", "0", "shared/lists")
    assert await subjects(mailboxes, "shared.lists") == ["m1", "m2", "m3"]
    await tool(mailboxes, "ipurge", "-M", "-k", "4", "shared/lists")
    assert await subjects(mailboxes, "shared.lists") == ["m1", "m2"]
    await tool(mailboxes, "ipurge", "-M", "-s", "-i", "-k", "4", "shared/lists")
    assert await subjects(mailboxes, "shared.lists") == ["m2"]


async def test_exact_age_in_whole_days(mailboxes: Site) -> None:
    await tool(mailboxes, "ipurge", "-M", "-x", "-d", "10", "shared/lists")
    assert await subjects(mailboxes, "shared.lists") == ["m1", "m3", "m4"]


async def test_personal_mailboxes_need_f(mailboxes: Site) -> None:
    await tool(mailboxes, "ipurge", "-d", "50", "user/*")
    assert await subjects(mailboxes, "user.bob") == ["m6"]
    await tool(mailboxes, "ipurge", "-f", "-d", "50", "user/*")
    assert await subjects(mailboxes, "user.bob") == []


async def test_dry_run_deletes_nothing(mailboxes: Site) -> None:
    status, out, _ = await tool(mailboxes, "ipurge", "-n", "-d", "30")
    assert status == 0
    assert "shared/lists: would delete UID 1 (" in out
    assert "shared/lists/old: would delete UID 1 (" in out
    assert await subjects(mailboxes, "shared.lists") == ["m1", "m2", "m3", "m4"]


async def test_a_limit_is_required(mailboxes: Site) -> None:
    status, _, err = await tool(mailboxes, "ipurge", "shared/lists")
    assert status == 2 and "one of -d, -b, -k or -m is required" in err
