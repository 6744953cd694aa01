"""Transcripts: FETCH of body sections, BINARY and the \\Seen side effect
(RFC 9051 §6.4.5, §7.5.2; RFC 3516 §4.2-4.3)."""

import pytest
from tests.harness.imap import ImapTranscript, RunningImap

from roost.store.names import user_inbox

MULTI = (
    b"From: Carol <carol@example.com>\r\n"
    b"Subject: parts\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=\"xx\"\r\n"
    b"\r\n"
    b"preamble\r\n"
    b"--xx\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"first part\r\n"
    b"--xx\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"\r\n"
    b"AAECaGk=\r\n"
    b"--xx\r\n"
    b"Content-Type: message/rfc822\r\n"
    b"\r\n"
    b"Subject: inner\r\n"
    b"To: dave@example.com\r\n"
    b"\r\n"
    b"inner body\r\n"
    b"--xx\r\n"
    b"Content-Type: text/plain\r\n"
    b"Content-Transfer-Encoding: x-uuencode\r\n"
    b"\r\n"
    b"begin 644 x\r\n"
    b"--xx--\r\n"
)


@pytest.fixture
async def multi(imap: ImapTranscript, imap_server: RunningImap) -> ImapTranscript:
    """bob's INBOX with MULTI as message 3, selected."""
    await imap_server.ctx.store.append(await imap_server.mailbox_id(user_inbox("bob")), MULTI)
    await imap.select("INBOX")
    return imap


async def test_whole_message_and_partial(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 FETCH 2 (BODY.PEEK[]<0.10> BODY.PEEK[TEXT])
        S: * 2 FETCH (BODY[]<0> {10}
        S: From: Alic BODY[TEXT] {20}
        S: Body of message 2.
        S: )
        S: a1 OK {…}
        C: a2 FETCH 2 (BODY.PEEK[]<500.10> BODY.PEEK[HEADER]<160.99>)
        S: * 2 FETCH (BODY[]<500> {0}
        S:  BODY[HEADER]<160> {0}
        S: )
        S: a2 OK {…}
    """)


async def test_header_fields_and_not(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT from)]
        S: * 1 FETCH (BODY[HEADER.FIELDS (SUBJECT from)] {53}
        S: From: Alice <alice@example.com>
        S: Subject: Hello 1
        S: 
        S: )
        S: a1 OK {…}
        C: a2 FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (From To Date Message-ID)]
        S: * 1 FETCH (BODY[HEADER.FIELDS.NOT (From To Date Message-ID)] {20}
        S: Subject: Hello 1
        S: 
        S: )
        S: a2 OK {…}
    """)


async def test_rfc822_items_keep_their_names(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 FETCH 1 (RFC822.HEADER)
        S: * 1 FETCH (RFC822.HEADER {147}
        S: From: Alice <alice@example.com>
        S: To: Bob <bob@example.com>
        S: Subject: Hello 1
        S: Date: Mon, 7 Feb 1994 21:52:25 -0800
        S: Message-ID: <1@example.com>
        S: 
        S: )
        S: a1 OK {…}
        C: a2 FETCH 1 (RFC822.TEXT)
        S: * 1 FETCH (RFC822.TEXT {20}
        S: Body of message 1.
        S:  FLAGS (\Recent \Seen))
        S: a2 OK {…}
        C: a3 FETCH 2 RFC822
        S: * 2 FETCH (RFC822 {167}
        S: From: {…}
        S: To: {…}
        S: Subject: Hello 2
        S: Date: {…}
        S: Message-ID: {…}
        S: 
        S: Body of message 2.
        S:  FLAGS (\Recent \Seen))
        S: a3 OK {…}
    """)


async def test_part_sections(multi: ImapTranscript) -> None:
    await multi.play(r"""
        C: a1 FETCH 3 (BODY.PEEK[1] BODY.PEEK[1.MIME] BODY.PEEK[2]<2.3> BODY.PEEK[9])
        S: * 3 FETCH (BODY[1] {10}
        S: first part BODY[1.MIME] {43}
        S: Content-Type: text/plain; charset=utf-8
        S: 
        S:  BODY[2]<2> {3}
        S: ECa BODY[9] NIL)
        S: a1 OK {…}
    """)


async def test_encapsulated_message_sections(multi: ImapTranscript) -> None:
    await multi.play(r"""
        C: a1 FETCH 3 (BODY.PEEK[3.HEADER] BODY.PEEK[3.TEXT] BODY.PEEK[3.HEADER.FIELDS (TO)])
        S: * 3 FETCH (BODY[3.HEADER] {40}
        S: Subject: inner
        S: To: dave@example.com
        S: 
        S:  BODY[3.TEXT] {10}
        S: inner body BODY[3.HEADER.FIELDS (TO)] {24}
        S: To: dave@example.com
        S: 
        S: )
        S: a1 OK {…}
    """)


async def test_bodystructure_of_multipart(multi: ImapTranscript) -> None:
    await multi.play(r"""
        C: a1 FETCH 3 BODYSTRUCTURE
        S: * 3 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "utf-8") {…}) "MIXED" ("BOUNDARY" "xx") NIL NIL NIL))
        S: a1 OK {…}
    """)


async def test_binary_decodes_and_uses_literal8(multi: ImapTranscript) -> None:
    await multi.play("""
        C: a1 FETCH 3 (BINARY.PEEK[2] BINARY.SIZE[2] BINARY.PEEK[2]<1.2> BINARY.PEEK[9])
        S: * 3 FETCH (BINARY[2] ~{5}
        S: \x00\x01\x02hi BINARY.SIZE[2] 5 BINARY[2]<1> {2}
        S: \x01\x02 BINARY[9] NIL)
        S: a1 OK {…}
        C: a2 FETCH 3 (BINARY.PEEK[1] BINARY.SIZE[1])
        S: * 3 FETCH (BINARY[1] {10}
        S: first part BINARY.SIZE[1] 10)
        S: a2 OK {…}
    """)


async def test_binary_unknown_encoding_is_no(multi: ImapTranscript) -> None:
    await multi.play(r"""
        C: a1 FETCH 3 BINARY.PEEK[4]
        S: a1 NO [UNKNOWN-CTE] {…}
        C: a2 FETCH 3 BINARY.SIZE[4]
        S: a2 NO [UNKNOWN-CTE] {…}
        C: a3 FETCH 3 BODY.PEEK[4]
        S: * 3 FETCH (BODY[4] {11}
        S: begin 644 x)
        S: a3 OK {…}
    """)


async def test_binary_sets_seen_but_size_does_not(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 FETCH 1 BINARY.SIZE[1]
        S: * 1 FETCH (BINARY.SIZE[1] 20)
        S: a1 OK {…}
        C: a2 FETCH 1 BINARY[1]
        S: * 1 FETCH (BINARY[1] {20}
        S: Body of message 1.
        S:  FLAGS (\Recent \Seen))
        S: a2 OK {…}
    """)


