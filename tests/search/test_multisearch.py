"""ESEARCH over many mailboxes (RFC 7377 MULTISEARCH), as transcripts."""

from __future__ import annotations

from tests.harness.imap import ImapTranscript, RunningImap
from tests.search.mail import message

from roost.store.names import user_inbox


async def folders(server: RunningImap) -> None:
    """bob: Work (2 messages), Work/Deep (1), Other (1); alice: INBOX (1),
    which bob may look up but not read."""
    store = server.ctx.store
    for name, bodies in (("user.bob.Work", ["alpha report", "beta"]),
                         ("user.bob.Work.Deep", ["alpha deep"]),
                         ("user.bob.Other", ["alpha other"])):
        info = await store.create_mailbox(name)
        for body in bodies:
            await store.append(info.id, message("s", body, 0))
    alice = await store.get_mailbox(user_inbox("alice"))
    await store.append(alice.id, message("s", "alpha secret", 0))
    await store.set_acl(alice.id, "bob", "l")


async def test_personal_subtree_and_mailboxes(imap_server: RunningImap,
                                              imap: ImapTranscript) -> None:
    await folders(imap_server)
    await imap.play("""
        C: a1 ESEARCH IN (personal) BODY "alpha"
        S: * ESEARCH (TAG "a1" MAILBOX "Other" UIDVALIDITY {…}) UID ALL 1
        S: * ESEARCH (TAG "a1" MAILBOX "Work" UIDVALIDITY {…}) UID ALL 1
        S: * ESEARCH (TAG "a1" MAILBOX "Work/Deep" UIDVALIDITY {…}) UID ALL 1
        S: a1 OK {…}
        C: a2 ESEARCH IN (subtree-one "Work") RETURN (COUNT) ALL
        S: * ESEARCH (TAG "a2" MAILBOX "Work" UIDVALIDITY {…}) UID COUNT 2
        S: * ESEARCH (TAG "a2" MAILBOX "Work/Deep" UIDVALIDITY {…}) UID COUNT 1
        S: a2 OK {…}
        C: a3 ESEARCH IN (mailboxes ("Other" "Nowhere" "Other Users/alice")) TEXT "alpha"
        S: * ESEARCH (TAG "a3" MAILBOX "Other" UIDVALIDITY {…}) UID ALL 1
        S: a3 OK {…}
        C: a4 ESEARCH IN (inboxes) 1:*
        S: * ESEARCH (TAG "a4" MAILBOX "INBOX" UIDVALIDITY {…}) UID ALL 1:2
        S: a4 OK {…}
    """)


async def test_selected_source_and_refusals(imap_server: RunningImap,
                                            imap: ImapTranscript) -> None:
    await folders(imap_server)
    await imap.play("""
        C: b1 ESEARCH ALL
        S: b1 BAD {…}
        C: b2 ESEARCH IN (personal) RETURN (SAVE) ALL
        S: b2 BAD {…}
        C: b3 ESEARCH IN (personal (depth 1)) ALL
        S: b3 BAD {…}
        C: b4 ESEARCH IN (everything) ALL
        S: b4 BAD {…}
    """)
    await imap.select("Work")
    await imap.play("""
        C: b5 ESEARCH BODY "beta"
        S: * ESEARCH (TAG "b5" MAILBOX "Work" UIDVALIDITY {…}) UID ALL 2
        S: b5 OK {…}
        C: b6 ESEARCH IN (selected subtree "Work") 2
        S: * ESEARCH (TAG "b6" MAILBOX "Work" UIDVALIDITY {…}) UID ALL 2
        S: b6 OK {…}
    """)
