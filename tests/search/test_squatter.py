"""`roost squatter` and `roost search` as separate processes beside the
store, as an admin runs them; and IMAP SEARCH through the index."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from tests.harness.imap import ImapTranscript, connect, running_imap
from tests.harness.site import Site, make_site
from tests.search.mail import message
from tests.tools.damage import tool

from roost.search.index.open import open_index
from roost.store.open import open_store
from roost.tools.squatter import ROLLING_NICENESS, SQUAT


async def fill(site: Site, mailboxes: dict[str, list[str]]) -> None:
    """Create each mailbox with one message per body text."""
    store = open_store(site.conf)
    try:
        for name, bodies in mailboxes.items():
            info = await store.create_mailbox(name)
            for body in bodies:
                await store.append(info.id, message("note", body, 0))
    finally:
        await store.close()


def marks(site: Site, owner: str) -> dict[int, int]:
    index = open_index(site.conf)
    assert index is not None
    return index.marks(owner)


async def test_squatter_builds_and_search_uses_it(site: Site) -> None:
    await fill(site, {"user.bob": ["hello there", "yellow", "nothing"],
                      "user.bob.Sent": ["shell"], "user.alice": ["hello"]})
    status, out, err = await tool(site, "squatter", "-v", "user.bob")
    assert (status, err) == (0, "")
    assert "user.bob: indexed 3 messages up to UID 3" in out
    assert "user.bob.Sent: indexed 1 messages" in out  # a rebuild takes the owner's all
    assert marks(site, "alice") == {}
    assert await tool(site, "search", "-x", "user.bob", 'BODY "ell"') == (
        0, "1 2\n# 2 of 3 messages; indexed up to UID 3 of 3\n", "")
    assert await tool(site, "search", "user.alice", 'BODY "ell"') == (0, "1\n", "")


async def test_incremental_and_skip(site: Site) -> None:
    await fill(site, {"user.bob": ["hello"]})
    assert (await tool(site, "squatter", "-i"))[0] == 0
    await fill(site, {"user.bob.Sent": ["yellow"]})
    status, out, _ = await tool(site, "squatter", "-i", "-v")
    assert status == 0 and "user.bob.Sent: indexed 1 messages" in out
    assert "user.bob:" not in out  # unchanged: nothing to add
    status, out, _ = await tool(site, "squatter", "-s", "-v")
    assert (status, out.splitlines()[-1]) == (0, "0 messages (0 bodies) in 0 mailboxes"
                                              " indexed in " + out.split(" in ")[-1].strip())


async def test_search_with_bad_criteria_fails_cleanly(site: Site) -> None:
    await fill(site, {"user.bob": ["hello"]})
    status, out, err = await tool(site, "search", "user.bob", "BODY")
    assert status == 1 and out == "" and "bad criteria" in err
    status, _, err = await tool(site, "search", "user.nobody", "ALL")
    assert status == 1 and "Mailbox does not exist" in err


@contextlib.asynccontextmanager
async def rolling(site: Site, *flags: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """`roost squatter -R` running as the master runs it; it must stop on
    SIGTERM with status 0."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "roost.cli", "squatter", "-C", str(site.conf_path), "-R", *flags)
    try:
        yield proc
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def indexed(site: Site, owner: str, mailbox_id: int, upto: int) -> None:
    """Wait until the owner's index has the mailbox up to `upto` (bounded: 30 s,
    as the rolling indexer may wait up to 10 s for a lull in the mail)."""
    for _ in range(300):
        if marks(site, owner).get(mailbox_id) == upto:
            return
        await asyncio.sleep(0.1)
    assert marks(site, owner).get(mailbox_id) == upto


async def mailbox_id(site: Site, name: str) -> int:
    store = open_store(site.conf)
    try:
        return (await store.get_mailbox(name)).id
    finally:
        await store.close()


