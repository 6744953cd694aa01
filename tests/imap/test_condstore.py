"""CONDSTORE transcripts (RFC 7162 §3.1), the RFC's examples adapted.

The fixture's INBOX is made at MODSEQ 1 and each of its two messages is
appended at a MODSEQ of its own (2 and 3), so every MODSEQ below is exact:
each change takes the mailbox's next one.
"""

from __future__ import annotations

from tests.harness.imap import ImapTranscript


async def select_condstore(imap: ImapTranscript) -> None:
    """SELECT INBOX (CONDSTORE): its HIGHESTMODSEQ is the fixture's 3."""
    lines = await imap.command("SELECT INBOX (CONDSTORE)")
    assert "* OK [HIGHESTMODSEQ 3] Highest" in lines, lines


async def test_capability_and_select_report_highestmodseq(imap: ImapTranscript) -> None:
    """RFC 7162 §3.1.1, §3.1.2.1 Example 1, §3.1.8 Example 18: never NOMODSEQ."""
    lines = await imap.command("CAPABILITY")
    assert {"CONDSTORE", "QRESYNC", "ENABLE"} <= set(lines[0].split())
    await imap.play(r"""
        C: a1 SELECT INBOX (CONDSTORE)
        S: * 2 EXISTS
        S: * 2 RECENT
        S: * OK [UNSEEN 1] {…}
        S: * FLAGS {…}
        S: * OK [PERMANENTFLAGS {…}] {…}
        S: * OK [UIDVALIDITY {…}] {…}
        S: * OK [UIDNEXT 3] {…}
        S: * OK [HIGHESTMODSEQ 3] {…}
        S: * OK [URLMECH INTERNAL] Ok
        S: * OK [MAILBOXID ({…})] {…}
        S: a1 OK [READ-WRITE] {…}
        C: a2 EXAMINE INBOX
        S: * OK [CLOSED] {…}
        S: * 2 EXISTS
        S: * 0 RECENT
        S: * OK [UNSEEN 1] {…}
        S: * FLAGS {…}
        S: * OK [PERMANENTFLAGS ()] {…}
        S: * OK [UIDVALIDITY {…}] {…}
        S: * OK [UIDNEXT 3] {…}
        S: * OK [HIGHESTMODSEQ 3] {…}
        S: * OK [URLMECH INTERNAL] Ok
        S: * OK [MAILBOXID ({…})] {…}
        S: a2 OK [READ-ONLY] {…}
        C: a3 STORE 1 (UNCHANGEDSINCE 5) +FLAGS (\Seen)
        S: a3 NO [READ-ONLY] {…}
    """)


async def test_status_highestmodseq(imap: ImapTranscript) -> None:
    """RFC 7162 §3.1.7 Example 17."""
    await imap.play(r"""
        C: a1 STATUS INBOX (UIDNEXT MESSAGES HIGHESTMODSEQ)
        S: * STATUS "INBOX" (UIDNEXT 3 MESSAGES 2 HIGHESTMODSEQ 3)
        S: a1 OK {…}
        C: a2 CREATE Empty
        S: a2 OK {…}
        C: a3 STATUS Empty (HIGHESTMODSEQ)
        S: * STATUS "Empty" (HIGHESTMODSEQ 1)
        S: a3 OK {…}
    """)


async def test_fetch_modseq_enables_condstore(imap: ImapTranscript) -> None:
    """RFC 7162 §3.1.4.2 Example 13; §3.1: the first enabling command with a
    mailbox selected reports HIGHESTMODSEQ, then every untagged FETCH
    carries UID and MODSEQ (§3.2.4)."""
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 1 +FLAGS (\Flagged)
        S: * 1 FETCH (FLAGS (\Recent \Flagged))
        S: a1 OK {…}
        C: a2 FETCH 1:2 (MODSEQ)
        S: * OK [HIGHESTMODSEQ 4] {…}
        S: * 1 FETCH (MODSEQ (4))
        S: * 2 FETCH (MODSEQ (3))
        S: a2 OK {…}
        C: a3 FETCH 1 (MODSEQ FLAGS)
        S: * 1 FETCH (MODSEQ (4) FLAGS (\Recent \Flagged))
        S: a3 OK {…}
        C: a4 STORE 2 +FLAGS (\Answered)
        S: * 2 FETCH (FLAGS (\Recent \Answered) UID 2 MODSEQ (5))
        S: a4 OK {…}
    """)


async def test_enable_condstore(imap: ImapTranscript) -> None:
    """RFC 5161 §3.1 and RFC 7162 §3.1: ENABLE CONDSTORE while selected."""
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 ENABLE CONDSTORE
        S: * OK [HIGHESTMODSEQ 3] {…}
        S: * ENABLED CONDSTORE
        S: a1 OK {…}
        C: a2 ENABLE CONDSTORE
        S: * ENABLED
        S: a2 OK {…}
        C: a3 STORE 1 +FLAGS.SILENT (\Seen)
        S: * 1 FETCH (UID 1 MODSEQ (4))
        S: a3 OK {…}
        C: a4 STORE 1 +FLAGS (\Seen)
        S: * 1 FETCH (FLAGS (\Recent \Seen) UID 1 MODSEQ (4))
        S: a4 OK {…}
    """)
    # RFC 7162 §3.1.11: adding a flag already there leaves MODSEQ alone.


