"""LMTP transcripts over TCP: LHLO, sequence and syntax errors, the small commands."""

from tests.lmtp.lmtp_client import ConfFactory, Connect, Serve, Transcript


async def test_lhlo_lists_extensions_without_starttls_when_no_certificate(
        lmtp: Transcript) -> None:
    await lmtp.play("""
        C: LHLO mx.test
        S: 250-lmtp.test
        S: 250-PIPELINING
        S: 250-ENHANCEDSTATUSCODES
        S: 250-8BITMIME
        S: 250 SIZE
    """)


async def test_smtp_greetings_are_refused(lmtp: Transcript) -> None:
    await lmtp.play("""
        C: EHLO mx.test
        S: 500 5.5.1 This is LMTP: use LHLO
        C: HELO mx.test
        S: 500 5.5.1 This is LMTP: use LHLO
    """)


async def test_commands_out_of_sequence_get_503(lmtp: Transcript) -> None:
    await lmtp.play("""
        C: MAIL FROM:<a@example.org>
        S: 503 5.5.1 Send LHLO first
        C: LHLO mx.test
        S: 250-lmtp.test
        S: 250-{…}
        S: 250-{…}
        S: 250-{…}
        S: 250 SIZE
        C: RCPT TO:<bob>
        S: 503 5.5.1 Need MAIL command
        C: DATA
        S: 503 5.5.1 Need MAIL command
        C: MAIL FROM:<a@example.org>
        S: 250 2.1.0 Sender OK
        C: MAIL FROM:<a@example.org>
        S: 503 5.5.1 Nested MAIL command
        C: RCPT TO:<nobody>
        S: 550 5.1.1 User unknown
        C: DATA
        S: 503 5.5.1 No valid recipients
        C: STARTTLS
        S: 503 5.5.1 STARTTLS not allowed inside a mail transaction
    """)


async def test_malformed_input_then_a_good_delivery(lmtp: Transcript) -> None:
    await lmtp.send(b"\xff\xfe garbage\r\n" + b"A" * 10000 + b"\r\n")
    await lmtp.play("""
        S: 501 5.5.4 Commands and addresses must be ASCII
        S: 500 5.5.2 Line too long
        C: FOO bar
        S: 500 5.5.1 Unrecognized command
        C:
        S: 500 5.5.1 Unrecognized command
        C: LHLO
        S: 501 5.5.4 Syntax: LHLO hostname
        C: LHLO mx.test
        S: 250-lmtp.test
        S: 250-{…}
        S: 250-{…}
        S: 250-{…}
        S: 250 SIZE
        C: MAIL FROM:a@example.org
        S: 501 5.5.4 Address must be in angle brackets
        C: MAIL FROM:<a@example.org> FROB=1
        S: 555 5.5.4 Parameter not recognized or not implemented
        C: MAIL FROM:<a@example.org> BODY=8BITMIME
        S: 250 2.1.0 Sender OK
        C: RCPT TO:<bob> NOTIFY=NEVER
        S: 555 5.5.4 Parameter not recognized or not implemented
        C: RCPT TO:<bob>
        S: 250 2.1.5 Recipient OK
        C: DATA
        S: 354 Start mail input; end with <CRLF>.<CRLF>
        C: Subject: after the noise
        C:
        C: still works
        C: .
        S: 250 2.0.0 <bob> Delivered {…}
    """)


async def test_small_commands(lmtp: Transcript) -> None:
    await lmtp.play("""
        C: NOOP
        S: 250 2.0.0 OK
        C: VRFY bob
        S: 252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery
        C: HELP
        S: 214-2.0.0 Commands: {…}
        S: 214 2.0.0 {…}
        C: STARTTLS
        S: 502 5.5.1 Command not implemented
        C: RSET
        S: 250 2.0.0 OK
        C: QUIT
        S: 221 2.0.0 lmtp.test closing connection
    """)
    assert await lmtp.reader.read() == b""


async def test_rset_forgets_the_transaction(lmtp: Transcript) -> None:
    await lmtp.play("""
        C: LHLO mx.test
        S: 250-lmtp.test
        S: 250-{…}
        S: 250-{…}
        S: 250-{…}
        S: 250 SIZE
        C: MAIL FROM:<a@example.org>
        S: 250 2.1.0 Sender OK
        C: RCPT TO:<bob>
        S: 250 2.1.5 Recipient OK
        C: RSET
        S: 250 2.0.0 OK
        C: DATA
        S: 503 5.5.1 Need MAIL command
        C: MAIL FROM:<b@example.org>
        S: 250 2.1.0 Sender OK
    """)


async def test_idle_connection_is_closed(make_conf: ConfFactory, serve: Serve,
                                         connect: Connect) -> None:
    client = await connect(await serve(make_conf("lmtp_timeout: 1\n")))
    await client.play("""
        S: 220 {…}
        S: 421 4.4.2 lmtp.test Idle timeout, closing
    """)
    assert await client.reader.read() == b""
