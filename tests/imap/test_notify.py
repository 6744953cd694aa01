"""NOTIFY (RFC 5465): transcripts with the RFC's examples and two sessions.

`imap` sets NOTIFY and waits; `imap2` (another session of bob's) or the
store itself (as a delivery) makes the changes. Events between commands
arrive with no command in progress: the transcripts read them as a bare
`S:` block, before the next command is sent.
"""

from __future__ import annotations

from tests.harness.imap import ImapTranscript, RunningImap, sample_message

HEADERS = "body.peek[header.fields (from to subject)]"


async def _lists(imap2: ImapTranscript) -> None:
    for name in ("Lists", "Lists/Lemonade", "Lists/Im2000", "misc"):
        await imap2.command(f"CREATE {name}")
    await imap2.command("APPEND Lists/Lemonade {15+}\r\nSubject: x\r\n\r\ny")


async def test_rfc_example_status_then_new_mail_elsewhere_and_in_inbox(
        imap: ImapTranscript, imap2: ImapTranscript, imap_server: RunningImap) -> None:
    """RFC 5465 §3.1's example, as the RFC writes it (event lists without
    their parentheses), with MessageExpunge beside MessageNew as §5 asks."""
    await _lists(imap2)
    await imap.play(f"""
        C: b notify set status (selected MessageNew (uid {HEADERS}) MessageExpunge) (subtree Lists MessageNew MessageExpunge)
        S: * STATUS "Lists" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY {{…}})
        S: * STATUS "Lists/Im2000" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY {{…}})
        S: * STATUS "Lists/Lemonade" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY {{…}})
        S: b OK {{…}}
    """)
    await imap.select("INBOX")
    store = imap_server.ctx.store
    await store.append(await imap_server.mailbox_id("user.bob.Lists.Lemonade"),
                       sample_message(7))
    await imap.play("""
        S: * STATUS "Lists/Lemonade" (MESSAGES 2 UIDNEXT 3 UIDVALIDITY {…})
    """)
    await store.append(await imap_server.mailbox_id("user.bob"), sample_message(3))
    await imap.play("""
        S: * 3 EXISTS
        S: * 3 RECENT
        S: * 3 FETCH (UID 3 BODY[HEADER.FIELDS (from to subject)] {…}
        S: From: Alice <alice@example.com>
        S: To: Bob <bob@example.com>
        S: Subject: Hello 3
        S:
        S: )
        C: d STATUS misc (UIDVALIDITY UIDNEXT MESSAGES)
        S: * STATUS "misc" (UIDVALIDITY {…} UIDNEXT 1 MESSAGES 0)
        S: d OK {…}
        C: e notify set (selected MessageNew (uid) MessageExpunge) (subtree Lists (MessageNew MessageExpunge)) (mailboxes misc (MessageNew MessageExpunge))
        S: e OK {…}
    """)
    await imap2.command("APPEND misc {15+}\r\nSubject: x\r\n\r\ny")
    await imap.play("""
        S: * STATUS "misc" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY {…})
    """)


async def test_selected_expunge_is_sent_at_once(imap: ImapTranscript,
                                                imap2: ImapTranscript) -> None:
    """RFC 5465 §6.1.1 SELECTED: the EXPUNGE goes out with no command in progress."""
    await imap.select("INBOX")
    await imap.command("NOTIFY SET (selected (MessageNew MessageExpunge FlagChange))")
    await imap2.select("INBOX")
    await imap2.command(r"STORE 1 +FLAGS.SILENT (\Deleted)")
    await imap.play(r"""
        S: * 1 FETCH (FLAGS (\Recent \Deleted) UID 1)
    """)
    await imap2.command("EXPUNGE")
    await imap.play("""
        S: * 1 EXPUNGE
        C: a1 NOOP
        S: a1 OK {…}
    """)


