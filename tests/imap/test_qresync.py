"""QRESYNC transcripts (RFC 7162 §3.2), the RFC's examples adapted.

The fixture's INBOX holds UIDs 1 and 2 at MODSEQs 2 and 3 (HIGHESTMODSEQ
3); each change takes the next MODSEQ, so the numbers below are exact.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.harness.imap import ImapTranscript, RunningImap, connect, sample_message

_SELECT_LINES = 10
"""Untagged lines of a SELECT of the fixture's INBOX up to MAILBOXID (rev1), URLMECH among them."""


async def uidvalidity(imap: ImapTranscript) -> int:
    lines = await imap.command("STATUS INBOX (UIDVALIDITY)")
    return int(lines[0].split("UIDVALIDITY ")[1].rstrip(")"))


async def test_enable_qresync_implies_condstore(imap: ImapTranscript) -> None:
    """RFC 7162 §3.2.3: ENABLE QRESYNC and ENABLE QRESYNC CONDSTORE."""
    await imap.play(r"""
        C: a1 ENABLE QRESYNC CONDSTORE
        S: * ENABLED CONDSTORE QRESYNC
        S: a1 OK {…}
        C: a2 ENABLE QRESYNC
        S: * ENABLED
        S: a2 OK {…}
    """)
    await imap.select("INBOX")
    await imap.play(r"""
        C: a3 STORE 1 +FLAGS (\Seen)
        S: * 1 FETCH (FLAGS (\Recent \Seen) UID 1 MODSEQ (4))
        S: a3 OK {…}
    """)


async def test_qresync_needs_enable(imap: ImapTranscript) -> None:
    """RFC 7162 §3.2.5, §3.2.6: BAD without ENABLE QRESYNC; the mailbox
    selected stays so. VANISHED is BAD with FETCH and without CHANGEDSINCE."""
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 SELECT INBOX (QRESYNC (1 1))
        S: a1 BAD {…}
        C: a2 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)
        S: a2 BAD {…}
        C: a3 FETCH 1 (FLAGS)
        S: * 1 FETCH (FLAGS (\Recent))
        S: a3 OK {…}
        C: a4 ENABLE QRESYNC
        S: * OK [HIGHESTMODSEQ 3] {…}
        S: * ENABLED CONDSTORE QRESYNC
        S: a4 OK {…}
        C: a5 FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)
        S: a5 BAD {…}
        C: a6 UID FETCH 1:* (FLAGS) (VANISHED)
        S: a6 BAD {…}
    """)


async def test_expunge_says_vanished_and_highestmodseq(imap: ImapTranscript) -> None:
    """RFC 7162 §3.2.7 and §3.2.10.2 examples."""
    await imap.command("ENABLE QRESYNC")
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 APPEND INBOX {15+}
        C: Subject: 3
        C: 
        C: c
        S: * 3 EXISTS
        S: * 3 RECENT
        S: a1 OK {…}
        C: a2 STORE 1,3 +FLAGS.SILENT (\Deleted)
        S: * 1 FETCH (UID 1 MODSEQ (5))
        S: * 3 FETCH (UID 3 MODSEQ (5))
        S: a2 OK {…}
        C: a3 EXPUNGE
        S: * VANISHED 1,3
        S: a3 OK [HIGHESTMODSEQ 6] {…}
        C: a4 EXPUNGE
        S: a4 OK Completed
        C: a5 FETCH 1 (UID)
        S: * 1 FETCH (UID 2)
        S: a5 OK {…}
    """)


async def test_uid_expunge_says_vanished(imap: ImapTranscript) -> None:
    """RFC 7162 §3.2.9: only \\Deleted messages of the set go."""
    await imap.command("ENABLE QRESYNC")
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 1:2 +FLAGS.SILENT (\Deleted)
        S: * 1 FETCH (UID 1 MODSEQ (4))
        S: * 2 FETCH (UID 2 MODSEQ (4))
        S: a1 OK {…}
        C: a2 UID EXPUNGE 2:5
        S: * VANISHED 2
        S: a2 OK [HIGHESTMODSEQ 5] {…}
        C: a3 UID EXPUNGE 7
        S: a3 OK Completed
    """)


async def test_close_tells_no_highestmodseq(imap: ImapTranscript) -> None:
    """RFC 7162 §3.2.8: CLOSE expunges silently, no HIGHESTMODSEQ."""
    await imap.command("ENABLE QRESYNC")
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 1 +FLAGS.SILENT (\Deleted)
        S: * 1 FETCH (UID 1 MODSEQ (4))
        S: a1 OK {…}
        C: a2 CLOSE
        S: a2 OK Completed
        C: a3 STATUS INBOX (MESSAGES HIGHESTMODSEQ)
        S: * STATUS "INBOX" (MESSAGES 1 HIGHESTMODSEQ 5)
        S: a3 OK {…}
    """)


