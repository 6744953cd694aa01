"""CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4) as transcripts: the
RFC's own examples (§4.2 CONTEXT COUNT, §4.3 tag reuse, §4.3.3 ADDTO after
the FETCH, §4.3.4 REMOVEFROM before the EXPUNGE, §4.3.5 CANCELUPDATE, §4.4
PARTIAL beside UPDATE), sorted contexts with positions, NOUPDATE past the
limit, and the end of updates with the selection.

INBOX holds five messages, subjects "Hello 1".."Hello 5", UIDs 1:5."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap, sample_message
from tests.harness.site import Site

from roost.imap.contexts import MAX_CONTEXTS, additions, removals


@pytest.fixture
async def server(site: Site) -> AsyncIterator[RunningImap]:
    async with running_imap(site, messages=5) as running:
        yield running


@pytest.fixture
async def box(server: RunningImap) -> AsyncIterator[ImapTranscript]:
    client = await connect(server)
    await client.select("INBOX")
    yield client
    await client.close()


@pytest.fixture
async def other(server: RunningImap) -> AsyncIterator[ImapTranscript]:
    """A second session of bob's on INBOX, making the changes."""
    client = await connect(server)
    await client.select("INBOX")
    yield client
    await client.close()


async def test_capabilities(box: ImapTranscript) -> None:
    await box.play("""
        C: a1 CAPABILITY
        S: * CAPABILITY {…} ESORT CONTEXT=SEARCH CONTEXT=SORT {…}
        S: a1 OK {…}
    """)


async def test_rfc5267_context_hint(box: ImapTranscript) -> None:
    """§4.2: CONTEXT is a hint; the COUNT comes back as without it."""
    await box.command("UID STORE 5 +FLAGS.SILENT ($Junk)")
    await box.play("""
        C: A01 SEARCH RETURN (CONTEXT COUNT) UNDELETED UNKEYWORD $Junk
        S: * ESEARCH (TAG "A01") COUNT 4
        S: A01 OK {…}
    """)


async def test_rfc5267_update_addto_follows_the_fetch(box: ImapTranscript,
                                                     other: ImapTranscript) -> None:
    """§4.3 and §4.3.3: B01, then another session marks two messages; the
    ADDTO comes after their FETCH, position 0, mailbox order, no COUNT."""
    await box.play(r"""
        C: B01 UID SEARCH RETURN (UPDATE COUNT) DELETED KEYWORD $Junk
        S: * ESEARCH (TAG "B01") UID COUNT 0
        S: B01 OK {…}
        C: B01 SORT RETURN (UPDATE) (DATE) UTF-8 FLAGGED
        S: B01 BAD {…}
    """)
    await other.command(r"UID STORE 3:4 +FLAGS.SILENT (\Deleted $Junk)")
    await box.play(r"""
        C: B02 NOOP
        S: * FLAGS ({…} $Junk)
        S: * OK [PERMANENTFLAGS {…}] {…}
        S: * 3 FETCH (FLAGS (\Recent \Deleted $Junk))
        S: * 4 FETCH (FLAGS (\Recent \Deleted $Junk))
        S: * ESEARCH (TAG "B01") UID ADDTO (0 3:4)
        S: B02 OK {…}
    """)


async def test_rfc5267_removefrom_before_expunge(box: ImapTranscript,
                                                other: ImapTranscript) -> None:
    """§4.3.4: an expunged result is removed before its EXPUNGE, numbered
    as the client still numbers it (message numbers here: no UID)."""
    await box.play(r"""
        C: B01 SEARCH RETURN (UPDATE) 2:4
        S: * ESEARCH (TAG "B01") ALL 2:4
        S: B01 OK {…}
    """)
    await other.command(r"UID STORE 3 +FLAGS.SILENT (\Deleted)")
    await other.command("EXPUNGE")
    await box.play(r"""
        C: B03 NOOP
        S: * ESEARCH (TAG "B01") REMOVEFROM (0 3)
        S: * 3 EXPUNGE
        S: B03 OK {…}
    """)


