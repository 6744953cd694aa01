"""Transcripts: SEARCH / UID SEARCH keys and replies (RFC 9051 §6.4.4,
RFC 3501 §6.4.4, RFC 4731 ESEARCH, RFC 5182 SEARCHRES)."""

from datetime import UTC, datetime

import pytest
from tests.harness.imap import ImapTranscript, RunningImap

from roost.store.names import user_inbox

UNICODE = (
    b"From: =?UTF-8?Q?J=C3=BCrgen?= <jurgen@example.org>\r\n"
    b"To: bob@example.com\r\n"
    b"Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\n"
    b"Date: Tue, 2 Jan 2024 10:00:00 +0100\r\n"
    b"X-Tag: Blue\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Der STRASSE entlang: =C3=9Cberraschung!\r\n"
)


@pytest.fixture
async def box(imap: ImapTranscript, imap_server: RunningImap) -> ImapTranscript:
    """INBOX: the 2 samples (sent 1994), then UNICODE (UID 3, internal date
    2024-01-03, flagged, keyword $Work), selected."""
    await imap_server.ctx.store.append(
        await imap_server.mailbox_id(user_inbox("bob")), UNICODE, flags=("\\Flagged", "$Work"),
        internaldate=datetime(2024, 1, 3, 12, 0, tzinfo=UTC))
    await imap.select("INBOX")
    return imap


async def test_plain_search_replies_search(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 SEARCH ALL
        S: * SEARCH 1 2 3
        S: a1 OK {…}
        C: a2 UID SEARCH SUBJECT nothing-like-this
        S: * SEARCH
        S: a2 OK {…}
    """)


async def test_flag_and_keyword_keys(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 SEARCH FLAGGED
        S: * SEARCH 3
        S: a1 OK {…}
        C: a2 SEARCH UNFLAGGED
        S: * SEARCH 1 2
        S: a2 OK {…}
        C: a3 SEARCH KEYWORD $work
        S: * SEARCH 3
        S: a3 OK {…}
        C: a4 SEARCH UNKEYWORD $Work UNSEEN UNDELETED UNANSWERED UNDRAFT
        S: * SEARCH 1 2
        S: a4 OK {…}
        C: a5 STORE 1 +FLAGS.SILENT (\Seen \Answered)
        S: a5 OK {…}
        C: a6 SEARCH SEEN ANSWERED
        S: * SEARCH 1
        S: a6 OK {…}
        C: a7 SEARCH NEW
        S: * SEARCH 2 3
        S: a7 OK {…}
        C: a8 SEARCH OLD
        S: * SEARCH
        S: a8 OK {…}
        C: a9 SEARCH RECENT DELETED
        S: * SEARCH
        S: a9 OK {…}
    """)


