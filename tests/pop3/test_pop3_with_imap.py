"""A POP3 session and an IMAP session on the same INBOX at once.

As Cyrus's pop3d: the POP3 session's list is fixed at login (RFC 1939 §4),
so what IMAP expunges keeps its number, size and unique id; with
`expunge_mode: delayed` (the default, Cyrus's too) its text is still sent,
since the body stays until cyr_expire; DELE of it is accepted and QUIT's
expunge skips it (test_pop3_response_codes has `expunge_mode: immediate`).
What IMAP appends appears at the next POP3 login.
"""

from __future__ import annotations

from tests.harness.imap import ImapTranscript, sample_message
from tests.harness.transcript import TranscriptClient
from tests.pop3.pop3_client import Pop3Transcript, RunningPop3, connect


async def imap_session(server: RunningPop3) -> ImapTranscript:
    import asyncio
    reader, writer = await asyncio.open_connection("127.0.0.1", server.imap_port)
    client = ImapTranscript(reader, writer)
    await TranscriptClient.readline(client)
    await client.login("bob")
    await client.select("INBOX")
    return client


async def test_imap_expunge_during_a_pop3_session(bob: Pop3Transcript,
                                                 pop3_server: RunningPop3) -> None:
    imap = await imap_session(pop3_server)
    await imap.play(r"""
        C: i1 STORE 1 +FLAGS.SILENT (\Flagged)
        S: i1 OK {…}
        C: i2 STORE 2 +FLAGS.SILENT (\Deleted)
        S: i2 OK {…}
        C: i3 EXPUNGE
        S: * 2 EXPUNGE
        S: i3 OK {…}
    """)
    await pop3_server.ctx.store.append(pop3_server.inbox_id, sample_message(3))
    await bob.play("""
        C: STAT
        S: +OK 2 334
        C: RETR 2
        S: +OK 167 octets
    """)
    assert (await bob.multiline())[-1] == "Body of message 2."
    await bob.play("""
        C: DELE 2
        S: +OK message deleted
        C: DELE 1
        S: +OK message deleted
        C: QUIT
        S: +OK {…}
    """)
    await imap.play("""
        C: i4 NOOP
        S: * 1 EXPUNGE
        S: * 1 EXISTS
        S: * 1 RECENT
        S: i4 OK {…}
    """)
    assert await pop3_server.uids() == [3]  # the new one was never in the POP3 list
    again = await connect(pop3_server.port, "bob")
    await again.play("""
        C: LIST
        S: +OK {…}
        S: 1 167
        S: .
        C: UIDL
        S: +OK {…}
        S: 1 {…}.3
        S: .
    """)
    await again.close()
    await imap.close()


async def test_pop3_retr_does_not_touch_flags_by_default(bob: Pop3Transcript,
                                                         pop3_server: RunningPop3) -> None:
    await bob.play("""
        C: RETR 1
        S: +OK {…}
    """)
    await bob.multiline()
    await bob.play("""
        C: QUIT
        S: +OK {…}
    """)
    records = await pop3_server.ctx.store.messages(pop3_server.inbox_id, "bob")
    assert all("\\Seen" not in rec.flags for rec in records)
