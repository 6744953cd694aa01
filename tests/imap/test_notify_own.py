"""NOTIFY (RFC 5465 §5): "The server SHOULD omit notifying the client if
the event is caused by this client". `imap` watches and makes changes
itself; `imap2` (another session of bob's) makes others, which still
arrive, and are the first thing `imap` hears: had its own changes been
announced, their LIST or METADATA lines would come first."""

from __future__ import annotations

from tests.harness.imap import ImapTranscript

WATCH = "NOTIFY SET (personal (MailboxName SubscriptionChange MailboxMetadataChange))"


async def test_own_name_subscription_and_metadata_changes_are_not_news(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    await imap.command(WATCH)
    await imap.play(r"""
        C: a0 CREATE Projects
        S: a0 OK {…}
        C: a1 CREATE Projects/Plans
        S: a1 OK {…}
        C: a2 SUBSCRIBE Projects/Plans
        S: a2 OK {…}
        C: a3 SETMETADATA Projects/Plans (/private/comment "mine")
        S: a3 OK {…}
        C: a4 RENAME Projects Work
        S: a4 OK {…}
        C: a5 UNSUBSCRIBE Work/Plans
        S: a5 OK {…}
        C: a6 DELETE Work/Plans
        S: a6 OK {…}
        C: a7 NOOP
        S: a7 OK {…}
    """)
    await imap2.command("CREATE Others")
    await imap.play(r"""
        S: * LIST (\HasNoChildren) "/" "Others"
    """)


async def test_a_note_nothing_fitted_lapses(imap: ImapTranscript,
                                            imap2: ImapTranscript) -> None:
    """A SUBSCRIBE of a name already subscribed writes no event; the note it
    left must not swallow another session's later change of that name."""
    await imap.command("CREATE Lists")
    await imap.command("SUBSCRIBE Lists")
    await imap.command(WATCH)
    await imap.command("SUBSCRIBE Lists")
    await imap2.command("UNSUBSCRIBE Lists")
    await imap.play(r"""
        S: * LIST () "/" "Lists"
    """)
    await imap2.command("SUBSCRIBE Lists")
    await imap.play(r"""
        S: * LIST (\Subscribed) "/" "Lists"
    """)


async def test_own_append_elsewhere_still_tells_the_counts(imap: ImapTranscript) -> None:
    """Deliberately kept (see roost.imap.notify_own): the STATUS after an
    APPEND of its own to another mailbox carries counts APPEND did not."""
    await imap.command("CREATE Drafts")
    await imap.command("NOTIFY SET (personal (MessageNew MessageExpunge))")
    await imap.command("APPEND Drafts {15+}\r\nSubject: x\r\n\r\ny")
    await imap.play("""
        S: * STATUS "Drafts" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY {…})
    """)