async def test_date_keys(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 SEARCH ON 3-Jan-2024
        S: * SEARCH 3
        S: a1 OK {…}
        C: a2 SEARCH BEFORE 4-Jan-2024 SINCE 3-Jan-2024
        S: * SEARCH 3
        S: a2 OK {…}
        C: a3 SEARCH SENTBEFORE 1-Jan-2000
        S: * SEARCH 1 2
        S: a3 OK {…}
        C: a4 SEARCH SENTON 7-Feb-1994
        S: * SEARCH 1 2
        S: a4 OK {…}
        C: a5 SEARCH SENTSINCE 2-Jan-2024
        S: * SEARCH 3
        S: a5 OK {…}
        C: a6 SEARCH OLDER 86400
        S: * SEARCH 3
        S: a6 OK {…}
        C: a7 SEARCH YOUNGER 86400
        S: * SEARCH 1 2
        S: a7 OK {…}
    """)


async def test_sent_keys_fall_back_to_internal_date(
        box: ImapTranscript, imap_server: RunningImap) -> None:
    """A message without a usable Date: is dated by its internal date, as
    Cyrus does (differential check)."""
    await imap_server.ctx.store.append(
        await imap_server.mailbox_id(user_inbox("bob")), b"Subject: undated\r\nDate: not a date\r\n\r\nx\r\n",
        internaldate=datetime(2024, 2, 1, 12, 0, tzinfo=UTC))
    await box.play(r"""
        C: a1 NOOP
        S: * 4 EXISTS
        S: * 4 RECENT
        S: a1 OK {…}
        C: a2 SEARCH SENTON 1-Feb-2024
        S: * SEARCH 4
        S: a2 OK {…}
        C: a3 SEARCH SENTSINCE 2-Jan-2024
        S: * SEARCH 3 4
        S: a3 OK {…}
        C: a4 SEARCH SENTBEFORE 1-Feb-2024
        S: * SEARCH 1 2 3
        S: a4 OK {…}
    """)


async def test_header_keys_decode_and_fold(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 SEARCH FROM "jürgen"
        S: * SEARCH 3
        S: a1 OK {…}
        C: a2 SEARCH SUBJECT "GRÜSSE"
        S: * SEARCH 3
        S: a2 OK {…}
        C: a3 SEARCH TO bob CC bob
        S: * SEARCH
        S: a3 OK {…}
        C: a4 SEARCH HEADER x-tag ""
        S: * SEARCH 3
        S: a4 OK {…}
        C: a5 SEARCH HEADER Message-ID "2@EXAMPLE"
        S: * SEARCH 2
        S: a5 OK {…}
        C: a6 SEARCH BCC anyone
        S: * SEARCH
        S: a6 OK {…}
    """)


async def test_body_and_text_keys(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 SEARCH BODY "überraschung"
        S: * SEARCH 3
        S: a1 OK {…}
        C: a2 SEARCH BODY "message 2"
        S: * SEARCH 2
        S: a2 OK {…}
        C: a3 SEARCH TEXT "x-tag: blue"
        S: * SEARCH 3
        S: a3 OK {…}
        C: a4 SEARCH BODY alice
        S: * SEARCH
        S: a4 OK {…}
        C: a5 SEARCH TEXT alice
        S: * SEARCH 1 2
        S: a5 OK {…}
        C: a6 SEARCH CHARSET UTF-8 BODY {6+}
        C: STRAß
        S: * SEARCH 3
        S: a6 OK {…}
    """)


async def test_body_and_text_keys_in_a_message_over_a_mebibyte(
        box: ImapTranscript, imap_server: RunningImap) -> None:
    """Decoded off the event loop (TEXT_OFF_LOOP), with the same answers."""
    big = UNICODE.replace(b"X-Tag: Blue", b"X-Tag: Huge") + b"filler line\r\n" * 100_000
    await imap_server.ctx.store.append(await imap_server.mailbox_id(user_inbox("bob")), big)
    await box.play(r"""
        C: a0 NOOP
        S: * 4 EXISTS
        S: * 4 RECENT
        S: a0 OK {…}
        C: a1 SEARCH BODY "überraschung"
        S: * SEARCH 3 4
        S: a1 OK {…}
        C: a2 SEARCH TEXT "x-tag: huge"
        S: * SEARCH 4
        S: a2 OK {…}
    """)


async def test_size_uid_sequence_keys(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 SEARCH LARGER 167
        S: * SEARCH 3
        S: a1 OK {…}
        C: a2 SEARCH SMALLER 168
        S: * SEARCH 1 2
        S: a2 OK {…}
        C: a3 SEARCH UID 2:*
        S: * SEARCH 2 3
        S: a3 OK {…}
        C: a4 SEARCH 1,3
        S: * SEARCH 1 3
        S: a4 OK {…}
        C: a5 UID SEARCH *
        S: * SEARCH 3
        S: a5 OK {…}
        C: a6 SEARCH 2:9
        S: * SEARCH 2 3
        S: a6 OK {…}
    """)