async def test_body_fetch_sets_seen_once_and_others_see_it(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap2.select("INBOX")
    await imap.play(r"""
        C: a1 FETCH 1:2 (FLAGS BODY[HEADER.FIELDS (Subject)])
        S: * 1 FETCH (FLAGS (\Recent \Seen) BODY[HEADER.FIELDS (Subject)] {20}
        S: Subject: Hello 1
        S: 
        S: )
        S: * 2 FETCH (FLAGS (\Recent \Seen) BODY[HEADER.FIELDS (Subject)] {20}
        S: Subject: Hello 2
        S: 
        S: )
        S: a1 OK {…}
        C: a2 FETCH 1 BODY[]<0.4>
        S: * 1 FETCH (BODY[]<0> {4}
        S: From)
        S: a2 OK {…}
    """)
    await imap2.play(r"""
        C: b1 NOOP
        S: * 1 FETCH (FLAGS (\Seen))
        S: * 2 FETCH (FLAGS (\Seen))
        S: b1 OK {…}
    """)


async def test_peek_leaves_seen_alone(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 FETCH 1 BODY.PEEK[]<0.4>
        S: * 1 FETCH (BODY[]<0> {4}
        S: From)
        S: a1 OK {…}
        C: a2 FETCH 1 FLAGS
        S: * 1 FETCH (FLAGS (\Recent))
        S: a2 OK {…}
    """)


async def test_examine_does_not_set_seen(imap: ImapTranscript) -> None:
    await imap.command("EXAMINE INBOX")
    await imap.play(r"""
        C: a1 FETCH 1 BODY[]<0.4>
        S: * 1 FETCH (BODY[]<0> {4}
        S: From)
        S: a1 OK {…}
        C: a2 FETCH 1 FLAGS
        S: * 1 FETCH (FLAGS (\Recent))
        S: a2 OK {…}
    """)  # \Recent: nobody claimed it, and EXAMINE shows it (RFC 3501 §2.3.2)


async def test_header_sections_of_many_messages(multi: ImapTranscript) -> None:
    """A message list: only header blocks are read, one batch for all three;
    a part's header beside it makes the whole body needed again."""
    await multi.play(r"""
        C: a1 FETCH 1:3 (BODY.PEEK[HEADER.FIELDS (Subject)])
        S: * 1 FETCH (BODY[HEADER.FIELDS (Subject)] {20}
        S: Subject: Hello 1
        S: 
        S: )
        S: * 2 FETCH (BODY[HEADER.FIELDS (Subject)] {20}
        S: Subject: Hello 2
        S: 
        S: )
        S: * 3 FETCH (BODY[HEADER.FIELDS (Subject)] {18}
        S: Subject: parts
        S: 
        S: )
        S: a1 OK {…}
        C: a2 FETCH 3 (BODY.PEEK[HEADER.FIELDS (Subject)] BODY.PEEK[3.HEADER.FIELDS (Subject)])
        S: * 3 FETCH (BODY[HEADER.FIELDS (Subject)] {18}
        S: Subject: parts
        S: 
        S:  BODY[3.HEADER.FIELDS (Subject)] {18}
        S: Subject: inner
        S: 
        S: )
        S: a2 OK {…}
    """)
