"""Transcripts: FETCH of cached items and errors (RFC 9051 §6.4.5, §7.5.2)."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import make_site

from roost.store.names import user_inbox

ENVELOPE_1 = (
    'ENVELOPE ("Mon, 7 Feb 1994 21:52:25 -0800" "Hello 1"'
    ' (("Alice" NIL "alice" "example.com")) (("Alice" NIL "alice" "example.com"))'
    ' (("Alice" NIL "alice" "example.com")) (("Bob" NIL "bob" "example.com"))'
    ' NIL NIL NIL "<1@example.com>")'
)
BODY_1 = '("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 20 1)'
BODYSTRUCTURE_1 = '("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 20 1 NIL NIL NIL NIL)'


async def test_fetch_cached_items(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(rf"""
        C: a1 FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY BODYSTRUCTURE UID)
        S: * 1 FETCH (FLAGS (\Recent) INTERNALDATE "{{…}}-{{…}}-{{…}} {{…}}:{{…}}:{{…}} +0000" RFC822.SIZE 167 {ENVELOPE_1} BODY {BODY_1} BODYSTRUCTURE {BODYSTRUCTURE_1} UID 1)
        S: a1 OK {{…}}
    """)


async def test_internaldate_format(imap: ImapTranscript, imap_server: RunningImap) -> None:
    when = datetime(2024, 3, 5, 7, 8, 9, tzinfo=UTC)
    await imap_server.ctx.store.append(await imap_server.mailbox_id(user_inbox("bob")), b"Subject: x\r\n\r\nx\r\n",
                                       internaldate=when)
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 FETCH 3 INTERNALDATE
        S: * 3 FETCH (INTERNALDATE "05-Mar-2024 07:08:09 +0000")
        S: a1 OK {…}
    """)


async def test_macros_expand(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 FETCH 2 FAST
        S: * 2 FETCH (FLAGS (\Recent) INTERNALDATE "{…}" RFC822.SIZE 167)
        S: a1 OK {…}
        C: a2 FETCH 2 ALL
        S: * 2 FETCH (FLAGS (\Recent) INTERNALDATE "{…}" RFC822.SIZE 167 ENVELOPE ({…}))
        S: a2 OK {…}
        C: a3 FETCH 2 FULL
        S: * 2 FETCH (FLAGS {…} ENVELOPE ({…}) BODY ("TEXT" "PLAIN" {…} 20 1))
        S: a3 OK {…}
    """)


async def test_uid_fetch_always_has_uid(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 UID FETCH 1:* FLAGS
        S: * 1 FETCH (UID 1 FLAGS (\Recent))
        S: * 2 FETCH (UID 2 FLAGS (\Recent))
        S: a1 OK {…}
        C: a2 UID FETCH 2 (FLAGS UID)
        S: * 2 FETCH (FLAGS (\Recent) UID 2)
        S: a2 OK {…}
    """)


async def test_uid_fetch_of_missing_uids_is_ok_and_silent(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 UID FETCH 7:9 FLAGS
        S: a1 OK {…}
        C: a2 UID FETCH 2:9 UID
        S: * 2 FETCH (UID 2)
        S: a2 OK {…}
    """)


async def test_sequence_beyond_exists_is_bad(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 FETCH 3 FLAGS
        S: a1 BAD {…}
        C: a2 FETCH 1:5 FLAGS
        S: a2 BAD {…}
        C: a3 FETCH 2:* UID
        S: * 2 FETCH (UID 2)
        S: a3 OK {…}
    """)


async def test_malformed_fetch_is_bad_and_connection_lives(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 FETCH 1 (FLAGS
        S: a1 BAD {…}
        C: a2 FETCH 1 BOGUS
        S: a2 BAD {…}
        C: a3 FETCH 1 BODY[HEADER.FIELDS ()]
        S: a3 BAD {…}
        C: a4 FETCH 0 FLAGS
        S: a4 BAD {…}
        C: a5 FETCH 1 BODY[1.MIME]<5>
        S: a5 BAD {…}
        C: a6 FETCH 1 EMAILIDS
        S: a6 BAD {…}
        C: a7 FETCH 1 UID
        S: * 1 FETCH (UID 1)
        S: a7 OK {…}
    """)


async def test_fetch_needs_a_selected_mailbox(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 FETCH 1 FLAGS
        S: a1 BAD {…}
    """)


async def test_modseq_and_changedsince(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 2 +FLAGS.SILENT (\Flagged)
        S: a1 OK {…}
        C: a2 FETCH 1:* (MODSEQ)
        S: * OK [HIGHESTMODSEQ {…}] {…}
        S: * 1 FETCH (MODSEQ ({…}))
        S: * 2 FETCH (MODSEQ ({…}))
        S: a2 OK {…}
    """)
    lines = await imap.command("FETCH 1 MODSEQ")
    first = int(lines[-2].split("MODSEQ (")[1].split(")")[0])
    await imap.play(rf"""
        C: a3 UID FETCH 1:* FLAGS (CHANGEDSINCE {first})
        S: * 2 FETCH (UID 2 FLAGS (\Recent \Flagged) MODSEQ ({{…}}))
        S: a3 OK {{…}}
        C: a4 UID FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)
        S: a4 BAD {{…}}
    """)


async def test_dollar_without_saved_search_is_empty(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 FETCH $ UID
        S: a1 OK {…}
    """)


@pytest.fixture(params=["delayed", "semidelayed"])
async def expunge_mode(request: pytest.FixtureRequest, tmp_path: Path,
                       cert_dir: Path) -> AsyncIterator[tuple[str, RunningImap]]:
    site = make_site(tmp_path / "site", cert_dir, f"expunge_mode: {request.param}\n")
    async with running_imap(site) as server:
        yield request.param, server


async def test_pending_expunge_answers_from_cache(expunge_mode: tuple[str, RunningImap]) -> None:
    """RFC 2180 §4.1.2: the expunged message keeps its number; what needs
    only the cached record is answered. The rest is answered too while
    delayed expunge holds the body (as Cyrus does), else ends NO [EXPUNGEISSUED]."""
    mode, server = expunge_mode
    imap, imap2 = await connect(server), await connect(server)
    await imap.select("INBOX")
    await imap2.select("INBOX")
    await imap2.play(r"""
        C: b1 STORE 1 +FLAGS.SILENT (\Deleted)
        S: b1 OK {…}
        C: b2 EXPUNGE
        S: * 1 EXPUNGE
        S: b2 OK {…}
    """)
    held = (f"S: * 1 FETCH (UID 1 {ENVELOPE_1})\n S: * 2 FETCH (UID 2 ENVELOPE ({{…}}))\n"
            "S: a1 OK {…}") if mode == "delayed" else (
            "S: * 2 FETCH (UID 2 ENVELOPE ({…}))\n S: a1 NO [EXPUNGEISSUED] {…}")
    await imap.play(r"""
        C: a0 FETCH 1 (UID FLAGS RFC822.SIZE)
        S: * 1 FETCH (UID 1 FLAGS (\Recent) RFC822.SIZE 167)
        S: a0 OK {…}
        C: a1 FETCH 1:2 (UID ENVELOPE)
    """ + held + r"""
        C: a2 NOOP
        S: * 1 EXPUNGE
        S: a2 OK {…}
    """)
    await imap.close()
    await imap2.close()
