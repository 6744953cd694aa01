"""Transcripts: CREATE, DELETE, RENAME, SUBSCRIBE, LIST, LSUB, STATUS, NAMESPACE
(RFC 9051 §6.3, RFC 5258, RFC 2342) in the default altnamespace with `/`."""

from tests.harness.imap import ImapTranscript


async def test_create_list_delete(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CREATE Archive/2024
        S: a1 OK {…}
        C: a2 CREATE Sent
        S: a2 OK {…}
        C: a3 LIST "" *
        S: * LIST (\HasNoChildren) "/" "INBOX"
        S: * LIST (\HasNoChildren) "/" "Archive/2024"
        S: * LIST (\HasNoChildren) "/" "Sent"
        S: a3 OK {…}
        C: a4 LIST "" %
        S: * LIST (\HasNoChildren) "/" "INBOX"
        S: * LIST (\Noselect \HasChildren) "/" "Archive"
        S: * LIST (\HasNoChildren) "/" "Sent"
        S: a4 OK {…}
        C: a5 DELETE Sent
        S: a5 OK {…}
        C: a6 DELETE Sent
        S: a6 NO [NONEXISTENT] {…}
    """)


async def test_create_existing_and_inbox(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CREATE Drafts
        S: a1 OK {…}
        C: a2 CREATE Drafts
        S: a2 NO [ALREADYEXISTS] {…}
        C: a3 CREATE inbox
        S: a3 NO [ALREADYEXISTS] {…}
        C: a4 DELETE INBOX
        S: a4 NO {…}
    """)


async def test_list_separator_and_namespace(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 LIST "" ""
        S: * LIST (\Noselect) "/" ""
        S: a1 OK {…}
        C: a2 NAMESPACE
        S: * NAMESPACE (("" "/")) (("Other Users/" "/")) (("Shared Folders/" "/"))
        S: a2 OK {…}
    """)


async def test_rename_keeps_messages_and_children(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CREATE Work
        S: a1 OK {…}
        C: a2 CREATE Work/Project
        S: a2 OK {…}
        C: a3 RENAME Work Job
        S: a3 OK {…}
        C: a4 LIST "" Job*
        S: * LIST (\HasChildren) "/" "Job"
        S: * LIST (\HasNoChildren) "/" "Job/Project"
        S: a4 OK {…}
    """)


async def test_rename_inbox_moves_its_messages(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 RENAME INBOX Old
        S: a1 OK {…}
        C: a2 STATUS Old (MESSAGES)
        S: * STATUS "Old" (MESSAGES 2)
        S: a2 OK {…}
        C: a3 STATUS INBOX (MESSAGES UIDNEXT)
        S: * STATUS "INBOX" (MESSAGES 0 UIDNEXT 3)
        S: a3 OK {…}
    """)


async def test_status_items(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 STATUS INBOX (MESSAGES RECENT UIDNEXT UNSEEN DELETED SIZE)
        S: * STATUS "INBOX" (MESSAGES 2 RECENT 2 UIDNEXT 3 UNSEEN 2 DELETED 0 SIZE {…})
        S: a1 OK {…}
        C: a2 STATUS INBOX (BOGUS)
        S: a2 BAD {…}
        C: a3 STATUS Nowhere (MESSAGES)
        S: a3 NO [NONEXISTENT] {…}
    """)


async def test_subscribe_and_lsub(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CREATE Lists/Python
        S: a1 OK {…}
        C: a2 SUBSCRIBE Lists/Python
        S: a2 OK {…}
        C: a3 LSUB "" *
        S: * LSUB () "/" "Lists/Python"
        S: a3 OK {…}
        C: a4 LSUB "" %
        S: * LSUB (\Noselect \HasChildren) "/" "Lists"
        S: a4 OK {…}
        C: a5 LIST (SUBSCRIBED) "" *
        S: * LIST (\HasNoChildren \Subscribed) "/" "Lists/Python"
        S: a5 OK {…}
        C: a6 UNSUBSCRIBE Lists/Python
        S: a6 OK {…}
        C: a7 LSUB "" *
        S: a7 OK {…}
    """)


async def test_list_return_status(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 LIST "" INBOX RETURN (STATUS (MESSAGES UNSEEN))
        S: * LIST (\HasNoChildren) "/" "INBOX"
        S: * STATUS "INBOX" (MESSAGES 2 UNSEEN 2)
        S: a1 OK {…}
    """)


