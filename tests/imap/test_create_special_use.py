"""CREATE-SPECIAL-USE (RFC 6154 §3) and `/private/specialuse` (RFC 6154 §4
via METADATA), as transcripts, with Cyrus 3.6's rules and words (checked
against Debian's Cyrus on loopback): its six attributes in any case,
`\\All`/`\\Flagged` refused, each at most once among a user's mailboxes."""

from __future__ import annotations

from tests.harness.imap import ImapTranscript, RunningImap, connect


async def test_create_with_use(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CREATE Spam (USE (\junk))
        S: a1 OK {…}
        C: a2 CREATE Spam2 (USE (\Junk))
        S: a2 NO [USEATTR] SPECIAL-USE flag conflict
        C: a3 CREATE Foo (USE (\Foo))
        S: a3 NO [USEATTR] Invalid annotation entry
        C: a4 CREATE Everything (USE (\All))
        S: a4 NO [USEATTR] Invalid annotation entry
        C: a5 CREATE Both (USE (\Sent \Drafts))
        S: a5 OK {…}
        C: a6 CREATE Plain (USE ())
        S: a6 OK {…}
        C: a7 LIST "" "*" RETURN (SPECIAL-USE)
        S: * LIST (\HasNoChildren) "/" "INBOX"
        S: * LIST (\HasNoChildren \Sent \Drafts) "/" "Both"
        S: * LIST (\HasNoChildren) "/" "Plain"
        S: * LIST (\HasNoChildren \Junk) "/" "Spam"
        S: a7 OK {…}
        C: a8 GETMETADATA Spam (/private/specialuse /shared/specialuse)
        S: * METADATA "Spam" ("/private/specialuse" "\\Junk" "/shared/specialuse" NIL)
        S: a8 OK {…}
    """)


async def test_setmetadata_specialuse(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CREATE Junk (USE (\Junk))
        S: a1 OK {…}
        C: a2 CREATE Bin
        S: a2 OK {…}
        C: a3 SETMETADATA Bin (/private/specialuse "\\trash")
        S: a3 OK {…}
        C: a4 SETMETADATA Bin (/private/specialuse "\\Junk")
        S: a4 NO SPECIAL-USE flag conflict
        C: a5 SETMETADATA Bin (/private/specialuse "\\Bogus" /shared/comment "not kept")
        S: a5 NO Invalid annotation entry
        C: a6 SETMETADATA Bin (/shared/specialuse "\\Archive")
        S: a6 NO [NOPERM] {…}
        C: a7 LIST (SPECIAL-USE) "" "*"
        S: * LIST (\HasNoChildren \Trash) "/" "Bin"
        S: * LIST (\HasNoChildren \Junk) "/" "Junk"
        S: a7 OK {…}
        C: a8 SETMETADATA Bin (/private/specialuse NIL)
        S: a8 OK {…}
        C: a9 GETMETADATA Bin (/private/specialuse /shared/comment)
        S: * METADATA "Bin" ("/private/specialuse" NIL "/shared/comment" NIL)
        S: a9 OK {…}
    """)


async def test_only_the_owner_sets_special_use(imap: ImapTranscript,
                                               imap_server: RunningImap) -> None:
    await imap.play(r"""
        C: a1 CREATE Box
        S: a1 OK {…}
        C: a2 SETACL Box alice lrswipkxtea
        S: a2 OK {…}
    """)
    alice = await connect(imap_server, "alice")
    await alice.play(r"""
        C: b1 SETMETADATA "Other Users/bob/Box" (/private/specialuse "\\Archive")
        S: b1 NO [NOPERM] {…}
    """)
    await alice.close()


async def test_capability(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CAPABILITY
        S: * CAPABILITY {…} SPECIAL-USE CREATE-SPECIAL-USE {…}
        S: a1 OK {…}
    """)