async def test_conditional_store_all_pass(imap: ImapTranscript) -> None:
    """RFC 7162 §3.1.3 Examples 3 and 5: one MODSEQ for the whole STORE;
    FETCH with MODSEQ even under .SILENT."""
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 UID STORE 2,1 (UNCHANGEDSINCE 3) +FLAGS.SILENT (\Deleted)
        S: * OK [HIGHESTMODSEQ 3] {…}
        S: * 1 FETCH (UID 1 MODSEQ (4))
        S: * 2 FETCH (UID 2 MODSEQ (4))
        S: a1 OK Completed
        C: a2 STORE 1 (UNCHANGEDSINCE 4) -FLAGS.SILENT (\Deleted)
        S: * 1 FETCH (UID 1 MODSEQ (5))
        S: a2 OK Completed
    """)


async def test_conditional_store_reports_modified(imap: ImapTranscript) -> None:
    """RFC 7162 §3.1.3 Example 6: the failures go into MODIFIED, the rest is done."""
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 1 FLAGS (\Answered)
        S: * 1 FETCH (FLAGS (\Recent \Answered))
        S: a1 OK {…}
        C: a2 STORE 2,1 (UNCHANGEDSINCE 3) FLAGS.SILENT (\Deleted)
        S: * OK [HIGHESTMODSEQ 4] {…}
        S: * 2 FETCH (UID 2 MODSEQ (5))
        S: a2 OK [MODIFIED 1] Conditional STORE failed
        C: a3 FETCH 1:2 FLAGS
        S: * 1 FETCH (FLAGS (\Recent \Answered))
        S: * 2 FETCH (FLAGS (\Recent \Deleted))
        S: a3 OK {…}
    """)


async def test_unchangedsince_zero_always_fails(imap: ImapTranscript) -> None:
    """RFC 7162 §3.1.3 Examples 7 and 8: a system flag always exists."""
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 2 (UNCHANGEDSINCE 0) +FLAGS.SILENT ($MDNSent)
        S: * OK [HIGHESTMODSEQ 3] {…}
        S: a1 OK [MODIFIED 2] Conditional STORE failed
        C: a2 FETCH 2 (FLAGS MODSEQ)
        S: * 2 FETCH (FLAGS (\Recent) MODSEQ (3))
        S: a2 OK {…}
    """)


async def test_modified_names_numbers_or_uids(imap: ImapTranscript) -> None:
    """RFC 7162 §3.1.3: message numbers for STORE, UIDs for UID STORE."""
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 1 +FLAGS.SILENT (\Deleted)
        S: a1 OK {…}
        C: a2 EXPUNGE
        S: * 1 EXPUNGE
        S: a2 OK {…}
        C: a3 STORE 1 (UNCHANGEDSINCE 0) +FLAGS (x)
        S: * OK [HIGHESTMODSEQ 5] {…}
        S: a3 OK [MODIFIED 1] {…}
        C: a4 UID STORE 2 (UNCHANGEDSINCE 0) +FLAGS (x)
        S: a4 OK [MODIFIED 2] {…}
    """)


