"""LMTP deliveries over real sockets into a real store."""

import asyncio
import ssl
from pathlib import Path

from tests.lmtp.conftest import Bodies
from tests.lmtp.lmtp_client import ConfFactory, Connect, Serve, Transcript

from roost.config import Config
from roost.store.sqlite import SqliteStore

LHLO = """
    C: LHLO mx.test
    S: 250-lmtp.test
    S: 250-PIPELINING
    S: 250-ENHANCEDSTATUSCODES
    S: 250-8BITMIME
    S: 250 SIZE{…}
"""


async def test_one_reply_per_recipient_in_rcpt_order(lmtp: Transcript, bodies: Bodies) -> None:
    await lmtp.play(LHLO + """
        C: MAIL FROM:<sender@example.org>
        S: 250 2.1.0 Sender OK
        C: RCPT TO:<bob>
        S: 250 2.1.5 Recipient OK
        C: RCPT TO:<nobody@example.com>
        S: 550 5.1.1 User unknown
        C: RCPT TO:<Alice@example.com>
        S: 250 2.1.5 Recipient OK
        C: DATA
        S: 354 {…}
        C: Subject: hello
        C:
        C: Hi both.
        C: .
        S: 250 2.0.0 <bob> Delivered {…}
        S: 250 2.0.0 <Alice@example.com> Delivered {…}
    """)
    [to_bob] = await bodies("user.bob")
    [to_alice] = await bodies("user.alice")
    assert to_bob == to_alice
    assert to_bob.startswith(b"Return-Path: <sender@example.org>\r\nReceived: from mx.test ")
    assert b"by lmtp.test (Roost)" in to_bob and b"with LMTP id " in to_bob
    assert b"for <" not in to_bob  # one body for two recipients names neither
    assert to_bob.endswith(b"\r\nSubject: hello\r\n\r\nHi both.\r\n")


async def test_whole_transaction_pipelined(lmtp: Transcript, bodies: Bodies) -> None:
    await lmtp.play("""
        C: LHLO mx.test
        C: MAIL FROM:<> BODY=8BITMIME SIZE=40
        C: RCPT TO:<bob>
        C: RCPT TO:<carol>
        C: DATA
        S: 250-lmtp.test
        S: 250-{…}
        S: 250-{…}
        S: 250-{…}
        S: 250 SIZE
        S: 250 2.1.0 Sender OK
        S: 250 2.1.5 Recipient OK
        S: 250 2.1.5 Recipient OK
        S: 354 {…}
        C: Subject: bounce
        C:
        C: .
        C: MAIL FROM:<x@example.org>
        C: RCPT TO:<bob>
        C: DATA
        S: 250 2.0.0 <bob> Delivered {…}
        S: 250 2.0.0 <carol> Delivered {…}
        S: 250 2.1.0 Sender OK
        S: 250 2.1.5 Recipient OK
        S: 354 {…}
        C: Subject: second
        C: .
        C: QUIT
        S: 250 2.0.0 <bob> Delivered {…}
        S: 221 2.0.0 {…}
    """)
    first, second = await bodies("user.bob")
    assert first.startswith(b"Return-Path: <>\r\n")
    assert second.endswith(b"\r\nSubject: second\r\n")
    assert b"for <bob>" in second


async def test_dot_stuffing_and_bare_lf(lmtp: Transcript, bodies: Bodies) -> None:
    await lmtp.play(LHLO + """
        C: MAIL FROM:<a@example.org>
        C: RCPT TO:<bob>
        C: DATA
        S: 250 2.1.0 Sender OK
        S: 250 2.1.5 Recipient OK
        S: 354 {…}
    """)
    await lmtp.send(b"Subject: dots\r\n\r\n..one dot\r\n...two\nbare lf\r\n.\r\n")
    await lmtp.expect("250 2.0.0 <bob> Delivered {…}")
    [body] = await bodies("user.bob")
    assert body.endswith(b"\r\nSubject: dots\r\n\r\n.one dot\r\n..two\r\nbare lf\r\n")


async def test_size_limits(make_conf: ConfFactory, serve: Serve, connect: Connect,
                           bodies: Bodies) -> None:
    client = await connect(await serve(make_conf("maxmessagesize: 200\n")))
    await client.play("""
        S: 220 {…}
        C: LHLO mx.test
        S: 250-{…}
        S: 250-{…}
        S: 250-{…}
        S: 250-{…}
        S: 250 SIZE 200
        C: MAIL FROM:<a@example.org> SIZE=201
        S: 552 5.3.4 Message size exceeds fixed maximum message size
        C: MAIL FROM:<a@example.org> SIZE=100
        C: RCPT TO:<bob>
        C: RCPT TO:<alice>
        C: DATA
        S: 250 2.1.0 Sender OK
        S: 250 2.1.5 Recipient OK
        S: 250 2.1.5 Recipient OK
        S: 354 {…}
    """)
    await client.send(b"Subject: big\r\n\r\n" + b"x" * 300 + b"\r\n.\r\n")
    await client.play("""
        S: 552 5.3.4 Message size exceeds fixed maximum message size
        S: 552 5.3.4 Message size exceeds fixed maximum message size
        C: MAIL FROM:<a@example.org>
        S: 250 2.1.0 Sender OK
    """)
    assert await bodies("user.bob") == []


