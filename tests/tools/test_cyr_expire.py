"""`roost cyr_expire`: duplicate delivery records (-E) and messages by the
expire annotation (-a, -x) expire, as Cyrus's (durations and -X:
tests/tools/test_unexpunge.py; QRESYNC after -X: tests/imap/test_qresync_purge.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

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
        0, "expired messages: 0\nduplicate delivery records: dropped 1\n", "")
    store = open_store(site.conf)
    try:
        assert await store.duplicate_seen("<old@x>", "user.bob") is None
        assert await store.duplicate_seen("<new@x>", "user.bob") is not None
        assert await store.duplicate_seen("handle", "vacation bob") is not None
    finally:
        await store.close()


async def test_flags_not_done_yet_are_said_so(site: Site) -> None:
    """A Cyrus entry with archiving (`-A`, no archive partitions in Roost) still runs -E."""
    status, out, err = await tool(site, "cyr_expire", "-E", "4", "-A", "28", "-v", "-a")
    assert (status, out) == (0, "duplicate delivery records: dropped 0\n")
    assert "-A is not done yet; ignored" in err


EXPIRE = "/shared/vendor/cmu/cyrus-imapd/expire"
DAY = timedelta(days=1)


def dated(subject: str, sent: datetime | None) -> bytes:
    date = f"Date: {format_datetime(sent)}\r\n" if sent else ""
    return f"From: a@example.com\r\nSubject: {subject}\r\n{date}\r\nbody\r\n".encode()


async def _expiry_site(site: Site, server: bytes | None = None) -> dict[str, int]:
    """Mailboxes with messages sent 30 days and 1 day ago, one with no Date:
    (delivered 30 days ago), and expire annotations: 10 days on user.bob.Old
    (inherited by Old.Child), 0 on Old.Keep, none on user.bob's INBOX and
    shared.news, `server` on the server entry."""
    now = datetime.now(UTC)
    store = open_store(site.conf)
    ids: dict[str, int] = {}
    try:
        for name in ("user.bob", "user.bob.Old", "user.bob.Old.Child", "user.bob.Old.Keep",
                     "shared.news"):
            box = await store.create_mailbox(name)
            ids[name] = box.id
            await store.append(box.id, dated("old", now - 30 * DAY))
            await store.append(box.id, dated("new", now - DAY))
            await store.append(box.id, dated("undated", None), internaldate=now - 30 * DAY)
        for name, days in (("user.bob.Old", b"10"), ("user.bob.Old.Keep", b"0")):
            await store.set_metadata(ids[name], "", {EXPIRE: days}, 256)
        if server is not None:
            await store.set_metadata(None, "", {EXPIRE: server}, 256)
    finally:
        await store.close()
    return ids


async def _subjects(site: Site, ids: dict[str, int]) -> dict[str, list[int]]:
    store = open_store(site.conf)
    try:
        return {name: [r.uid for r in await store.messages(box)] for name, box in ids.items()}
    finally:
        await store.close()


async def test_expire_annotation_expires_old_messages_as_cyrus(site: Site) -> None:
    ids = await _expiry_site(site)
    everything = await _subjects(site, ids)
    # -a ignores the annotations, -x expunges nothing: no message goes.
    assert (await tool(site, "cyr_expire", "-E", "1", "-a"))[0] == 0
    assert (await tool(site, "cyr_expire", "-E", "1", "-x"))[0] == 0
    assert await _subjects(site, ids) == everything
    status, out, _ = await tool(site, "cyr_expire", "-D", "1", "-v")
    assert status == 0 and "expired messages: 4\n" in out
    assert "expiring messages in user/bob/Old older than 10.00 days: 2\n" in out
    assert await _subjects(site, ids) == {
        "user.bob": [1, 2, 3],            # no annotation applies: nothing expires
        "user.bob.Old": [2],              # its own 10 days: the old and the undated go
        "user.bob.Old.Child": [2],        # inherited from user.bob.Old
        "user.bob.Old.Keep": [1, 2, 3],   # 0: expiry off for this one
        "shared.news": [1, 2, 3],         # none here either
    }
    # Expired as any expunge: held (expunge_mode: delayed), unexpunge can restore them.
    store = open_store(site.conf)
    try:
        held = await store.expunged_messages(ids["user.bob.Old"])
        assert [(m.uid, m.restorable) for m in held] == [(1, True), (3, True)]
    finally:
        await store.close()


async def test_server_expire_annotation_applies_below_and_prefix_limits_it(site: Site) -> None:
    """The server's entry is the last ancestor (Cyrus walks up to ""); -p
    limits which mailboxes are walked."""
    ids = await _expiry_site(site, server=b"20")
    assert (await tool(site, "cyr_expire", "-E", "1", "-p", "shared"))[0] == 0
    after = await _subjects(site, ids)
    assert after["shared.news"] == [2] and after["user.bob"] == [1, 2, 3]
    assert (await tool(site, "cyr_expire", "-E", "1"))[0] == 0
    after = await _subjects(site, ids)
    assert after["user.bob"] == [2] and after["user.bob.Old.Keep"] == [1, 2, 3]
