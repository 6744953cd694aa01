"""A UID command names a message that arrived since this session last looked.

RFC 9051 §7.5.1 / RFC 3501 §7.4.1: no FETCH for a message the client was
not told exists; the UID forms may be preceded by the updates. The new
message is announced (EXISTS, RECENT) before the command's own replies, as
Cyrus does (`* 3 EXISTS`, `* 3 RECENT`, `* 3 FETCH (...)`); Dovecot
answers nothing and announces afterwards, which is the bug this fixes.
"""

from __future__ import annotations

from tests.harness.imap import ImapTranscript, RunningImap, sample_message


async def test_uid_fetch_of_a_uid_another_session_appended(imap: ImapTranscript,
                                                          imap2: ImapTranscript) -> None:
    await imap.select("INBOX")  # UIDs 1 and 2
    await imap2.command("APPEND INBOX {15+}\r\nSubject: x\r\n\r\ny")  # UID 3
    await imap.play(r"""
        C: a1 UID FETCH 3 (FLAGS)
        S: * 3 EXISTS
        S: * 3 RECENT
        S: * 3 FETCH (UID 3 FLAGS (\Recent))
        S: a1 OK {…}
        C: a2 NOOP
        S: a2 OK {…}
    """)


async def test_uid_store_and_uid_search_see_a_delivered_message(
        imap: ImapTranscript, imap_server: RunningImap) -> None:
    """A delivery (the store's own append, as LMTP makes it) between commands."""
    await imap.select("INBOX")
    inbox = await imap_server.mailbox_id("user.bob")
    await imap_server.ctx.store.append(inbox, sample_message(3))
    await imap.play(r"""
        C: a1 UID STORE 3 +FLAGS (\Flagged)
        S: * 3 EXISTS
        S: * 3 RECENT
        S: * 3 FETCH (FLAGS (\Recent \Flagged) UID 3)
        S: a1 OK {…}
    """)
    await imap_server.ctx.store.append(inbox, sample_message(4))
    await imap.play(r"""
        C: a2 UID SEARCH UID 4
        S: * 4 EXISTS
        S: * 4 RECENT
        S: * SEARCH 4
        S: a2 OK {…}
    """)


async def test_fetch_by_number_still_announces_after(imap: ImapTranscript,
                                                    imap_server: RunningImap) -> None:
    """A FETCH by message number keeps the numbers the client counted on:
    the new message is announced after its replies."""
    await imap.select("INBOX")
    inbox = await imap_server.mailbox_id("user.bob")
    await imap_server.ctx.store.append(inbox, sample_message(3))
    await imap.play(r"""
        C: a1 FETCH 2 (UID)
        S: * 2 FETCH (UID 2)
        S: * 3 EXISTS
        S: * 3 RECENT
        S: a1 OK {…}
    """)