async def test_non_ascii_names_in_modified_utf7(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CREATE "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"
        S: a1 OK {…}
        C: a2 LIST "" "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"
        S: * LIST (\HasNoChildren) "/" "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"
        S: a2 OK {…}
        C: a3 CREATE "&Jjo"
        S: a3 NO [CANNOT] {…}
    """)


async def test_other_users_mailboxes_are_invisible(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 SELECT "Other Users/alice"
        S: a1 NO [NONEXISTENT] {…}
        C: a2 CREATE "Other Users/alice/Spy"
        S: a2 NO [NOPERM] {…}
    """)


async def test_admin_creates_a_users_inbox(imap_anon: ImapTranscript) -> None:
    await imap_anon.play(r"""
        C: a1 LOGIN admin secret
        S: a1 OK {…}
        C: a2 CREATE user/carol
        S: a2 OK {…}
        C: a3 LIST "" user/carol*
        S: * LIST (\HasNoChildren) "/" "user/carol"
        S: a3 OK {…}
        C: a4 GETACL user/carol
        S: * ACL "user/carol" carol lrswipkxtecda
        S: a4 OK {…}
        C: a5 DELETE user/carol
        S: a5 NO [NOPERM] {…}
        C: a6 SETACL user/carol admin c
        S: a6 OK {…}
        C: a7 DELETE user/carol
        S: a7 OK {…}
    """)


async def test_delete_with_children_is_refused_like_cyrus(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CREATE Projects/Old
        S: a1 OK {…}
        C: a2 CREATE Projects
        S: a2 OK {…}
        C: a3 DELETE Projects
        S: a3 NO [HASCHILDREN] {…}
        C: a4 DELETE Projects/Old
        S: a4 OK {…}
        C: a5 DELETE Projects
        S: a5 OK {…}
    """)


async def test_unsubscribe_what_was_never_subscribed(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 UNSUBSCRIBE Nowhere
        S: a1 OK {…}
    """)


async def test_admin_deleting_a_users_inbox_removes_their_folders(imap_anon: ImapTranscript) -> None:
    await imap_anon.play(r"""
        C: a1 LOGIN admin secret
        S: a1 OK {…}
        C: a2 CREATE user/carol
        S: a2 OK {…}
        C: a3 CREATE user/carol/Sent
        S: a3 OK {…}
        C: a4 SETACL user/carol admin x
        S: a4 OK {…}
        C: a5 DELETE user/carol
        S: a5 OK {…}
        C: a6 LIST "" user/carol*
        S: a6 OK {…}
    """)


async def test_status_recent_of_the_selected_mailbox(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STATUS INBOX (RECENT MESSAGES)
        S: * STATUS "INBOX" (RECENT 2 MESSAGES 2)
        S: a1 OK {…}
    """)


async def test_list_subscribed_recursivematch_childinfo(imap: ImapTranscript) -> None:
    """RFC 5258 §3.5: a parent whose child is subscribed comes with CHILDINFO."""
    await imap.play(r"""
        C: a1 CREATE Lists/Python
        S: a1 OK {…}
        C: a2 SUBSCRIBE Lists/Python
        S: a2 OK {…}
        C: a3 LIST (SUBSCRIBED RECURSIVEMATCH) "" %
        S: * LIST (\NonExistent \HasChildren) "/" "Lists" ("CHILDINFO" ("SUBSCRIBED"))
        S: a3 OK {…}
        C: a4 LIST (SUBSCRIBED) "" %
        S: a4 OK {…}
        C: a5 LIST (RECURSIVEMATCH) "" %
        S: a5 BAD {…}
    """)
