"""Transcripts: greeting, CAPABILITY, LOGIN, SELECT, LOGOUT (RFC 9051 §6.1-6.3)."""

from tests.harness.imap import ImapTranscript


async def test_capability_before_login(imap_anon: ImapTranscript) -> None:
    await imap_anon.play(r"""
        C: a1 CAPABILITY
        S: * CAPABILITY IMAP4rev1 IMAP4rev2 {…} STARTTLS AUTH=SCRAM-SHA-256 {…}
        S: a1 OK {…}
    """)


async def test_login_then_select_inbox(imap_anon: ImapTranscript) -> None:
    await imap_anon.play(r"""
        C: a1 LOGIN bob secret
        S: a1 OK [CAPABILITY IMAP4rev1 {…}] {…}
        C: a2 SELECT INBOX
        S: * 2 EXISTS
        S: * 2 RECENT
        S: * OK [UNSEEN 1] {…}
        S: * FLAGS (\Answered \Flagged \Draft \Deleted \Seen)
        S: * OK [PERMANENTFLAGS (\Answered \Flagged \Draft \Deleted \Seen \*)] {…}
        S: * OK [UIDVALIDITY {…}] {…}
        S: * OK [UIDNEXT 3] {…}
        S: * OK [HIGHESTMODSEQ {…}] {…}
        S: * OK [URLMECH INTERNAL] Ok
        S: * OK [MAILBOXID ({…})] {…}
        S: a2 OK [READ-WRITE] {…}
        C: a3 LOGOUT
        S: * BYE {…}
        S: a3 OK {…}
    """)


async def test_wrong_password_is_refused(imap_anon: ImapTranscript) -> None:
    await imap_anon.play(r"""
        C: a1 LOGIN bob wrong
        S: a1 NO [AUTHENTICATIONFAILED] {…}
        C: a2 SELECT INBOX
        S: a2 BAD {…}
    """)