async def test_own_changes_update_too(box: ImapTranscript) -> None:
    """The session's own STORE and EXPUNGE feed its contexts as well."""
    await box.play(r"""
        C: B01 UID SEARCH RETURN (UPDATE MIN) UNSEEN
        S: * ESEARCH (TAG "B01") UID MIN 1
        S: B01 OK {…}
        C: B02 STORE 1:2 +FLAGS (\Seen)
        S: * 1 FETCH (FLAGS (\Recent \Seen))
        S: * 2 FETCH (FLAGS (\Recent \Seen))
        S: * ESEARCH (TAG "B01") UID REMOVEFROM (0 1:2)
        S: B02 OK {…}
        C: B03 STORE 2 -FLAGS (\Seen)
        S: * 2 FETCH (FLAGS (\Recent))
        S: * ESEARCH (TAG "B01") UID ADDTO (0 2)
        S: B03 OK {…}
        C: B04 STORE 5 +FLAGS.SILENT (\Deleted)
        S: B04 OK {…}
        C: B05 EXPUNGE
        S: * ESEARCH (TAG "B01") UID REMOVEFROM (0 5)
        S: * 5 EXPUNGE
        S: B05 OK {…}
    """)


async def test_arrival_addto_after_exists(server: RunningImap, box: ImapTranscript) -> None:
    """§4.3.3: a delivered match is added after the EXISTS that numbers it."""
    await box.play("""
        C: C01 SEARCH RETURN (UPDATE COUNT) SUBJECT "Hello 6"
        S: * ESEARCH (TAG "C01") COUNT 0
        S: C01 OK {…}
    """)
    await server.ctx.store.append(await server.mailbox_id("user.bob"), sample_message(6))
    await box.play("""
        C: C02 NOOP
        S: * 6 EXISTS
        S: * 6 RECENT
        S: * ESEARCH (TAG "C01") ADDTO (0 6)
        S: C02 OK {…}
    """)


async def test_sort_context_positions(box: ImapTranscript, other: ImapTranscript) -> None:
    """§4.3.3-4: a sorted context says where each change goes. REVERSE
    SUBJECT orders 5 4 3 2 1; unflagged 2 and 4 leave it, then 4 comes back."""
    await box.play("""
        C: D01 UID SORT RETURN (UPDATE ALL) (REVERSE SUBJECT) US-ASCII UNFLAGGED
        S: * ESEARCH (TAG "D01") UID ALL 5,4,3,2,1
        S: D01 OK {…}
    """)
    await other.command(r"UID STORE 2,4 +FLAGS.SILENT (\Flagged)")
    await box.play(r"""
        C: D02 NOOP
        S: * 2 FETCH (FLAGS (\Recent \Flagged))
        S: * 4 FETCH (FLAGS (\Recent \Flagged))
        S: * ESEARCH (TAG "D01") UID REMOVEFROM (2 4) REMOVEFROM (3 2)
        S: D02 OK {…}
    """)
    await other.command(r"UID STORE 4 -FLAGS.SILENT (\Flagged)")
    await box.play(r"""
        C: D03 NOOP
        S: * 4 FETCH (FLAGS (\Recent))
        S: * ESEARCH (TAG "D01") UID ADDTO (2 4)
        S: D03 OK {…}
    """)


async def test_rfc5267_cancelupdate(box: ImapTranscript, other: ImapTranscript) -> None:
    """§4.3.5: no more updates once cancelled; the tag is free again."""
    await box.play("""
        C: B01 UID SEARCH RETURN (UPDATE COUNT) FLAGGED
        S: * ESEARCH (TAG "B01") UID COUNT 0
        S: B01 OK {…}
        C: B04 CANCELUPDATE "B01"
        S: B04 OK {…}
    """)
    await other.command(r"UID STORE 1 +FLAGS.SILENT (\Flagged)")
    await box.play(r"""
        C: B05 NOOP
        S: * 1 FETCH (FLAGS (\Recent \Flagged))
        S: B05 OK {…}
        C: B01 UID SEARCH RETURN (UPDATE COUNT) FLAGGED
        S: * ESEARCH (TAG "B01") UID COUNT 1
        S: B01 OK {…}
        C: B06 CANCELUPDATE
        S: B06 BAD {…}
        C: B07 CANCELUPDATE B01
        S: B07 BAD {…}
    """)


async def test_updates_end_with_the_selection(box: ImapTranscript, other: ImapTranscript) -> None:
    """§4.3: updates cease when the mailbox is no longer selected."""
    await box.command("UID SEARCH RETURN (UPDATE) FLAGGED")
    await box.command("UNSELECT")
    await box.select("INBOX")
    await other.command(r"UID STORE 1 +FLAGS.SILENT (\Flagged)")
    await box.play(r"""
        C: E01 NOOP
        S: * 1 FETCH (FLAGS (\Flagged))
        S: E01 OK {…}
    """)


