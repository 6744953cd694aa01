"""Transcripts of every RFC 1939 command on a maildrop of 2 messages of 167 octets."""

from __future__ import annotations

from tests.pop3.pop3_client import Pop3Transcript, RunningPop3, connect


async def test_greeting_names_the_server(pop3_server: RunningPop3) -> None:
    client = await connect(pop3_server.port)
    await client.play("""
        C: QUIT
        S: +OK
    """)
    await client.close()


async def test_user_pass_opens_the_maildrop(pop3: Pop3Transcript) -> None:
    await pop3.play("""
        C: USER bob
        S: +OK Name is a valid mailbox
        C: PASS secret
        S: +OK Mailbox locked and ready
        C: STAT
        S: +OK 2 334
    """)


async def test_list_and_list_one(bob: Pop3Transcript) -> None:
    await bob.play("""
        C: LIST
        S: +OK scan listing follows
        S: 1 167
        S: 2 167
        S: .
        C: LIST 2
        S: +OK 2 167
        C: LIST 3
        S: -ERR No such message
        C: LIST 0
        S: -ERR No such message
        C: LIST x
        S: -ERR Not a number
        C: LIST 1 2
        S: -ERR Unexpected extra argument
    """)


async def test_retr_sends_the_message_and_terminator(bob: Pop3Transcript) -> None:
    await bob.play("""
        C: RETR 1
        S: +OK 167 octets
        S: From: Alice <alice@example.com>
        S: To: Bob <bob@example.com>
        S: Subject: Hello 1
        S: Date: Mon, 7 Feb 1994 21:52:25 -0800
        S: Message-ID: <1@example.com>
        S:
        S: Body of message 1.
        S: .
        C: RETR 9
        S: -ERR No such message
        C: RETR
        S: -ERR Missing argument
    """)


async def test_top_sends_header_and_n_lines(bob: Pop3Transcript) -> None:
    await bob.play("""
        C: TOP 2 0
        S: +OK Message follows
        S: From: Alice <alice@example.com>
        S: To: Bob <bob@example.com>
        S: Subject: Hello 2
        S: Date: Mon, 7 Feb 1994 21:52:25 -0800
        S: Message-ID: <2@example.com>
        S:
        S: .
        C: TOP 2 5
        S: +OK Message follows
        S: From: {…}
        S: To: {…}
        S: Subject: Hello 2
        S: Date: {…}
        S: Message-ID: {…}
        S:
        S: Body of message 2.
        S: .
        C: TOP 2
        S: -ERR Missing argument
        C: TOP 2 x
        S: -ERR Invalid number of lines
    """)


async def test_uidl_is_uidvalidity_dot_uid(bob: Pop3Transcript,
                                           pop3_server: RunningPop3) -> None:
    info = await pop3_server.ctx.store.mailbox_by_id(pop3_server.inbox_id)
    v = info.uidvalidity
    await bob.play(f"""
        C: UIDL
        S: +OK unique-id listing follows
        S: 1 {v}.1
        S: 2 {v}.2
        S: .
        C: UIDL 2
        S: +OK 2 {v}.2
    """)


async def test_dele_marks_and_rset_unmarks(bob: Pop3Transcript,
                                           pop3_server: RunningPop3) -> None:
    await bob.play("""
        C: DELE 1
        S: +OK message deleted
        C: DELE 1
        S: -ERR No such message
        C: RETR 1
        S: -ERR No such message
        C: STAT
        S: +OK 1 167
        C: LIST
        S: +OK scan listing follows
        S: 2 167
        S: .
        C: RSET
        S: +OK
        C: STAT
        S: +OK 2 334
        C: NOOP
        S: +OK
    """)
    assert await pop3_server.uids() == [1, 2]


async def test_quit_expunges_what_was_deleted(bob: Pop3Transcript,
                                              pop3_server: RunningPop3) -> None:
    await bob.play("""
        C: DELE 2
        S: +OK message deleted
    """)
    assert await pop3_server.uids() == [1, 2]  # RFC 1939 §6: not before UPDATE
    await bob.play("""
        C: QUIT
        S: +OK {…}
    """)
    assert await pop3_server.uids() == [1]
    again = await connect(pop3_server.port, "bob")
    await again.play("""
        C: STAT
        S: +OK 1 167
        C: UIDL
        S: +OK {…}
        S: 1 {…}.1
        S: .
    """)
    await again.close()


async def test_dropped_session_deletes_nothing(pop3_server: RunningPop3) -> None:
    client = await connect(pop3_server.port, "bob")
    await client.play("""
        C: DELE 1
        S: +OK message deleted
        C: DELE 2
        S: +OK message deleted
    """)
    await client.close()
    again = await connect(pop3_server.port, "bob")  # the lock went with the connection
    await again.play("""
        C: STAT
        S: +OK 2 334
    """)
    await again.close()
    assert await pop3_server.uids() == [1, 2]


async def test_commands_of_the_other_state(pop3: Pop3Transcript) -> None:
    await pop3.play("""
        C: STAT
        S: -ERR Unrecognized command
        C: RETR 1
        S: -ERR Unrecognized command
        C: PASS secret
        S: -ERR [AUTH] Must give USER command
        C: USER bob
        S: +OK {…}
        C: USER bob
        S: -ERR [AUTH] Must give PASS command
        C: PASS secret
        S: +OK {…}
        C: USER bob
        S: -ERR Unrecognized command
        C: AUTH PLAIN
        S: -ERR Unrecognized command
        C: STLS
        S: -ERR Unrecognized command
    """)


async def test_unknown_and_malformed_commands(bob: Pop3Transcript) -> None:
    await bob.play("""
        C: XYZZY
        S: -ERR Unrecognized command
        C: APOP bob 0123456789abcdef0123456789abcdef
        S: -ERR Unrecognized command
        C:
        S: -ERR Unrecognized command
        C: STAT now
        S: -ERR Unexpected extra argument
        C: DELE 99999999999
        S: -ERR Not a number
        C: stat
        S: +OK 2 334
    """)


async def test_pipelined_commands_answer_in_order(bob: Pop3Transcript) -> None:
    await bob.send(b"STAT\r\nLIST 1\r\nUIDL 2\r\nNOOP\r\n")
    assert (await bob.readline()) == "+OK 2 334"
    assert (await bob.readline()) == "+OK 1 167"
    assert (await bob.readline()).startswith("+OK 2 ")
    assert (await bob.readline()) == "+OK"


async def test_quit_before_login(pop3: Pop3Transcript) -> None:
    await pop3.play("""
        C: QUIT
        S: +OK
    """)
    assert await pop3.reader.read() == b""