async def test_delivery_over_unix_socket(lmtp_unix: Transcript, bodies: Bodies) -> None:
    await lmtp_unix.play(LHLO + """
        C: MAIL FROM:<a@example.org>
        C: RCPT TO:<bob+lists>
        C: RCPT TO:<bob+Lists>
        C: DATA
        S: 250 2.1.0 Sender OK
        S: 250 2.1.5 Recipient OK
        S: 250 2.1.5 Recipient OK
        S: 354 {…}
        C: Subject: to a folder
        C: .
        S: 250 2.0.0 <bob+lists> Delivered {…}
        S: 250 2.0.0 <bob+Lists> Delivered {…}
    """)
    # No folder "lists"; "Lists" exists but grants the anonymous sender no
    # `p` (Cyrus's rule for +detail): both copies are one, in the INBOX.
    [in_inbox] = await bodies("user.bob")
    assert await bodies("user.bob.Lists") == []
    assert b"Received: from mx.test\r\n\tby lmtp.test" in in_inbox  # no peer address


async def test_starttls_then_delivery(tls_conf: Config, serve: Serve, connect: Connect,
                                      client_tls: ssl.SSLContext, bodies: Bodies) -> None:
    client = await connect(await serve(tls_conf))
    await client.play("""
        S: 220 {…}
        C: LHLO mx.test
        S: 250-lmtp.test
        S: 250-{…}
        S: 250-{…}
        S: 250-{…}
        S: 250-SIZE
        S: 250 STARTTLS
        C: MAIL FROM:<a@example.org>
        S: 250 2.1.0 Sender OK
        C: RSET
        S: 250 2.0.0 OK
        C: STARTTLS
        S: 220 2.0.0 Ready to start TLS
    """)
    await client.starttls(client_tls)
    await client.play("""
        C: MAIL FROM:<a@example.org>
        S: 503 5.5.1 Send LHLO first
        C: LHLO mx.test
        S: 250-lmtp.test
        S: 250-{…}
        S: 250-{…}
        S: 250-{…}
        S: 250 SIZE
        C: STARTTLS
        S: 503 5.5.1 TLS already active
        C: MAIL FROM:<a@example.org>
        C: RCPT TO:<carol>
        C: DATA
        S: 250 2.1.0 Sender OK
        S: 250 2.1.5 Recipient OK
        S: 354 {…}
        C: Subject: secret
        C: .
        S: 250 2.0.0 <carol> Delivered {…}
    """)
    [body] = await bodies("user.carol")
    assert b"with LMTPS id" in body


async def test_plaintext_pipelined_behind_starttls_is_ignored(
        tls_conf: Config, serve: Serve, connect: Connect, client_tls: ssl.SSLContext) -> None:
    client = await connect(await serve(tls_conf))
    await client.expect("220 {…}")
    # RFC 3207 §4.2: a command injected behind STARTTLS in plaintext is not run.
    await client.send(b"STARTTLS\r\nMAIL FROM:<evil@example.org>\r\n")
    await client.expect("220 2.0.0 Ready to start TLS")
    await client.starttls(client_tls)
    await client.play("""
        C: LHLO mx.test
        S: 250-lmtp.test
        S: 250-{…}
        S: 250-{…}
        S: 250-{…}
        S: 250 SIZE
        C: RCPT TO:<bob>
        S: 503 5.5.1 Need MAIL command
    """)


async def test_unix_socket_path_is_usable_twice(unix_path: Path) -> None:
    for _ in range(2):
        client = Transcript(*await asyncio.open_unix_connection(str(unix_path)))
        await client.play("""
            S: 220 {…}
            C: QUIT
            S: 221 {…}
        """)
        await client.close()


async def test_one_file_on_disk_for_three_recipients(lmtp: Transcript, tmp_path: Path) -> None:
    await lmtp.play(LHLO + """
        C: MAIL FROM:<list@example.org>
        C: RCPT TO:<bob>
        C: RCPT TO:<alice>
        C: RCPT TO:<carol>
        C: DATA
        S: 250 2.1.0 Sender OK
        S: 250 2.1.5 Recipient OK
        S: 250 2.1.5 Recipient OK
        S: 250 2.1.5 Recipient OK
        S: 354 {…}
        C: Subject: to three
        C: .
        S: 250 2.0.0 <bob> {…}
        S: 250 2.0.0 <alice> {…}
        S: 250 2.0.0 <carol> {…}
    """)
    [stored] = [p for p in (tmp_path / "spool").rglob("*") if p.is_file()]
    assert stored.read_bytes().startswith(b"Return-Path: <list@example.org>\r\nReceived: ")


async def test_detail_delivers_to_a_folder_granting_anyone_p(
        lmtp: Transcript, store: SqliteStore, bodies: Bodies) -> None:
    """Cyrus's `sam user/bob/Lists anyone p`: +detail mail from the anonymous
    LMTP client files into the folder; without `p` it went to the INBOX."""
    lists = await store.get_mailbox("user.bob.Lists")
    await store.set_acl(lists.id, "anyone", "p")
    await lmtp.play(LHLO + """
        C: MAIL FROM:<a@example.org>
        S: 250 2.1.0 Sender OK
        C: RCPT TO:<bob+Lists@example.com>
        S: 250 2.1.5 Recipient OK
        C: DATA
        S: 354 {…}
        C: Subject: to a folder
        C: .
        S: 250 2.0.0 <bob+Lists@example.com> Delivered {…}
    """)
    assert await bodies("user.bob") == []
    [filed] = await bodies("user.bob.Lists")
    assert filed.endswith(b"Subject: to a folder\r\n")
