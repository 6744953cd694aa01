"""Transcripts: APPEND, STORE, COPY, MOVE, EXPUNGE, CLOSE and what other
sessions see (RFC 9051 §6.3.12, §6.4; RFC 4315 UIDPLUS; RFC 6851 MOVE)."""

from tests.harness.imap import ImapTranscript


async def test_append_with_flags_and_date(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 APPEND INBOX (\Seen $Work) "05-Jan-2024 10:00:00 +0100" {19+}
        C: Subject: hi
        C: 
        C: body
        S: a1 OK [APPENDUID {…} 3] {…}
        C: a2 STATUS INBOX (MESSAGES UNSEEN)
        S: * STATUS "INBOX" (MESSAGES 3 UNSEEN 2)
        S: a2 OK {…}
    """)


async def test_append_synchronising_literal(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 APPEND INBOX {15}
        S: + go ahead
        C: Subject: x
        C: 
        C: y
        S: a1 OK [APPENDUID {…} 3] {…}
    """)


async def test_append_to_missing_mailbox_says_trycreate(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 APPEND Nowhere {5+}
        C: hello
        S: a1 NO [TRYCREATE] {…}
    """)


async def test_store_flags_and_silent(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 1 +FLAGS (\Flagged $Important)
        S: * FLAGS (\Answered \Flagged \Draft \Deleted \Seen $Important)
        S: * OK [PERMANENTFLAGS {…}] {…}
        S: * 1 FETCH (FLAGS (\Recent \Flagged $Important))
        S: a1 OK {…}
        C: a2 STORE 1 -FLAGS.SILENT ($Important)
        S: a2 OK {…}
        C: a3 UID STORE 2 FLAGS (\Seen)
        S: * 2 FETCH (FLAGS (\Recent \Seen) UID 2)
        S: a3 OK {…}
        C: a4 STORE 5 +FLAGS (\Seen)
        S: a4 BAD {…}
    """)


async def test_expunge_reaches_other_session(imap: ImapTranscript, imap2: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap2.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 1 +FLAGS (\Deleted)
        S: * 1 FETCH (FLAGS (\Recent \Deleted))
        S: a1 OK {…}
        C: a2 EXPUNGE
        S: * 1 EXPUNGE
        S: a2 OK {…}
    """)
    await imap2.play(r"""
        C: b1 NOOP
        S: * 1 EXPUNGE
        S: b1 OK {…}
    """)


async def test_new_message_reaches_other_session(imap: ImapTranscript, imap2: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap2.play(r"""
        C: b1 APPEND INBOX {15+}
        C: Subject: x
        C: 
        C: y
        S: b1 OK {…}
    """)
    await imap.play(r"""
        C: a1 NOOP
        S: * 3 EXISTS
        S: * 3 RECENT
        S: a1 OK {…}
    """)


async def test_flag_change_reaches_other_session(imap: ImapTranscript, imap2: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap2.select("INBOX")
    await imap.command("STORE 2 +FLAGS (\\Answered)")
    await imap2.play(r"""
        C: b1 NOOP
        S: * 2 FETCH (FLAGS (\Answered))
        S: b1 OK {…}
    """)


async def test_uid_expunge_only_named_messages(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 1:2 +FLAGS.SILENT (\Deleted)
        S: a1 OK {…}
        C: a2 UID EXPUNGE 2
        S: * 2 EXPUNGE
        S: a2 OK {…}
    """)


async def test_copy_and_move_report_copyuid(imap: ImapTranscript) -> None:
    await imap.command("CREATE Keep")
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 COPY 1:2 Keep
        S: a1 OK [COPYUID {…} 1:2 1:2] {…}
        C: a2 UID MOVE 1 Keep
        S: * OK [COPYUID {…} 1 3] {…}
        S: * 1 EXPUNGE
        S: a2 OK {…}
        C: a3 COPY 1 Nowhere
        S: a3 NO [TRYCREATE] {…}
        C: a4 STATUS Keep (MESSAGES)
        S: * STATUS "Keep" (MESSAGES 3)
        S: a4 OK {…}
    """)


async def test_close_expunges_silently_examine_does_not(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 1 +FLAGS.SILENT (\Deleted)
        S: a1 OK {…}
        C: a2 CLOSE
        S: a2 OK {…}
        C: a3 EXAMINE INBOX
        S: * 1 EXISTS
        S: * 0 RECENT
        S: * OK [UNSEEN 1] {…}
        S: * FLAGS {…}
        S: * OK [PERMANENTFLAGS ()] {…}
        S: * OK [UIDVALIDITY {…}] {…}
        S: * OK [UIDNEXT 3] {…}
        S: * OK [HIGHESTMODSEQ {…}] {…}
        S: * OK [URLMECH INTERNAL] Ok
        S: * OK [MAILBOXID ({…})] {…}
        S: a3 OK [READ-ONLY] {…}
        C: a4 STORE 1 +FLAGS (\Seen)
        S: a4 NO [READ-ONLY] {…}
    """)


