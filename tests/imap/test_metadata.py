"""GETMETADATA and SETMETADATA (RFC 5464) as transcripts: the RFC's own
examples (with `annotation_allow_undefined` where they use entries nobody
defines), every response code, and Cyrus's entries. Bob's INBOX holds 2
messages of 334 bytes in all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import make_site

from roost.imap.metadata_entries import MAX_ENTRIES

VENDOR = "/shared/vendor/cmu/cyrus-imapd"


@pytest.fixture
async def undefined_ok(tmp_path: Path, cert_dir: Path) -> AsyncIterator[ImapTranscript]:
    """bob, on a server with `annotation_allow_undefined: yes`."""
    site = make_site(tmp_path / "site", cert_dir, "annotation_allow_undefined: yes\n")
    async with running_imap(site) as server:
        client = await connect(server)
        yield client
        await client.close()


async def test_rfc5464_examples(undefined_ok: ImapTranscript) -> None:
    """RFC 5464 §4.2, §4.2.1, §4.2.2 and §4.3, in order (the multi-line
    value counted with CRLF line ends: 35 octets, where the RFC says 33)."""
    await undefined_ok.play(r"""
        C: a1 SETMETADATA INBOX (/private/comment {35+}
        C: My new comment across
        C: two lines.
        C: )
        S: a1 OK {…}
        C: a2 GETMETADATA "INBOX" /private/comment
        S: * METADATA "INBOX" ("/private/comment" {35}
        S: My new comment across
        S: two lines.
        S: )
        S: a2 OK {…}
        C: a3 SETMETADATA INBOX (/private/comment "My own comment" /shared/comment "This one is for you!")
        S: a3 OK {…}
        C: a4 GETMETADATA "INBOX" (/shared/comment /private/comment)
        S: * METADATA "INBOX" ("/shared/comment" "This one is for you!" "/private/comment" "My own comment")
        S: a4 OK {…}
        C: a5 GETMETADATA "INBOX" (MAXSIZE 15) (/shared/comment /private/comment)
        S: * METADATA "INBOX" ("/private/comment" "My own comment")
        S: a5 OK [METADATA LONGENTRIES 20] {…}
        C: a6 GETMETADATA (MAXSIZE 15) "INBOX" (/shared/comment /private/comment)
        S: * METADATA "INBOX" ("/private/comment" "My own comment")
        S: a6 OK [METADATA LONGENTRIES 20] {…}
        C: a7 SETMETADATA INBOX (/private/filters/values/small "SMALLER 5000" /private/filters/values/boss "FROM \"boss@example.com\"" /private/filters/values/boss/deep "x")
        S: a7 OK {…}
        C: a8 GETMETADATA "INBOX" (DEPTH 1) (/private/filters/values)
        S: * METADATA "INBOX" ("/private/filters/values/boss" "FROM \"boss@example.com\"" "/private/filters/values/small" "SMALLER 5000")
        S: a8 OK {…}
        C: a9 GETMETADATA (DEPTH infinity) "INBOX" (/private/filters)
        S: * METADATA "INBOX" ("/private/filters/values/boss" "FROM \"boss@example.com\"" "/private/filters/values/boss/deep" "x" "/private/filters/values/small" "SMALLER 5000")
        S: a9 OK {…}
        C: b1 SETMETADATA INBOX (/private/comment NIL)
        S: b1 OK {…}
        C: b2 GETMETADATA "INBOX" /private/comment
        S: * METADATA "INBOX" ("/private/comment" NIL)
        S: b2 OK {…}
        C: b3 SETMETADATA "" (/private/comment "mine")
        S: b3 OK {…}
        C: b4 GETMETADATA "" /private/comment
        S: * METADATA "" ("/private/comment" "mine")
        S: b4 OK {…}
    """)


async def test_private_is_per_user_shared_is_not(imap: ImapTranscript,
                                                 imap_server: RunningImap) -> None:
    await imap.play(r"""
        C: a1 CREATE Box
        S: a1 OK {…}
        C: a2 SETACL Box alice lrs
        S: a2 OK {…}
        C: a3 SETMETADATA Box (/private/comment "bob's" /shared/comment "everyone's")
        S: a3 OK {…}
    """)
    alice = await connect(imap_server, "alice")
    await alice.play(r"""
        C: b1 GETMETADATA "Other Users/bob/Box" (/private/comment /shared/comment)
        S: * METADATA "Other Users/bob/Box" ("/private/comment" NIL "/shared/comment" "everyone's")
        S: b1 OK {…}
        C: b2 SETMETADATA "Other Users/bob/Box" (/private/comment "alice's")
        S: b2 OK {…}
    """)
    await alice.close()
    await imap.play(r"""
        C: a4 GETMETADATA Box /private/comment
        S: * METADATA "Box" ("/private/comment" "bob's")
        S: a4 OK {…}
    """)


async def test_cyrus_entries_computed_defaults_and_types(imap: ImapTranscript) -> None:
    await imap.play(rf"""
        C: a1 GETMETADATA INBOX ({VENDOR}/size {VENDOR}/partition {VENDOR}/sharedseen {VENDOR}/pop3newuidl {VENDOR}/expire)
        S: * METADATA "INBOX" ("{VENDOR}/size" "334" "{VENDOR}/partition" "default" "{VENDOR}/sharedseen" "false" "{VENDOR}/pop3newuidl" "true" "{VENDOR}/expire" NIL)
        S: a1 OK {{…}}
        C: a2 SETMETADATA INBOX ({VENDOR}/size "5")
        S: a2 NO [NOPERM] Permission denied
        C: a3 SETMETADATA INBOX ({VENDOR}/partition "other")
        S: a3 NO [NOPERM] Permission denied
        C: a4 SETMETADATA INBOX ({VENDOR}/expire "abc")
        S: a4 NO Invalid annotation value
        C: a5 SETMETADATA INBOX ({VENDOR}/squat "maybe")
        S: a5 NO Invalid annotation value
        C: a6 SETMETADATA INBOX ({VENDOR}/sharedseen "TRUE" {VENDOR}/expire "7")
        S: a6 OK {{…}}
        C: a7 GETMETADATA INBOX ({VENDOR}/sharedseen {VENDOR}/expire)
        S: * METADATA "INBOX" ("{VENDOR}/sharedseen" "true" "{VENDOR}/expire" "7")
        S: a7 OK {{…}}
        C: a8 SETMETADATA INBOX (/shared/Comment "Upper")
        S: a8 OK {{…}}
        C: a9 GETMETADATA INBOX /SHARED/COMMENT
        S: * METADATA "INBOX" ("/shared/comment" "Upper")
        S: a9 OK {{…}}
        C: b1 SETMETADATA INBOX (/shared/comment "")
        S: b1 OK {{…}}
        C: b2 GETMETADATA INBOX /shared/comment
        S: * METADATA "INBOX" ("/shared/comment" NIL)
        S: b2 OK {{…}}
    """)


async def test_globs_as_cyradm_sends_them(imap: ImapTranscript) -> None:
    """Cyrus's `*` and `%` (not RFC 5464, which forbids them in names):
    results in Cyrus's order; nothing matched, no METADATA reply."""
    await imap.play(r"""
        C: a1 SETMETADATA INBOX (/shared/comment "c")
        S: a1 OK {…}
        C: a2 GETMETADATA INBOX /shared/%
        S: * METADATA "INBOX" ("/shared/thread" NIL "/shared/specialuse" NIL "/shared/sort" NIL "/shared/comment" "c" "/shared/checkperiod" NIL "/shared/check" NIL)
        S: a2 OK {…}
        C: a3 GETMETADATA INBOX "/private/*"
        S: * METADATA "INBOX" ("/private/thread" NIL "/private/specialuse" NIL "/private/sort" NIL "/private/comment" NIL "/private/checkperiod" NIL "/private/check" NIL)
        S: a3 OK {…}
        C: a4 GETMETADATA INBOX /shared/*x
        S: a4 OK {…}
    """)


