"""Who may read and set annotations (RFC 5464 §3.3, through the one rights
decision): `l` and any one of `r s w i p`, for shared and private entries
alike; Cyrus's administrative entries also need `a`. alice shares `Shared`
with bob, who holds exactly the rights of each case."""

from __future__ import annotations

import pytest
from tests.harness.imap import ImapTranscript, RunningImap, connect

BOX = '"Other Users/alice/Shared"'
EXPIRE = "/shared/vendor/cmu/cyrus-imapd/expire"


async def _share(server: RunningImap, rights: str) -> None:
    alice = await connect(server, "alice")
    await alice.play(rf"""
        C: s1 CREATE Shared
        S: s1 OK {{…}}
        C: s2 SETACL Shared bob "{rights}"
        S: s2 OK {{…}}
    """)
    await alice.close()


@pytest.mark.parametrize("rights", ["lr", "ls", "lw", "li", "lp"])
async def test_l_and_any_of_rswip_reads_and_sets(imap: ImapTranscript, imap_server: RunningImap,
                                                 rights: str) -> None:
    await _share(imap_server, rights)
    await imap.play(rf"""
        C: a1 SETMETADATA {BOX} (/shared/comment "c" /private/comment "p")
        S: a1 OK {{…}}
        C: a2 GETMETADATA {BOX} (/shared/comment /private/comment)
        S: * METADATA {BOX} ("/shared/comment" "c" "/private/comment" "p")
        S: a2 OK {{…}}
        C: a3 SETMETADATA {BOX} ({EXPIRE} "3")
        S: a3 NO [NOPERM] {{…}}
    """)


async def test_l_alone_is_refused(imap: ImapTranscript, imap_server: RunningImap) -> None:
    """RFC 5464 §3.3: the server MUST respond NO."""
    await _share(imap_server, "lkxtea")
    await imap.play(rf"""
        C: a1 GETMETADATA {BOX} /shared/comment
        S: a1 NO [NOPERM] {{…}}
        C: a2 SETMETADATA {BOX} (/private/comment "p")
        S: a2 NO [NOPERM] {{…}}
    """)


async def test_without_l_the_mailbox_is_not_there(imap: ImapTranscript,
                                                  imap_server: RunningImap) -> None:
    await _share(imap_server, "rswip")
    await imap.play(rf"""
        C: a1 GETMETADATA {BOX} /shared/comment
        S: a1 NO [NONEXISTENT] {{…}}
        C: a2 SETMETADATA {BOX} (/shared/comment "x")
        S: a2 NO [NONEXISTENT] {{…}}
    """)


async def test_admin_entries_need_a(imap: ImapTranscript, imap_server: RunningImap) -> None:
    await _share(imap_server, "lra")
    await imap.play(rf"""
        C: a1 SETMETADATA {BOX} ({EXPIRE} "3")
        S: a1 OK {{…}}
        C: a2 GETMETADATA {BOX} {EXPIRE}
        S: * METADATA {BOX} ("{EXPIRE}" "3")
        S: a2 OK {{…}}
    """)