async def test_idle_wakes_on_delivery(imap: ImapTranscript, imap2: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 IDLE
        S: + idling
    """)
    await imap2.command("APPEND INBOX {15+}\r\nSubject: x\r\n\r\ny")
    await imap.play(r"""
        S: * 3 EXISTS
        S: * 3 RECENT
        C: DONE
        S: a1 OK {…}
    """)


async def test_enable_imap4rev2_changes_select(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 ENABLE IMAP4rev2
        S: * ENABLED IMAP4REV2
        S: a1 OK {…}
        C: a2 SELECT INBOX
        S: * 2 EXISTS
        S: * FLAGS {…}
        S: * OK [PERMANENTFLAGS {…}] {…}
        S: * OK [UIDVALIDITY {…}] {…}
        S: * OK [UIDNEXT 3] {…}
        S: * OK [HIGHESTMODSEQ {…}] {…}
        S: * OK [URLMECH INTERNAL] Ok
        S: * OK [MAILBOXID ({…})] {…}
        S: * LIST () "/" "INBOX"
        S: a2 OK [READ-WRITE] {…}
    """)


async def test_imap4rev2_shows_no_recent_flag(imap: ImapTranscript) -> None:
    await imap.command("ENABLE IMAP4rev2")
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 FETCH 1 FLAGS
        S: * 1 FETCH (FLAGS ())
        S: a1 OK {…}
    """)


async def test_new_keyword_redefines_flags(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 1 +FLAGS ($Label1)
        S: * FLAGS (\Answered \Flagged \Draft \Deleted \Seen $Label1)
        S: * OK [PERMANENTFLAGS (\Answered \Flagged \Draft \Deleted \Seen $Label1 \*)] {…}
        S: * 1 FETCH (FLAGS (\Recent $Label1))
        S: a1 OK {…}
        C: a2 STORE 2 +FLAGS ($Label1)
        S: * 2 FETCH (FLAGS (\Recent $Label1))
        S: a2 OK {…}
    """)


async def test_star_ranges_in_an_empty_mailbox_match_nothing(imap: ImapTranscript) -> None:
    await imap.command("CREATE Empty")
    await imap.select("Empty")
    await imap.play(r"""
        C: a1 FETCH 1:* FLAGS
        S: a1 OK {…}
        C: a2 STORE 1:* +FLAGS (\Seen)
        S: a2 OK {…}
        C: a3 FETCH 1 FLAGS
        S: a3 BAD {…}
    """)


async def test_check_unselect_and_closed(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 CHECK
        S: a1 OK {…}
        C: a2 STORE 1 +FLAGS.SILENT (\Deleted)
        S: a2 OK {…}
        C: a3 SELECT INBOX
        S: * OK [CLOSED] {…}
        S: * 2 EXISTS
        S: * 0 RECENT
        S: * OK [UNSEEN 1] {…}
        S: * FLAGS {…}
        S: * OK [PERMANENTFLAGS {…}] {…}
        S: * OK [UIDVALIDITY {…}] {…}
        S: * OK [UIDNEXT 3] {…}
        S: * OK [HIGHESTMODSEQ {…}] {…}
        S: * OK [URLMECH INTERNAL] Ok
        S: * OK [MAILBOXID ({…})] {…}
        S: a3 OK [READ-WRITE] {…}
        C: a4 UNSELECT
        S: a4 OK {…}
        C: a5 STATUS INBOX (MESSAGES DELETED)
        S: * STATUS "INBOX" (MESSAGES 2 DELETED 1)
        S: a5 OK {…}
        C: a6 CHECK
        S: a6 BAD {…}
    """)


async def test_keywords_match_case_insensitively(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 1 +FLAGS.SILENT ($Label1)
        S: * FLAGS {…}
        S: * OK [PERMANENTFLAGS {…}] {…}
        S: a1 OK {…}
        C: a2 STORE 1:2 +FLAGS ($label1 $LABEL1)
        S: * 1 FETCH (FLAGS (\Recent $Label1))
        S: * 2 FETCH (FLAGS (\Recent $Label1))
        S: a2 OK {…}
        C: a3 STORE 1 -FLAGS ($LABEL1)
        S: * 1 FETCH (FLAGS (\Recent))
        S: a3 OK {…}
    """)