async def test_boolean_keys(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 SEARCH OR FLAGGED SUBJECT "hello 1"
        S: * SEARCH 1 3
        S: a1 OK {…}
        C: a2 SEARCH NOT OR 1 2
        S: * SEARCH 3
        S: a2 OK {…}
        C: a3 SEARCH (FROM alice SUBJECT "2") NOT FLAGGED
        S: * SEARCH 2
        S: a3 OK {…}
        C: a4 SEARCH NOT BODY message
        S: * SEARCH 3
        S: a4 OK {…}
    """)


async def test_modseq_key_reports_highest(box: ImapTranscript) -> None:
    lines = await box.command("FETCH 3 MODSEQ")
    modseq = int(lines[-2].split("MODSEQ (")[1].split(")")[0])
    await box.play(rf"""
        C: a1 SEARCH MODSEQ {modseq}
        S: * SEARCH 3 (MODSEQ {modseq})
        S: a1 OK {{…}}
        C: a2 SEARCH MODSEQ {modseq + 100}
        S: * SEARCH
        S: a2 OK {{…}}
    """)


async def test_esearch_return_options(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 SEARCH RETURN (MIN MAX COUNT ALL) UNFLAGGED
        S: * ESEARCH (TAG "a1") MIN 1 MAX 2 COUNT 2 ALL 1:2
        S: a1 OK {…}
        C: a2 UID SEARCH RETURN () ALL
        S: * ESEARCH (TAG "a2") UID ALL 1:3
        S: a2 OK {…}
        C: a3 SEARCH RETURN (COUNT MIN) SUBJECT none
        S: * ESEARCH (TAG "a3") COUNT 0
        S: a3 OK {…}
    """)


async def test_rev2_search_answers_esearch(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 ENABLE IMAP4rev2
        S: * ENABLED {…}
        S: a1 OK {…}
        C: a2 SEARCH UNFLAGGED
        S: * ESEARCH (TAG "a2") ALL 1:2
        S: a2 OK {…}
        C: a3 UID SEARCH SUBJECT none
        S: * ESEARCH (TAG "a3") UID
        S: a3 OK {…}
    """)


async def test_save_then_use_dollar(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 SEARCH RETURN (SAVE) FROM alice
        S: a1 OK {…}
        C: a2 FETCH $ UID
        S: * 1 FETCH (UID 1)
        S: * 2 FETCH (UID 2)
        S: a2 OK {…}
        C: a3 SEARCH $ NOT 1
        S: * SEARCH 2
        S: a3 OK {…}
        C: a4 SEARCH RETURN (SAVE MAX) ALL
        S: * ESEARCH (TAG "a4") MAX 3
        S: a4 OK {…}
        C: a5 UID SEARCH UID $
        S: * SEARCH 3
        S: a5 OK {…}
        C: a6 SEARCH RETURN (SAVE COUNT) SUBJECT none
        S: * ESEARCH (TAG "a6") COUNT 0
        S: a6 OK {…}
        C: a7 SEARCH $
        S: * SEARCH
        S: a7 OK {…}
    """)


async def test_malformed_search_is_bad_and_connection_lives(box: ImapTranscript) -> None:
    await box.play(r"""
        C: a1 SEARCH
        S: a1 BAD {…}
        C: a2 SEARCH BOGUS
        S: a2 BAD {…}
        C: a3 SEARCH (FLAGGED
        S: a3 BAD {…}
        C: a4 SEARCH OR FLAGGED
        S: a4 BAD {…}
        C: a5 SEARCH ON 32-Jan-2024
        S: a5 BAD {…}
        C: a6 SEARCH RETURN (BOGUS) ALL
        S: a6 BAD {…}
        C: a7 SEARCH FLAGGED
        S: * SEARCH 3
        S: a7 OK {…}
    """)


async def test_search_needs_a_selected_mailbox(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 SEARCH ALL
        S: a1 BAD {…}
    """)


async def test_search_charsets(box: ImapTranscript) -> None:
    await box.play("""
        C: a1 SEARCH CHARSET US-ASCII SUBJECT hello
        S: * SEARCH 1 2
        S: a1 OK {…}
        C: a2 SEARCH CHARSET X-UNKNOWN ALL
        S: a2 {…}
        C: a3 SEARCH ALL
        S: * SEARCH 1 2 3
        S: a3 OK {…}
    """)