async def test_selected_delayed_keeps_the_expunge_for_noop(imap: ImapTranscript,
                                                           imap2: ImapTranscript,
                                                           imap_server: RunningImap) -> None:
    """RFC 5465 §6.1.2 SELECTED-DELAYED: the EXPUNGE waits for a command that
    allows it; a new message is announced at once, numbers kept. It is
    delivered (not appended by `imap2`, which would race `imap` to claim
    it as \\Recent), so it is recent here: 3 counting the one expunged."""
    await imap.select("INBOX")
    await imap.command("NOTIFY SET (selected-delayed (MessageNew MessageExpunge))")
    await imap2.select("INBOX")
    await imap2.command(r"STORE 1 +FLAGS.SILENT (\Deleted)")
    await imap2.command("EXPUNGE")
    await imap_server.ctx.store.append(await imap_server.mailbox_id("user.bob"),
                                       b"Subject: x\r\n\r\ny")
    await imap.play("""
        S: * 3 EXISTS
        S: * 3 RECENT
        C: a1 FETCH 1 (UID)
        S: * 1 FETCH (UID 1)
        S: a1 OK {…}
        C: a2 NOOP
        S: * 1 EXPUNGE
        S: a2 OK {…}
    """)


async def test_flag_change_elsewhere_is_a_status_with_unseen(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    """RFC 5465 §6 second example and §5.1: without CONDSTORE the flag news
    of another mailbox is its UNSEEN count; the selected one gets FETCH."""
    await imap2.command("CREATE Work")
    await imap2.command("APPEND Work {15+}\r\nSubject: x\r\n\r\ny")
    await imap.select("INBOX")
    await imap.command("notify set (selected (Messagenew (uid flags) messageExpunge)) "
                       "(personal (MessageNew FlagChange MessageExpunge))")
    await imap2.select("Work")
    await imap2.command(r"STORE 1 +FLAGS.SILENT (\Seen)")
    await imap.play("""
        S: * STATUS "Work" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY {…} UNSEEN 0)
    """)
    await imap2.command("APPEND INBOX {15+}\r\nSubject: x\r\n\r\ny")
    await imap.play(r"""
        S: * 3 EXISTS
        S: * 3 RECENT
        S: * 3 FETCH (UID 3 FLAGS (\Recent))
    """)


async def test_mailbox_name_and_subscription_events(imap: ImapTranscript,
                                                    imap2: ImapTranscript) -> None:
    """RFC 5465 §5.4 (create, rename with OLDNAME, delete) and §5.5."""
    await imap.command("NOTIFY SET (personal (MailboxName SubscriptionChange))")
    await imap2.command("CREATE Projects")
    await imap.play(r"""
        S: * LIST (\HasNoChildren) "/" "Projects"
    """)
    await imap2.command("SUBSCRIBE Projects")
    await imap.play(r"""
        S: * LIST (\Subscribed) "/" "Projects"
    """)
    await imap2.command("RENAME Projects Archive")
    await imap.play("""
        S: * LIST () "/" "Archive" ("OLDNAME" ("Projects"))
    """)
    await imap2.command("DELETE Archive")
    await imap.play(r"""
        S: * LIST (\NonExistent) "/" "Archive"
        C: a1 NOTIFY NONE
        S: a1 OK {…}
    """)
    await imap2.command("CREATE Quiet")
    await imap.play("""
        C: a2 NOOP
        S: a2 OK {…}
    """)


async def test_the_parent_of_a_created_or_deleted_mailbox_is_affected(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    """RFC 5465 §5.4: the mailbox and its direct parent, existing or not."""
    await imap2.command("CREATE Lists")
    await imap.command("NOTIFY SET (personal (MailboxName))")
    await imap2.command("CREATE Lists/New")
    await imap.play(r"""
        S: * LIST (\HasNoChildren) "/" "Lists/New"
        S: * LIST (\HasChildren) "/" "Lists"
    """)
    await imap2.command("DELETE Lists/New")
    await imap.play(r"""
        S: * LIST (\NonExistent) "/" "Lists/New"
        S: * LIST (\HasNoChildren) "/" "Lists"
    """)
    await imap2.command("CREATE Ghost/Child")
    await imap.play(r"""
        S: * LIST (\HasNoChildren) "/" "Ghost/Child"
        S: * LIST (\NonExistent \HasChildren) "/" "Ghost"
    """)


async def test_metadata_events(imap: ImapTranscript, imap2: ImapTranscript) -> None:
    """RFC 5465 §5.6-5.7: the names of the changed entries only."""
    await imap.command("NOTIFY SET (personal (MailboxMetadataChange ServerMetadataChange))")
    await imap2.command('SETMETADATA INBOX (/private/comment "mine")')
    await imap.play("""
        S: * METADATA "INBOX" /private/comment
    """)
    await imap2.command('SETMETADATA INBOX (/private/comment NIL)')
    await imap.play("""
        S: * METADATA "INBOX" /private/comment
    """)


async def test_server_metadata_event(imap: ImapTranscript, imap_server: RunningImap) -> None:
    """RFC 5465 §5.7: a server annotation set (by an admin) is `* METADATA ""`."""
    await imap.command("NOTIFY SET (personal (ServerMetadataChange))")
    await imap_server.ctx.store.set_metadata(None, "admin", {"/shared/motd": b"hi"}, 10)
    await imap.play("""
        S: * METADATA "" /shared/motd
    """)


async def test_unsupported_and_malformed_requests(imap: ImapTranscript) -> None:
    """RFC 5465 §3.1 BADEVENT lists what is supported; §5, §6.1 rules are BAD."""
    await imap.play("""
        C: a1 NOTIFY SET (selected (MessageNew MessageExpunge AnnotationChange))
        S: a1 NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange MailboxMetadataChange ServerMetadataChange)] {…}
        C: a2 NOTIFY SET (selected (MessageNew))
        S: a2 BAD {…}
        C: a3 NOTIFY SET (selected (MessageNew MessageExpunge)) (selected-delayed NONE)
        S: a3 BAD {…}
        C: a4 NOTIFY SET (selected (MailboxName))
        S: a4 BAD {…}
        C: a5 NOTIFY SET (personal (MessageNew (uid) MessageExpunge))
        S: a5 BAD {…}
        C: a6 NOTIFY SET (personal (FlagChange))
        S: a6 BAD {…}
        C: a7 NOTIFY BOGUS
        S: a7 BAD {…}
        C: a8 NOTIFY SET (inboxes NONE)
        S: a8 OK {…}
    """)


async def test_idle_sends_the_notify_events(imap: ImapTranscript,
                                            imap2: ImapTranscript) -> None:
    """RFC 5465 §4: in IDLE, the events NOTIFY asked for (another mailbox's too)."""
    await imap2.command("CREATE Work")
    await imap.select("INBOX")
    await imap.play("""
        C: a1 NOTIFY SET (mailboxes Work (MessageNew MessageExpunge))
        S: a1 OK {…}
        C: a2 IDLE
        S: + idling
    """)
    await imap2.command("APPEND Work {15+}\r\nSubject: x\r\n\r\ny")
    await imap.play("""
        S: * STATUS "Work" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY {…})
        C: DONE
        S: a2 OK {…}
    """)


async def test_too_many_changes_at_once_overflow(imap: ImapTranscript,
                                                 imap_server: RunningImap,
                                                 monkeypatch: object) -> None:
    """RFC 5465 §5.8: NOTIFICATIONOVERFLOW, then nothing more (as NOTIFY NONE)."""
    from roost.imap import notify_push
    from roost.store.api import AppendMessage
    setattr_ = monkeypatch.setattr  # type: ignore[attr-defined]
    setattr_(notify_push, "OVERFLOW_AT", 0)  # any wake-up with an event is too many
    await imap.command("NOTIFY SET (personal (MessageNew MessageExpunge))")
    inbox = await imap_server.mailbox_id("user.bob")
    store = imap_server.ctx.store
    await store.append_messages(inbox, [AppendMessage(sample_message(n)) for n in range(3)])
    await imap.play("""
        S: * OK [NOTIFICATIONOVERFLOW] {…}
    """)
    await store.append(inbox, sample_message(9))
    await imap.play("""
        C: a1 NOOP
        S: a1 OK {…}
    """)


async def test_granting_and_revoking_lookup_is_creation_and_deletion(
        imap: ImapTranscript, imap_server: RunningImap) -> None:
    """RFC 5465 §5.4: `l` granted on a watched mailbox reads as its creation,
    revoked as its deletion; its message events follow the rights (§5.9)."""
    from tests.harness.imap import connect
    alice = await connect(imap_server, user="alice")
    await alice.command("CREATE Shared")
    await imap.command('NOTIFY SET (mailboxes "Other Users/alice/Shared" '
                       "(MailboxName MessageNew MessageExpunge))")
    await alice.command("SETACL Shared bob lr")
    await imap.play("""
        S: * LIST () "/" "Other Users/alice/Shared"
        S: * STATUS "Other Users/alice/Shared" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY {…})
    """)
    await alice.command("APPEND Shared {15+}\r\nSubject: x\r\n\r\ny")
    await imap.play("""
        S: * STATUS "Other Users/alice/Shared" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY {…})
    """)
    await alice.command("DELETEACL Shared bob")
    await imap.play(r"""
        S: * LIST (\NonExistent) "/" "Other Users/alice/Shared"
    """)
    await alice.command("APPEND Shared {15+}\r\nSubject: x\r\n\r\ny")
    await imap.play("""
        C: a1 NOOP
        S: a1 OK {…}
    """)
    await alice.close()


async def test_with_condstore_the_status_carries_highestmodseq(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    """RFC 5465 §5.1-5.2: with CONDSTORE enabled, HIGHESTMODSEQ is in the
    STATUS of another mailbox (and UNSEEN is not needed for flag news)."""
    await imap2.command("CREATE Work")
    await imap2.command("APPEND Work {15+}\r\nSubject: x\r\n\r\ny")
    await imap.play("""
        C: a1 ENABLE CONDSTORE
        S: * ENABLED CONDSTORE
        S: a1 OK {…}
        C: a2 NOTIFY SET STATUS (mailboxes Work (MessageNew MessageExpunge FlagChange))
        S: * STATUS "Work" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY {…} HIGHESTMODSEQ {…})
        S: a2 OK {…}
    """)
    await imap2.select("Work")
    await imap2.command(r"STORE 1 +FLAGS.SILENT (\Flagged)")
    await imap.play("""
        S: * STATUS "Work" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY {…} HIGHESTMODSEQ {…})
    """)


async def test_changes_it_does_not_watch_overflow_no_one(imap: ImapTranscript,
                                                         imap_server: RunningImap,
                                                         monkeypatch: object) -> None:
    """Another user's many changes are read past (in pages), not counted."""
    from roost.imap import notify_push
    from roost.store.api import Delivery
    setattr_ = monkeypatch.setattr  # type: ignore[attr-defined]
    setattr_(notify_push, "OVERFLOW_AT", 1)
    setattr_(notify_push, "FEED_PAGE", 2)
    store = imap_server.ctx.store
    folders = [await store.create_mailbox(f"user.alice.f{n}") for n in range(5)]
    await imap.command("NOTIFY SET (personal (MessageNew MessageExpunge MailboxName))")
    # One transaction: five events in one wake-up, all of them alice's.
    await store.deliver([Delivery(f.id) for f in folders], sample_message(1))
    await store.append(await imap_server.mailbox_id("user.bob"), sample_message(9))
    await imap.play("""
        S: * STATUS "INBOX" (MESSAGES 3 UIDNEXT 4 UIDVALIDITY {…})
    """)