async def test_undefined_entries_are_refused_by_default(imap: ImapTranscript) -> None:
    """Cyrus's `annotation_allow_undefined: 0`: NO, and nothing of the command is kept."""
    await imap.play(r"""
        C: a1 SETMETADATA INBOX (/shared/comment "kept?" /shared/vendor/acme/x "v")
        S: a1 NO [NOPERM] Permission denied
        C: a2 GETMETADATA INBOX /shared/comment
        S: * METADATA "INBOX" ("/shared/comment" NIL)
        S: a2 OK {…}
    """)


async def test_maxsize_code(imap: ImapTranscript) -> None:
    big = "x" * 65537
    await imap.play(rf"""
        C: a1 SETMETADATA INBOX (/shared/comment {{65537+}}
        C: {big})
        S: a1 NO [METADATA MAXSIZE 65536] {{…}}
        C: a2 GETMETADATA INBOX /shared/comment
        S: * METADATA "INBOX" ("/shared/comment" NIL)
        S: a2 OK {{…}}
    """)


async def test_toomany_code_leaves_all_unchanged(undefined_ok: ImapTranscript) -> None:
    first = " ".join(f'/shared/e{n} "v"' for n in range(MAX_ENTRIES))
    await undefined_ok.play(rf"""
        C: a1 SETMETADATA INBOX ({first})
        S: a1 OK {{…}}
        C: a2 SETMETADATA INBOX (/shared/e0 "changed" /shared/one-more "v")
        S: a2 NO [METADATA TOOMANY] {{…}}
        C: a3 GETMETADATA INBOX (/shared/e0 /shared/one-more)
        S: * METADATA "INBOX" ("/shared/e0" "v" "/shared/one-more" NIL)
        S: a3 OK {{…}}
        C: a4 SETMETADATA INBOX (/shared/e0 NIL /shared/one-more "v")
        S: a4 OK {{…}}
        C: a5 SETMETADATA INBOX (/private/e0 "private ones count apart")
        S: a5 OK {{…}}
    """)


