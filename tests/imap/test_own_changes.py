"""A session's own STORE and EXPUNGE are taken into its view without being
read back (`SelectedMailbox.note_own`, issue 13); what other sessions
change before, between or after them is still announced, with the MODSEQ
the store gave it.

Invariant under test: after any mix of own and other sessions' writes, the
untagged FETCH/EXPUNGE/EXISTS lines and MODSEQs are those of a session that
read every change from the store.
"""

from __future__ import annotations

from tests.harness.imap import ImapTranscript


async def _both_selected(imap: ImapTranscript, imap2: ImapTranscript) -> None:
    await imap.command("SELECT INBOX (CONDSTORE)")
    await imap2.command("SELECT INBOX (CONDSTORE)")


async def test_own_store_then_another_sessions_store_on_the_same_message(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    await _both_selected(imap, imap2)
    await imap.play(r"""
        C: a1 STORE 1 +FLAGS.SILENT (\Flagged)
        S: * 1 FETCH (UID 1 MODSEQ (4))
        S: a1 OK {…}
    """)
    await imap2.play(r"""
        C: b1 STORE 1 +FLAGS.SILENT (\Answered)
        S: * 1 FETCH (FLAGS (\Answered \Flagged) UID 1 MODSEQ (5))
        S: b1 OK {…}
    """)
    await imap.play(r"""
        C: a2 NOOP
        S: * 1 FETCH (FLAGS (\Recent \Answered \Flagged) UID 1 MODSEQ (5))
        S: a2 OK {…}
        C: a3 FETCH 1 (FLAGS MODSEQ)
        S: * 1 FETCH (FLAGS (\Recent \Answered \Flagged) MODSEQ (5))
        S: a3 OK {…}
    """)


async def test_another_sessions_change_before_the_own_store_is_announced(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    """The own write is not the only one since the last look: read as usual."""
    await _both_selected(imap, imap2)
    await imap2.command(r"STORE 2 +FLAGS.SILENT (\Seen)")
    await imap.play(r"""
        C: a1 STORE 1 +FLAGS (\Flagged)
        S: * 1 FETCH (FLAGS (\Recent \Flagged) UID 1 MODSEQ (5))
        S: * 2 FETCH (FLAGS (\Recent \Seen) UID 2 MODSEQ (4))
        S: a1 OK {…}
        C: a2 NOOP
        S: a2 OK {…}
    """)


async def test_own_expunge_then_another_sessions_append_and_store(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    await _both_selected(imap, imap2)
    await imap.play(r"""
        C: a1 STORE 1 +FLAGS.SILENT (\Deleted)
        S: * 1 FETCH (UID 1 MODSEQ (4))
        S: a1 OK {…}
        C: a2 EXPUNGE
        S: * 1 EXPUNGE
        S: a2 OK {…}
    """)
    await imap2.play(r"""
        C: b1 NOOP
        S: * 1 EXPUNGE
        S: b1 OK {…}
        C: b2 STORE 1 +FLAGS.SILENT (\Draft)
        S: * 1 FETCH (UID 2 MODSEQ (6))
        S: b2 OK {…}
        C: b3 APPEND INBOX {15+}
        C: Subject: x
        C:
        C: y
        S: * 2 EXISTS
        S: * 1 RECENT
        S: b3 OK {…}
    """)
    await imap.play(r"""
        C: a3 NOOP
        S: * 1 FETCH (FLAGS (\Recent \Draft) UID 2 MODSEQ (6))
        S: * 2 EXISTS
        S: * 1 RECENT
        S: a3 OK {…}
    """)
