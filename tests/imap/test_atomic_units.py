"""Each IMAP command that changes several things is ONE store operation
(issue 6 §3): all of it happens, or none of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import make_site


async def test_multiappend_with_an_empty_second_message_stores_nothing(
        imap: ImapTranscript) -> None:
    """RFC 3502 §6: a failed MULTIAPPEND leaves the mailbox as it was."""
    await imap.play(r"""
        C: a1 APPEND INBOX (\Seen) {15+}
        C: Subject: x
        C:
        C: y {0+}
        C:
        S: a1 NO Message refused: empty message
        C: a2 STATUS INBOX (MESSAGES UIDNEXT)
        S: * STATUS "INBOX" (MESSAGES 2 UIDNEXT 3)
        S: a2 OK {…}
    """)


async def test_multiappend_stores_the_batch_with_consecutive_uids(
        imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 APPEND INBOX {15+}
        C: Subject: x
        C:
        C: y (\Flagged) {15+}
        C: Subject: z
        C:
        C: z
        S: a1 OK [APPENDUID {…} 3,4] {…}
        C: a2 STATUS INBOX (MESSAGES UIDNEXT)
        S: * STATUS "INBOX" (MESSAGES 4 UIDNEXT 5)
        S: a2 OK {…}
    """)


async def test_rename_inbox_moves_every_message_at_once(imap: ImapTranscript,
                                                        imap2: ImapTranscript) -> None:
    """RFC 9051 §6.3.6: INBOX stays, empty; a session on it sees the EXPUNGEs."""
    await imap2.select("INBOX")
    await imap.play(r"""
        C: a1 RENAME INBOX Old
        S: a1 OK {…}
        C: a2 STATUS INBOX (MESSAGES)
        S: * STATUS "INBOX" (MESSAGES 0)
        S: a2 OK {…}
        C: a3 STATUS Old (MESSAGES UIDNEXT)
        S: * STATUS "Old" (MESSAGES 2 UIDNEXT 3)
        S: a3 OK {…}
    """)
    await imap2.play("""
        C: b1 NOOP
        S: * 2 EXPUNGE
        S: * 1 EXPUNGE
        S: b1 OK {…}
    """)


async def test_rename_inbox_onto_a_taken_name_changes_nothing(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CREATE Old
        S: a1 OK {…}
        C: a2 RENAME INBOX Old
        S: a2 NO [ALREADYEXISTS] {…}
        C: a3 STATUS INBOX (MESSAGES)
        S: * STATUS "INBOX" (MESSAGES 2)
        S: a3 OK {…}
        C: a4 STATUS Old (MESSAGES)
        S: * STATUS "Old" (MESSAGES 0)
        S: a4 OK {…}
    """)


@pytest.mark.sqlite_only("counts the commits of the SQLite writer")
async def test_admin_deletes_a_users_tree_and_their_session_is_told(
        imap_server: RunningImap, imap_anon: ImapTranscript) -> None:
    await imap_anon.play(r"""
        C: a1 LOGIN admin secret
        S: a1 OK {…}
        C: a2 CREATE user/alice/Sent
        S: a2 OK {…}
        C: a3 CREATE user/alice/Sent/2024
        S: a3 OK {…}
        C: a3x SETACL user/alice admin x
        S: a3x OK {…}
    """)
    alice = await connect(imap_server, "alice")
    try:
        await alice.select("Sent")
        commits = imap_server.ctx.store._writer.commits  # type: ignore[attr-defined]
        await imap_anon.play(r"""
            C: a4 DELETE user/alice
            S: a4 OK {…}
        """)
        # One store operation, so one transaction (nothing else was writing).
        assert imap_server.ctx.store._writer.commits == commits + 1  # type: ignore[attr-defined]
        await imap_anon.play(r"""
            C: a5 LIST "" user/alice*
            S: a5 OK {…}
        """)
        await alice.play("""
            C: c1 NOOP
            S: * BYE Selected mailbox was deleted, have to disconnect
            S: c1 OK {…}
        """)
        with pytest.raises(ConnectionError):
            await alice.readline()
    finally:
        await alice.close()


async def test_status_unseen_of_an_empty_mailbox_is_zero_for_an_admin(
        imap_anon: ImapTranscript) -> None:
    """Issue 6 §9: the admin (who reads \\Seen from the per-user table) was told 1.
    As on Cyrus, the admin grants itself `r` first; the new folder inherits it."""
    await imap_anon.play(r"""
        C: a1 LOGIN admin secret
        S: a1 OK {…}
        C: a2x SETACL user/bob admin +r
        S: a2x OK {…}
        C: a2 CREATE user/bob/Empty
        S: a2 OK {…}
        C: a3 STATUS user/bob/Empty (MESSAGES UNSEEN)
        S: * STATUS "user/bob/Empty" (MESSAGES 0 UNSEEN 0)
        S: a3 OK {…}
        C: a4 STATUS user/bob (MESSAGES UNSEEN)
        S: * STATUS "user/bob" (MESSAGES 2 UNSEEN 2)
        S: a4 OK {…}
    """)


async def test_multiappend_with_a_too_big_second_message_stores_nothing(
        tmp_path: Path, cert_dir: Path) -> None:
    """The second literal passes maxmessagesize: the wire refuses the whole
    command before it reaches the handler, so nothing is stored."""
    site = make_site(tmp_path / "site", cert_dir, "maxmessagesize: 100\n")
    async with running_imap(site) as server:
        client = await connect(server)
        try:
            await client.play(r"""
                C: a1 APPEND INBOX {15+}
                C: Subject: x
                C:
                C: y {200+}
            """)
            await client.send(b"z" * 200 + b"\r\n")
            await client.play(r"""
                S: a1 BAD [TOOBIG] {…}
                C: a2 STATUS INBOX (MESSAGES UIDNEXT)
                S: * STATUS "INBOX" (MESSAGES 2 UIDNEXT 3)
                S: a2 OK {…}
            """)
        finally:
            await client.close()