async def test_server_entries(imap: ImapTranscript, imap_anon: ImapTranscript) -> None:
    """RFC 5464 §3.3: anyone reads server entries; only admins set shared ones."""
    await imap.play(r"""
        C: a1 SETMETADATA "" (/shared/comment "mine now")
        S: a1 NO [NOPERM] Permission denied
    """)
    await imap_anon.play(r"""
        C: b1 LOGIN admin secret
        S: b1 OK {…}
        C: b2 SETMETADATA "" (/shared/comment "Shared comment" /shared/admin "mailto:postmaster@example.com")
        S: b2 OK {…}
    """)
    await imap.play(r"""
        C: a2 GETMETADATA "" /shared/comment
        S: * METADATA "" ("/shared/comment" "Shared comment")
        S: a2 OK {…}
        C: a3 GETMETADATA "" (/shared/admin /shared/vendor/cmu/cyrus-imapd/size)
        S: * METADATA "" ("/shared/admin" "mailto:postmaster@example.com" "/shared/vendor/cmu/cyrus-imapd/size" NIL)
        S: a3 OK {…}
    """)


async def test_a_mailbox_that_is_not_there(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 GETMETADATA Nosuch /shared/comment
        S: a1 NO [NONEXISTENT] {…}
        C: a2 SETMETADATA Nosuch (/shared/comment "x")
        S: a2 NO [NONEXISTENT] {…}
        C: a3 GETMETADATA INBOX /shared/comment /private/comment
        S: a3 BAD {…}
        C: a4 NOOP
        S: a4 OK {…}
    """)


async def test_capability_is_advertised(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CAPABILITY
        S: * CAPABILITY {…} METADATA{…}
        S: a1 OK {…}
    """)