async def test_rolling_mode_follows_new_mail_and_stops_on_sigterm(site: Site) -> None:
    await fill(site, {"user.bob": ["hello"]})
    async with rolling(site) as proc:
        await fill(site, {"user.bob.Later": ["yellow", "mellow"]})
        await indexed(site, "bob", await mailbox_id(site, "user.bob.Later"), 2)
        # background work: it runs niced, below the workers it shares the CPU with
        niceness = int(Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
        assert niceness == os.nice(0) + ROLLING_NICENESS


async def test_imap_search_through_the_index(site: Site, imap: ImapTranscript) -> None:
    """RFC 9051 §6.4.4 substring semantics with the index in use; a message
    delivered after indexing is found too (searched directly)."""
    assert (await tool(site, "squatter"))[0] == 0
    assert marks(site, "bob")  # the fixture's INBOX is indexed
    await imap.select("INBOX")
    await imap.play("""
        C: a2 SEARCH BODY "ody"
        S: * SEARCH 1 2
        S: a2 OK {…}
        C: a3 APPEND INBOX {39+}
        C: Subject: late
        C:
        C: somebody arrived later
        S: * 3 EXISTS
        S: * 3 RECENT
        S: a3 OK {…}
        C: a4 UID SEARCH RETURN (COUNT) TEXT "SOMEBODY"
        S: * ESEARCH (TAG "a4") UID COUNT 1
        S: a4 OK {…}
    """)


async def test_fuzzy_search_ranks_stemmed_words(site: Site, imap: ImapTranscript) -> None:
    """RFC 6203: FUZZY BODY "runs" also finds "running" once indexed, with
    RELEVANCY scores 1..100 in ALL's order; exact matches stay in."""
    await fill(site, {"user.bob.Fuzzy": ["running running", "she runs", "walking", "reruns"]})
    assert (await tool(site, "squatter"))[0] == 0
    await imap.select("Fuzzy")
    seen = await imap.play("""
        C: a2 SEARCH BODY "runs"
        S: * SEARCH 2 4
        S: a2 OK {…}
        C: a3 SEARCH RETURN (ALL RELEVANCY) FUZZY BODY "runs"
        S: * ESEARCH (TAG "a3") ALL 1:2,4 RELEVANCY ({…})
        S: a3 OK {…}
        C: a4 SEARCH RETURN (RELEVANCY) BODY "runs"
        S: a4 BAD {…}
    """)
    scores = [int(n) for n in seen[2].rpartition("(")[2].rstrip(")").split()]
    assert len(scores) == 3 and max(scores) == 100 and min(scores) >= 1


async def test_fuzzy_always_makes_every_text_key_fuzzy(tmp_path: Path, cert_dir: Path) -> None:
    """search_fuzzy_always (Cyrus's option): a plain BODY "runs" finds the
    stemmed "running" too (without the option: 2 4, the test above), NOT
    turns it round, and a non-text key stays exact (RFC 6203 §5)."""
    site = make_site(tmp_path / "site", cert_dir, "search_fuzzy_always: yes\n")
    async with running_imap(site) as server:
        await fill(site, {"user.bob.Fuzzy": ["running running", "she runs", "walking",
                                             "reruns"]})
        assert (await tool(site, "squatter"))[0] == 0
        client = await connect(server)
        try:
            await client.select("Fuzzy")
            await client.play("""
                C: a2 SEARCH BODY "runs"
                S: * SEARCH 1 2 4
                S: a2 OK {…}
                C: a3 SEARCH NOT BODY "runs"
                S: * SEARCH 3
                S: a3 OK {…}
                C: a4 SEARCH BODY "runs" UID 2:3
                S: * SEARCH 2
                S: a4 OK {…}
            """)
        finally:
            await client.close()


async def test_annotated_indexes_only_squat_true_mailboxes(site: Site,
                                                           imap: ImapTranscript) -> None:
    """-a (Cyrus squatter(8)): the shared /vendor/cmu/cyrus-imapd/squat
    entry, set over IMAP METADATA (RFC 5464) or inherited from the nearest
    parent holding it, must be "true"; unset is false. The others are not
    indexed and still searched, by the scan."""
    await fill(site, {"user.bob.Sent": ["shell"], "user.bob.Sent.Old": ["hello"],
                      "user.bob.Work": ["yellow"], "user.alice.Notes": ["hello"]})
    await imap.play("""
        C: a1 SETMETADATA INBOX (/shared/vendor/cmu/cyrus-imapd/squat "TRUE")
        S: a1 OK {…}
    """)
    store = open_store(site.conf)
    try:
        sent = await store.get_mailbox("user.bob.Sent")
        await store.set_metadata(sent.id, "bob", {SQUAT: b"false"}, 10)
        ids = {name: (await store.get_mailbox(name)).id
               for name in ("user.bob", "user.bob.Work", "user.bob.Sent.Old")}
    finally:
        await store.close()
    status, out, err = await tool(site, "squatter", "-a", "-v")
    assert (status, err) == (0, "")
    assert set(marks(site, "bob")) == {ids["user.bob"], ids["user.bob.Work"]}
    assert marks(site, "alice") == {}
    assert await tool(site, "search", "-x", "user.bob.Sent.Old", 'BODY "ell"') == (
        0, "1\n# 1 of 1 messages; no index for this mailbox\n", "")
    await fill(site, {"user.bob.Work.New": ["mellow"]})  # inherits "true"
    status, out, _ = await tool(site, "squatter", "-a", "-i", "-v")
    assert status == 0 and "user.bob.Work.New: indexed 1 messages" in out
    assert "Sent" not in out
    assert ids["user.bob.Sent.Old"] not in marks(site, "bob")
    async with rolling(site, "-a"):  # -R follows the annotations too
        await fill(site, {"user.bob.Sent.Later": ["mellow"], "user.bob.Work.Later": ["hello"]})
        await indexed(site, "bob", await mailbox_id(site, "user.bob.Work.Later"), 1)
    assert await mailbox_id(site, "user.bob.Sent.Later") not in marks(site, "bob")


async def test_incremental_run_reclaims_what_expunges_left(site: Site) -> None:
    await fill(site, {"user.bob": ["hello", "yellow", "mellow"]})
    assert (await tool(site, "squatter", "user.bob"))[0] == 0
    store = open_store(site.conf)
    try:
        inbox = await store.get_mailbox("user.bob")
        await store.store_flags(inbox.id, [2], "add", ["\\Deleted"])
        await store.expunge(inbox.id)
    finally:
        await store.close()
    status, out, err = await tool(site, "squatter", "-i", "-v")
    assert (status, err) == (0, "")
    assert "reclaimed 1 bodies no message holds" in out
    assert await tool(site, "search", "-x", "user.bob", 'BODY "ell"') == (
        0, "1 3\n# 2 of 2 messages; indexed up to UID 3 of 3\n", "")
    status, out, _ = await tool(site, "squatter", "-i", "-v")
    assert status == 0 and "reclaimed 0 bodies" in out  # nothing left to take out