async def test_partial_beside_update(box: ImapTranscript, other: ImapTranscript) -> None:
    """§4.4 (and RFC 9394 §3.1): PARTIAL pages the first answer; UPDATE
    still tells of every match, inside the page or not (§4.3)."""
    await box.play("""
        C: A02 UID SEARCH RETURN (UPDATE PARTIAL 1:2) UNFLAGGED
        S: * ESEARCH (TAG "A02") UID PARTIAL (1:2 1:2)
        S: A02 OK {…}
    """)
    await other.command(r"UID STORE 5 +FLAGS.SILENT (\Flagged)")
    await box.play(r"""
        C: A03 NOOP
        S: * 5 FETCH (FLAGS (\Recent \Flagged))
        S: * ESEARCH (TAG "A02") UID REMOVEFROM (0 5)
        S: A03 OK {…}
    """)


async def test_noupdate_past_the_limit(box: ImapTranscript) -> None:
    """§4.3.1: past the limit, NO [NOUPDATE] after the results, which are
    still answered."""
    for _ in range(MAX_CONTEXTS):
        await box.command("UID SEARCH RETURN (UPDATE COUNT) FLAGGED")
    await box.play("""
        C: B02 UID SORT RETURN (UPDATE COUNT) (SUBJECT) UTF-8 KEYWORD $Junk
        S: * ESEARCH (TAG "B02") UID COUNT 0
        S: * NO [NOUPDATE "B02"] {…}
        S: B02 OK {…}
    """)


async def test_multimailbox_esearch_updates_the_selected_mailbox(
        box: ImapTranscript, other: ImapTranscript) -> None:
    """RFC 7377 §2.2: UPDATE on a multi-mailbox ESEARCH follows the
    selected mailbox only; its updates name the tag as SEARCH's do."""
    await box.command('CREATE "Later"')
    await box.play("""
        C: F01 ESEARCH IN (personal) RETURN (UPDATE COUNT) UNFLAGGED
        S: * ESEARCH (TAG "F01" MAILBOX "INBOX" UIDVALIDITY {…}) UID COUNT 5
        S: F01 OK {…}
    """)
    await other.command(r"UID STORE 5 +FLAGS.SILENT (\Flagged)")
    await box.play(r"""
        C: F02 NOOP
        S: * 5 FETCH (FLAGS (\Recent \Flagged))
        S: * ESEARCH (TAG "F01") UID REMOVEFROM (0 5)
        S: F02 OK {…}
    """)


async def test_multimailbox_esearch_update_needs_a_selected_mailbox(
        server: RunningImap) -> None:
    """RFC 7377 §2.2: UPDATE with no mailbox selected is BAD."""
    client = await connect(server)
    try:
        await client.play("""
            C: F01 ESEARCH IN (personal) RETURN (UPDATE) ALL
            S: F01 BAD {…}
            C: F02 NOOP
            S: F02 OK {…}
        """)
    finally:
        await client.close()


def test_position_pairs_apply_in_turn() -> None:
    """§4.3.3-4: the pairs, applied one after another, give the new list."""
    old = [9, 7, 5, 3, 1]
    gone = {7, 5, 1}
    pairs = removals(old, gone)
    assert pairs == [(2, [7, 5]), (3, [1])]
    current = list(old)
    for position, run in pairs:
        assert current[position - 1:position - 1 + len(run)] == run
        del current[position - 1:position - 1 + len(run)]
    assert current == [9, 3]
    new = [10, 9, 8, 3, 2]
    inserts = additions(new, {10, 8, 2})
    assert inserts == [(1, [10]), (3, [8]), (5, [2])]
    for position, run in inserts:
        current[position - 1:position - 1] = run
    assert current == new


@given(st.data())
def test_position_pairs_property(data: st.DataObject) -> None:
    """Any removal, then any insertion keeping the rest in order: the pairs
    applied in turn give exactly the new list."""
    old = data.draw(st.lists(st.integers(1, 200), unique=True, max_size=30))
    gone = set(data.draw(st.lists(st.sampled_from(old), unique=True))) if old else set()
    kept = [u for u in old if u not in gone]
    fresh = data.draw(st.lists(st.integers(201, 400), unique=True, max_size=10))
    new = list(kept)
    for uid in fresh:
        new.insert(data.draw(st.integers(0, len(new))), uid)
    current = list(old)
    for position, run in removals(old, gone):
        assert current[position - 1:position - 1 + len(run)] == run
        del current[position - 1:position - 1 + len(run)]
    assert current == kept
    for position, run in additions(new, set(fresh)):
        current[position - 1:position - 1] = run
    assert current == new