async def test_move_says_vanished(imap: ImapTranscript) -> None:
    """RFC 6851 §4.4: COPYUID, then VANISHED, then HIGHESTMODSEQ."""
    await imap.command("ENABLE QRESYNC")
    await imap.command("CREATE Archive")
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 UID MOVE 2 Archive
        S: * OK [COPYUID {…} 2 1] {…}
        S: * VANISHED 2
        S: a1 OK [HIGHESTMODSEQ 4] {…}
    """)


async def _both_select_and_imap2_expunges_first(imap: ImapTranscript,
                                                 imap2: ImapTranscript) -> None:
    await imap.command("ENABLE QRESYNC")
    await imap.select("INBOX")
    await imap2.select("INBOX")
    await imap2.command(r"STORE 1 +FLAGS.SILENT (\Deleted)")
    await imap2.command("EXPUNGE")


async def test_other_sessions_expunges_come_as_vanished(imap: ImapTranscript,
                                                        imap2: ImapTranscript) -> None:
    """RFC 7162 §3.2.10: NOOP and IDLE; none during FETCH (§3.2.10.2)."""
    await _both_select_and_imap2_expunges_first(imap, imap2)
    await imap.play(r"""
        C: a1 FETCH 2 (UID)
        S: * 2 FETCH (UID 2)
        S: * OK [HIGHESTMODSEQ 3] {…}
        S: a1 OK {…}
        C: a2 NOOP
        S: * VANISHED 1
        S: a2 OK {…}
        C: a3 IDLE
        S: + idling
    """)
    await imap2.command(r"STORE 1 +FLAGS.SILENT (\Deleted)")
    await imap2.command("EXPUNGE")
    await imap.play(r"""
        S: * 1 FETCH (FLAGS (\Recent \Deleted) UID 2 MODSEQ (6))
        S: * VANISHED 2
        C: DONE
        S: a3 OK {…}
    """)


async def test_uid_search_with_message_numbers_holds_vanished(imap: ImapTranscript,
                                                              imap2: ImapTranscript) -> None:
    """RFC 7162 §3.2.10.2: not during a UID SEARCH naming message numbers."""
    await _both_select_and_imap2_expunges_first(imap, imap2)
    await imap.play(r"""
        C: a1 UID SEARCH 1:2
        S: * SEARCH 1 2
        S: * OK [HIGHESTMODSEQ 3] {…}
        S: a1 OK {…}
        C: a2 UID SEARCH ALL
        S: * SEARCH 1 2
        S: * VANISHED 1
        S: a2 OK {…}
    """)


async def test_uid_fetch_vanished(imap: ImapTranscript) -> None:
    """RFC 7162 §3.2.6 Example: VANISHED (EARLIER) before any FETCH."""
    await imap.command("ENABLE QRESYNC")
    await imap.select("INBOX")
    for n in range(3, 7):
        await imap.command(f"APPEND INBOX {{15+}}\r\nSubject: {n}\r\n\r\nc")
    await imap.command(r"UID STORE 1,4,5 +FLAGS.SILENT (\Deleted)")
    await imap.command("UID EXPUNGE 1,4")
    await imap.command(r"UID STORE 5 -FLAGS.SILENT (\Deleted)")
    await imap.play(r"""
        C: a1 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 8 VANISHED)
        S: * VANISHED (EARLIER) 1,4
        S: * 3 FETCH (UID 5 FLAGS (\Recent) MODSEQ (10))
        S: a1 OK {…}
        C: a2 UID FETCH 2:3 (FLAGS) (CHANGEDSINCE 8 VANISHED)
        S: a2 OK {…}
        C: a3 UID FETCH 1:9 (FLAGS) (CHANGEDSINCE 10 VANISHED)
        S: a3 OK {…}
        C: a4 UID SEARCH RETURN (SAVE) UID 1:3
        S: a4 OK {…}
        C: a5 UID FETCH $,4 (UID) (CHANGEDSINCE 2 VANISHED)
        S: * VANISHED (EARLIER) 4
        S: * 1 FETCH (UID 2 MODSEQ (3))
        S: * 2 FETCH (UID 3 MODSEQ (4))
        S: a5 OK {…}
    """)


async def _expunge_first(imap2: ImapTranscript) -> None:
    """Another session expunges UID 1 (MODSEQ 4, 5) and flags UID 2 (6)."""
    await imap2.select("INBOX")
    await imap2.command(r"STORE 1 +FLAGS.SILENT (\Deleted)")
    await imap2.command("EXPUNGE")
    await imap2.command(r"STORE 1 +FLAGS.SILENT (\Flagged)")
    await imap2.command("UNSELECT")


async def test_select_qresync_resynchronises(imap: ImapTranscript,
                                             imap2: ImapTranscript) -> None:
    """RFC 7162 §3.2.5.1 example: VANISHED (EARLIER), then FETCH of what
    changed; CLOSED first when a mailbox was selected (§3.2.11)."""
    await _expunge_first(imap2)
    uv = await uidvalidity(imap)
    await imap.command("ENABLE QRESYNC")
    await imap.command("CREATE Other")
    await imap.select("Other")
    await imap.play(rf"""
        C: a1 SELECT INBOX (QRESYNC ({uv} 3 1:9))
        S: * OK [CLOSED] {{…}}
        S: * 1 EXISTS
        S: * 0 RECENT
        S: * OK [UNSEEN 1] {{…}}
        S: * FLAGS {{…}}
        S: * OK [PERMANENTFLAGS {{…}}] {{…}}
        S: * OK [UIDVALIDITY {uv}] {{…}}
        S: * OK [UIDNEXT 3] {{…}}
        S: * OK [HIGHESTMODSEQ 6] {{…}}
        S: * OK [URLMECH INTERNAL] Ok
        S: * OK [MAILBOXID ({{…}})] {{…}}
        S: * VANISHED (EARLIER) 1
        S: * 1 FETCH (FLAGS (\Flagged) UID 2 MODSEQ (6))
        S: a1 OK [READ-WRITE] {{…}}
    """)


async def test_select_qresync_without_known_uids_and_with_newer_modseq(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    """RFC 7162 §3.2.5.1: no known UIDs means 1:(UIDNEXT-1); nothing
    changed after the client's MODSEQ means nothing is sent."""
    await _expunge_first(imap2)
    uv = await uidvalidity(imap)
    await imap.command("ENABLE QRESYNC")
    lines = await imap.command(f"EXAMINE INBOX (QRESYNC ({uv} 4))")
    assert lines[_SELECT_LINES:] == [
        "* VANISHED (EARLIER) 1",
        "* 1 FETCH (FLAGS (\\Flagged) UID 2 MODSEQ (6))",
        lines[-1]], lines
    lines = await imap.command(f"EXAMINE INBOX (QRESYNC ({uv} 6))")
    assert not any("VANISHED" in line or "FETCH" in line for line in lines), lines