async def test_another_sessions_change_of_another_flag_passes(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    """RFC 7162 §3.1.12 and Example 10 ("nice server behavior"): a +FLAGS
    whose flag nobody touched passes although the message changed; the
    reply shows the flags the client could not know."""
    await imap.select("INBOX")
    await imap2.select("INBOX")
    await imap2.command(r"STORE 1 +FLAGS (\Answered)")
    await imap.play(r"""
        C: a1 STORE 1:2 (UNCHANGEDSINCE 3) +FLAGS.SILENT ($Processed)
        S: * OK [HIGHESTMODSEQ 3] {…}
        S: * FLAGS (\Answered \Flagged \Draft \Deleted \Seen $Processed)
        S: * OK [PERMANENTFLAGS {…}] {…}
        S: * 1 FETCH (FLAGS (\Recent \Answered $Processed) UID 1 MODSEQ (5))
        S: * 2 FETCH (UID 2 MODSEQ (5))
        S: a1 OK Completed
        C: a2 NOOP
        S: a2 OK {…}
    """)


async def test_another_sessions_change_of_the_same_flag_fails(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    """RFC 7162 §3.1.3 Example 10: MODIFIED, and the unsolicited FETCH that
    spares the client a NOOP comes before the tagged reply."""
    await imap.select("INBOX")
    await imap2.select("INBOX")
    await imap2.command("STORE 1 +FLAGS ($Processed)")
    await imap.play(r"""
        C: a1 STORE 1:2 (UNCHANGEDSINCE 3) +FLAGS.SILENT ($Processed)
        S: * OK [HIGHESTMODSEQ 3] {…}
        S: * FLAGS (\Answered \Flagged \Draft \Deleted \Seen $Processed)
        S: * OK [PERMANENTFLAGS {…}] {…}
        S: * 2 FETCH (UID 2 MODSEQ (5))
        S: * 1 FETCH (FLAGS (\Recent $Processed) UID 1 MODSEQ (4))
        S: a1 OK [MODIFIED 1] Conditional STORE failed
    """)


async def test_a_change_the_client_saw_after_unchangedsince_fails(imap: ImapTranscript) -> None:
    """The §3.1.12 shortcut speaks only for what the client knew as of
    UNCHANGEDSINCE: its own later change of the message still fails."""
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 1 +FLAGS (\Seen)
        S: * 1 FETCH (FLAGS (\Recent \Seen))
        S: a1 OK {…}
        C: a2 STORE 1 (UNCHANGEDSINCE 3) -FLAGS ($Junk)
        S: * OK [HIGHESTMODSEQ 4] {…}
        S: a2 OK [MODIFIED 1] {…}
    """)


async def test_changedsince(imap: ImapTranscript) -> None:
    """RFC 7162 §3.1.4.1 Example 12: only messages changed after the MODSEQ."""
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 2 +FLAGS ($NoJunk)
        S: * FLAGS {…}
        S: * OK [PERMANENTFLAGS {…}] {…}
        S: * 2 FETCH (FLAGS (\Recent $NoJunk))
        S: a1 OK {…}
        C: a2 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 3)
        S: * OK [HIGHESTMODSEQ 4] {…}
        S: * 2 FETCH (UID 2 FLAGS (\Recent $NoJunk) MODSEQ (4))
        S: a2 OK {…}
        C: a3 FETCH 1:* (FLAGS) (CHANGEDSINCE 4)
        S: a3 OK {…}
        C: a4 FETCH 1:* (UID) (CHANGEDSINCE 1)
        S: * 1 FETCH (UID 1 MODSEQ (2))
        S: * 2 FETCH (UID 2 MODSEQ (4))
        S: a4 OK {…}
    """)


async def test_other_sessions_changes_carry_modseq(imap: ImapTranscript,
                                                   imap2: ImapTranscript) -> None:
    """RFC 7162 §3.1.4.2 Example 14 (one user, so \\Seen reaches both)."""
    await select_condstore(imap)
    await imap2.select("INBOX")
    await imap2.command(r"STORE 1 +FLAGS.SILENT (\Deleted)")
    await imap.play(r"""
        C: a2 NOOP
        S: * 1 FETCH (FLAGS (\Recent \Deleted) UID 1 MODSEQ (4))
        S: a2 OK {…}
    """)
    await imap2.command(r"STORE 1 -FLAGS.SILENT (\Deleted)")
    await imap2.command(r"STORE 1 +FLAGS.SILENT (\Seen)")
    await imap.play(r"""
        C: a3 NOOP
        S: * 1 FETCH (FLAGS (\Recent \Seen) UID 1 MODSEQ (6))
        S: a3 OK {…}
    """)


async def test_implicit_seen_reply_carries_uid_and_modseq(imap: ImapTranscript) -> None:
    """RFC 7162 §3.2.4: a FETCH that sets \\Seen tells UID and MODSEQ too."""
    await select_condstore(imap)
    await imap.play(r"""
        C: a2 FETCH 2 (BODY[HEADER.FIELDS (SUBJECT)])
        S: * 2 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {20}
        S: Subject: Hello 2
        S: 
        S:  FLAGS (\Recent \Seen) UID 2 MODSEQ (4))
        S: a2 OK {…}
    """)


async def test_search_modseq(imap: ImapTranscript) -> None:
    """RFC 7162 §3.1.5 Examples 15 and 16, §3.1.10 Example 19; the entry
    name and type are parsed and ignored (one MODSEQ per message)."""
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 2 +FLAGS (\Draft)
        S: * 2 FETCH (FLAGS (\Recent \Draft))
        S: a1 OK {…}
        C: a2 SEARCH MODSEQ "/flags/\\draft" all 4
        S: * OK [HIGHESTMODSEQ 4] {…}
        S: * SEARCH 2 (MODSEQ 4)
        S: a2 OK {…}
        C: a3 SEARCH OR NOT MODSEQ 1 LARGER 50000
        S: * SEARCH
        S: a3 OK {…}
        C: a4 SEARCH RETURN (ALL) MODSEQ 1
        S: * ESEARCH (TAG "a4") ALL 1:2 MODSEQ 4
        S: a4 OK {…}
        C: a5 UID SEARCH RETURN (COUNT) MODSEQ 3
        S: * ESEARCH (TAG "a5") UID COUNT 1 MODSEQ 4
        S: a5 OK {…}
        C: a6 UID SEARCH MODSEQ "/flags/$x" priv 2 UNDRAFT
        S: * SEARCH 1 (MODSEQ 2)
        S: a6 OK {…}
        C: a7 SEARCH MODSEQ "/flags/\\seen" bogus 2
        S: a7 BAD {…}
    """)


async def test_esearch_min_max_tell_their_own_modseq(imap: ImapTranscript) -> None:
    """RFC 4731 §3.2: RETURN (MIN) or (MAX) alone gives the found message's
    mod-sequence, MIN and MAX the higher of the two; ALL or COUNT the
    highest of all. Message 1 changes last, so the two differ."""
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 2 +FLAGS.SILENT (\Seen)
        S: a1 OK {…}
        C: a2 STORE 1 +FLAGS.SILENT (\Seen)
        S: a2 OK {…}
        C: a3 SEARCH RETURN (MAX) MODSEQ "/flags/\\seen" all 1
        S: * OK [HIGHESTMODSEQ 5] {…}
        S: * ESEARCH (TAG "a3") MAX 2 MODSEQ 4
        S: a3 OK {…}
        C: a4 SEARCH RETURN (MIN) MODSEQ 1
        S: * ESEARCH (TAG "a4") MIN 1 MODSEQ 5
        S: a4 OK {…}
        C: a5 UID SEARCH RETURN (MIN MAX) 2 MODSEQ 1
        S: * ESEARCH (TAG "a5") UID MIN 2 MAX 2 MODSEQ 4
        S: a5 OK {…}
        C: a6 SEARCH RETURN (MAX COUNT) MODSEQ 1
        S: * ESEARCH (TAG "a6") MAX 2 COUNT 2 MODSEQ 5
        S: a6 OK {…}
        C: a7 SORT RETURN (MAX) (ARRIVAL) UTF-8 MODSEQ 1
        S: * ESEARCH (TAG "a7") MAX 2 MODSEQ 4
        S: a7 OK {…}
    """)


async def test_an_expunge_waiting_holds_highestmodseq_back(imap: ImapTranscript,
                                                          imap2: ImapTranscript) -> None:
    """RFC 7162 §3.2 and the example of §6: while an expunge cannot be told
    (FETCH), MODSEQs past it come with a HIGHESTMODSEQ below it."""
    await imap.command("ENABLE CONDSTORE")
    await imap.select("INBOX")
    await imap2.select("INBOX")
    await imap2.command(r"STORE 1 +FLAGS.SILENT (\Deleted)")
    await imap2.command("EXPUNGE")
    await imap2.command(r"STORE 1 +FLAGS.SILENT (\Flagged)")
    await imap.play(r"""
        C: a1 FETCH 2 (FLAGS)
        S: * 2 FETCH (FLAGS (\Recent))
        S: * 2 FETCH (FLAGS (\Recent \Flagged) UID 2 MODSEQ (6))
        S: * OK [HIGHESTMODSEQ 3] {…}
        S: a1 OK {…}
        C: a2 NOOP
        S: * 1 EXPUNGE
        S: a2 OK {…}
        C: a3 FETCH 1 (MODSEQ)
        S: * 1 FETCH (MODSEQ (6))
        S: a3 OK {…}
    """)
