"""Another session deletes or renames the selected mailbox (issue 6 §2).

Deleted: the session gets `* BYE`, the tagged reply of the command in
progress, and the connection closes (as Dovecot does; see
roost.imap.updates). Renamed: the session follows the new name.
"""

from __future__ import annotations

import pytest
from tests.harness.imap import ImapTranscript

BYE = "BYE Selected mailbox was deleted, have to disconnect"


async def _select_work(imap: ImapTranscript, imap2: ImapTranscript) -> None:
    """bob's Work holds one message; `imap` has it selected."""
    await imap2.command("CREATE Work")
    await imap2.command("APPEND Work {15+}\r\nSubject: x\r\n\r\ny")
    await imap.select("Work")


async def _closed(client: ImapTranscript) -> None:
    with pytest.raises(ConnectionError):
        await client.readline()


async def test_delete_of_the_selected_mailbox_says_bye(imap: ImapTranscript,
                                                       imap2: ImapTranscript) -> None:
    await _select_work(imap, imap2)
    await imap2.play("""
        C: b1 DELETE Work
        S: b1 OK {…}
    """)
    await imap.play("""
        C: a1 NOOP
        S: * BYE Selected mailbox was deleted, have to disconnect
        S: a1 OK {…}
    """)
    await _closed(imap)


@pytest.mark.parametrize("command", ["FETCH 1 FLAGS", "CLOSE", "UID STORE 1 +FLAGS (x)",
                                     "EXPUNGE", "COPY 1 INBOX"])
async def test_a_command_on_the_deleted_mailbox_is_not_run(
        imap: ImapTranscript, imap2: ImapTranscript, command: str) -> None:
    """Today's bug: CLOSE, FETCH... answered NO [NONEXISTENT] forever after."""
    await _select_work(imap, imap2)
    await imap2.command("DELETE Work")
    await imap.play(f"""
        C: a1 {command}
        S: * BYE Selected mailbox was deleted, have to disconnect
        S: a1 NO [NONEXISTENT] Selected mailbox was deleted
    """)
    await _closed(imap)
    await imap2.play(r"""
        C: b1 STATUS INBOX (MESSAGES)
        S: * STATUS "INBOX" (MESSAGES 2)
        S: b1 OK {…}
    """)


async def test_recreated_name_is_another_mailbox(imap: ImapTranscript,
                                                 imap2: ImapTranscript) -> None:
    """The session holds the id: a new Work is not the one it selected."""
    await _select_work(imap, imap2)
    await imap2.command("DELETE Work")
    await imap2.command("CREATE Work")
    await imap.play("""
        C: a1 CAPABILITY
        S: * CAPABILITY {…}
        S: * BYE Selected mailbox was deleted, have to disconnect
        S: a1 OK {…}
    """)
    await _closed(imap)


async def test_rename_of_the_selected_mailbox_is_followed(imap: ImapTranscript,
                                                          imap2: ImapTranscript) -> None:
    await _select_work(imap, imap2)
    await imap2.command("RENAME Work Archive")
    await imap2.command("APPEND Archive {15+}\r\nSubject: z\r\n\r\nz")
    await imap.play(r"""
        C: a1 NOOP
        S: * 2 EXISTS
        S: * 2 RECENT
        S: a1 OK {…}
        C: a2 UID FETCH 1:* (UID)
        S: * 1 FETCH (UID 1)
        S: * 2 FETCH (UID 2)
        S: a2 OK {…}
        C: a3 STORE 1 +FLAGS (\Deleted)
        S: * 1 FETCH (FLAGS (\Recent \Deleted))
        S: a3 OK {…}
        C: a4 STATUS Archive (MESSAGES DELETED)
        S: * STATUS "Archive" (MESSAGES 2 DELETED 1)
        S: a4 OK {…}
        C: a5 CLOSE
        S: a5 OK {…}
        C: a6 STATUS Archive (MESSAGES)
        S: * STATUS "Archive" (MESSAGES 1)
        S: a6 OK {…}
    """)


async def test_rename_then_delete_under_the_new_name(imap: ImapTranscript,
                                                     imap2: ImapTranscript) -> None:
    await _select_work(imap, imap2)
    await imap2.command("RENAME Work Archive")
    await imap2.command("DELETE Archive")
    await imap.play("""
        C: a1 NOOP
        S: * BYE Selected mailbox was deleted, have to disconnect
        S: a1 OK {…}
    """)
    await _closed(imap)


async def test_delete_during_idle_ends_the_session(imap: ImapTranscript,
                                                   imap2: ImapTranscript) -> None:
    await _select_work(imap, imap2)
    await imap.play("""
        C: a1 IDLE
        S: + idling
    """)
    await imap2.command("DELETE Work")
    await imap.play("""
        S: * BYE Selected mailbox was deleted, have to disconnect
        S: a1 OK {…}
    """)
    await _closed(imap)


async def test_rename_during_idle_keeps_idling(imap: ImapTranscript,
                                               imap2: ImapTranscript) -> None:
    await _select_work(imap, imap2)
    await imap.play("""
        C: a1 IDLE
        S: + idling
    """)
    await imap2.command("RENAME Work Archive")
    await imap2.command("APPEND Archive {15+}\r\nSubject: z\r\n\r\nz")
    await imap.play("""
        S: * 2 EXISTS
        S: * 2 RECENT
        C: DONE
        S: a1 OK {…}
        C: a2 FETCH 2 (UID)
        S: * 2 FETCH (UID 2)
        S: a2 OK {…}
    """)


async def test_own_delete_of_the_selected_mailbox_just_unselects(imap: ImapTranscript) -> None:
    await imap.play("""
        C: a1 CREATE Work
        S: a1 OK {…}
        C: a2 SELECT Work
        S: {…}
        S: {…}
        S: {…}
        S: {…}
        S: {…}
        S: {…}
        S: * OK [HIGHESTMODSEQ {…}] {…}
        S: * OK [URLMECH INTERNAL] Ok
        S: * OK [MAILBOXID ({…})] {…}
        S: a2 OK [READ-WRITE] {…}
        C: a3 DELETE Work
        S: a3 OK {…}
        C: a4 FETCH 1 FLAGS
        S: a4 BAD {…}
        C: a5 NOOP
        S: a5 OK {…}
    """)