async def test_select_qresync_with_another_uidvalidity_is_plain(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    """RFC 7162 §3.2.5: a UIDVALIDITY that differs: as if nothing changed."""
    await _expunge_first(imap2)
    uv = await uidvalidity(imap)
    await imap.command("ENABLE QRESYNC")
    lines = await imap.command(f"SELECT INBOX (QRESYNC ({uv + 1} 1 1:2))")
    assert not any("VANISHED" in line or "FETCH" in line for line in lines), lines


async def test_seq_match_data_narrows_vanished(imap_server: RunningImap,
                                               imap: ImapTranscript,
                                               imap2: ImapTranscript) -> None:
    """RFC 7162 §3.2.5.2: pairs that still hold spare the UIDs up to them."""
    box = await imap_server.mailbox_id("user.bob")
    for n in range(3, 11):
        await imap_server.ctx.store.append(box, sample_message(n))
    await imap2.select("INBOX")
    await imap2.command(r"UID STORE 2,7 +FLAGS.SILENT (\Deleted)")
    await imap2.command("EXPUNGE")  # UIDs 1 3:6 8:10 are left; the expunge is MODSEQ 13
    uv = await uidvalidity(imap)
    await imap.command("ENABLE QRESYNC")
    full = await imap.command(f"EXAMINE INBOX (QRESYNC ({uv} 12 1:10))")
    assert "* VANISHED (EARLIER) 2,7" in full, full
    # Messages 1 and 5 are UIDs 1 and 6 now; the client still says 1 -> 1
    # (holds) and 6 -> 6 (no longer): only UIDs above 1 are reported.
    narrowed = await imap.command(f"EXAMINE INBOX (QRESYNC ({uv} 12 1:10 (1,6 1,6)))")
    assert "* VANISHED (EARLIER) 2,7" in narrowed, narrowed
    # 1 -> 1 and 4 -> 5 hold: nothing up to UID 5 is reported.
    spared = await imap.command(f"EXAMINE INBOX (QRESYNC ({uv} 12 1:10 (1,4 1,5)))")
    assert "* VANISHED (EARLIER) 7" in spared, spared
    # Everything the client knows holds: no VANISHED at all.
    none = await imap.command(f"EXAMINE INBOX (QRESYNC ({uv} 12 1:10 (1:8 1,3:6,8:10)))")
    assert not any("VANISHED" in line for line in none), none
    # A huge range pairs no further than the mailbox reaches.
    huge = await imap.command(
        f"EXAMINE INBOX (QRESYNC ({uv} 12 1:10 (1:4294967295 1:4294967295)))")
    assert "* VANISHED (EARLIER) 2,7" in huge, huge


async def test_vanished_earlier_names_only_expunged_known_uids(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    """UIDs the client names that never existed (past UIDNEXT) are not
    reported; nor are expunges it was told of before its MODSEQ."""
    await _expunge_first(imap2)
    uv = await uidvalidity(imap)
    await imap.command("ENABLE QRESYNC")
    lines = await imap.command(f"EXAMINE INBOX (QRESYNC ({uv} 5 1:100))")
    assert not any("VANISHED" in line for line in lines), lines
    lines = await imap.command(f"EXAMINE INBOX (QRESYNC ({uv} 4 2:100))")
    assert not any("VANISHED" in line for line in lines), lines
    lines = await imap.command(f"EXAMINE INBOX (QRESYNC ({uv} 4 1:*))")
    assert "* VANISHED (EARLIER) 1" in lines, lines


async def test_vanished_stays_exact_after_cyr_expire_and_unexpunge(
        imap_server: RunningImap, imap: ImapTranscript) -> None:
    """Restoring a message (unexpunge, at a new UID) keeps its tombstone;
    cyr_expire -X then purges the tombstones, and a client's resync from
    before, now answered from the live UIDs, still learns exactly what went."""
    store = imap_server.ctx.store
    box = await imap_server.mailbox_id("user.bob")
    await store.store_flags(box, [1, 2], "add", ["\\Deleted"])
    await store.expunge(box)  # MODSEQ 5; delayed: both bodies held
    await store.unexpunge(box, [2])  # back as UID 3, MODSEQ 6
    await store.expire_expunged(datetime.now(UTC) + timedelta(days=1))
    uv = await uidvalidity(imap)
    await imap.command("ENABLE QRESYNC")
    lines = await imap.command(f"EXAMINE INBOX (QRESYNC ({uv} 3))")
    assert "* VANISHED (EARLIER) 1:2" in lines, lines
    assert any(line.startswith("* 1 FETCH (FLAGS (\\Recent \\Deleted) UID 3 MODSEQ (6))")
               for line in lines), lines


async def test_a_deleted_mailbox_brought_back_resyncs_exactly(
        imap_server: RunningImap, imap: ImapTranscript) -> None:
    """delete_mode: delayed moves records and tombstones together, with
    UIDVALIDITY and MODSEQ: once an administrator renames the mailbox back,
    a client's QRESYNC from before the DELETE is still exact."""
    await imap.command("ENABLE QRESYNC")
    await imap.command("CREATE Work")
    for n in (1, 2):
        await imap.command(f"APPEND Work {{15+}}\r\nSubject: {n}\r\n\r\nc")
    lines = await imap.command("SELECT Work")
    uv = next(x for x in lines if "UIDVALIDITY" in x).split("UIDVALIDITY ")[1].split("]")[0]
    await imap.command(r"UID STORE 1 +FLAGS.SILENT (\Deleted)")
    await imap.command("UID EXPUNGE 1")  # MODSEQ 5
    await imap.command("UNSELECT")
    await imap.command("DELETE Work")
    admin = await connect(imap_server, user="admin")
    try:
        kept = (await admin.command('LIST "" "DELETED/*"'))[0].rpartition(" ")[2]
        await admin.command(f"RENAME {kept} user/bob/Work")
    finally:
        await admin.close()
    lines = await imap.command(f"SELECT Work (QRESYNC ({uv} 3))")
    assert f"* OK [UIDVALIDITY {uv}] UIDs valid" in lines, lines
    assert "* VANISHED (EARLIER) 1" in lines, lines
    assert not any(" FETCH " in line for line in lines), lines
