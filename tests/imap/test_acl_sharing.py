"""Sharing folders between users and with a group (RFC 4314 identifiers, as
Cyrus's unix auth reads groups), seen over IMAP by the sharee; a session
re-decides when the ACL changes under it; Cyrus's defaultacl and
anyoneuseracl."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import make_site


@pytest.fixture
async def grouped(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningImap]:
    """A site whose group file puts bob (not alice) in `staff`."""
    groups = tmp_path / "group"
    groups.write_text("# name:password:gid:members\nstaff:x:1001:carol,bob\nother:x:1002:alice\n")
    site = make_site(tmp_path / "site", cert_dir, f"unix_group_file: {groups}\n")
    async with running_imap(site) as server:
        yield server


async def test_alice_shares_a_folder_with_bob(imap_server: RunningImap) -> None:
    alice = await connect(imap_server, "alice")
    bob = await connect(imap_server, "bob")
    try:
        await alice.play(r"""
            C: a1 CREATE Project
            S: a1 OK {…}
            C: a2 APPEND Project {7+}
            C: Subj: x
            S: a2 OK {…}
            C: a3 SETACL Project bob lrs
            S: a3 OK {…}
        """)
        await bob.play(r"""
            C: b1 LIST "" "Other Users/*"
            S: * LIST (\HasNoChildren) "/" "Other Users/alice/Project"
            S: b1 OK {…}
            C: b2 SELECT "Other Users/alice/Project"
            S: * 1 EXISTS
            S: {…}
            S: {…}
            S: {…}
            S: {…}
            S: {…}
            S: {…}
            S: * OK [HIGHESTMODSEQ {…}] {…}
            S: * OK [URLMECH INTERNAL] Ok
            S: * OK [MAILBOXID ({…})] {…}
            S: b2 OK [READ-WRITE] {…}
            C: b3 APPEND "Other Users/alice/Project" {7+}
            C: Subj: y
            S: b3 NO [NOPERM] Permission denied
        """)
    finally:
        await alice.close()
        await bob.close()


async def test_a_group_grant_reaches_its_members_only(grouped: RunningImap) -> None:
    bob = await connect(grouped, "bob")
    alice = await connect(grouped, "alice")
    try:
        await bob.play(r"""
            C: b1 CREATE Team
            S: b1 OK {…}
            C: b2 SETACL Team alice lr
            S: b2 OK {…}
            C: b3 SETACL Team -alice r
            S: b3 OK {…}
        """)
        await alice.play(r"""
            C: a1 MYRIGHTS "Other Users/bob/Team"
            S: * MYRIGHTS "Other Users/bob/Team" l
            S: a1 OK {…}
        """)
        store = grouped.ctx.store
        team = await store.get_mailbox("user.bob.Team")
        alice_box = await store.create_mailbox("user.alice.Plans")
        await store.set_acl(alice_box.id, "group:staff", "lrsi")
        await bob.play(r"""
            C: b4 MYRIGHTS "Other Users/alice/Plans"
            S: * MYRIGHTS "Other Users/alice/Plans" lrsi
            S: b4 OK {…}
        """)
        await store.set_acl(team.id, "group:other", "lrs")
        await alice.play(r"""
            C: a2 MYRIGHTS "Other Users/bob/Team"
            S: * MYRIGHTS "Other Users/bob/Team" ls
            S: a2 OK {…}
        """)
    finally:
        await bob.close()
        await alice.close()


async def test_a_selected_session_follows_an_acl_change(imap_server: RunningImap) -> None:
    """The change feed carries MailboxAclChanged: bob's next command is
    decided on the new ACL without reselecting."""
    store = imap_server.ctx.store
    shared = await store.create_mailbox("user.alice.Shared")
    await store.append(shared.id, b"Subject: one\r\n\r\nbody\r\n")
    await store.set_acl(shared.id, "bob", "lrs")
    bob = await connect(imap_server, "bob")
    try:
        await bob.select('"Other Users/alice/Shared"')
        await bob.play(r"""
            C: b1 STORE 1 +FLAGS (\Flagged)
            S: b1 NO [NOPERM] Permission denied
        """)
        await store.set_acl(shared.id, "bob", "w", mode="add")
        await bob.play(r"""
            C: b2 STORE 1 +FLAGS (\Flagged)
            S: * 1 FETCH (FLAGS (\Recent \Flagged))
            S: b2 OK {…}
        """)
        await store.set_acl(shared.id, "bob", "w", mode="remove")
        await bob.play(r"""
            C: b3 STORE 1 -FLAGS (\Flagged)
            S: b3 NO [NOPERM] Permission denied
        """)
    finally:
        await bob.close()


async def test_new_folders_inherit_the_parent_acl(imap: ImapTranscript) -> None:
    """RFC 4314 §4: a new mailbox SHOULD inherit its parent's ACL (Cyrus does)."""
    await imap.play(r"""
        C: a1 CREATE Project
        S: a1 OK {…}
        C: a2 SETACL Project alice lrs
        S: a2 OK {…}
        C: a3 CREATE Project/2026
        S: a3 OK {…}
        C: a4 GETACL Project/2026
        S: * ACL "Project/2026" bob lrswipkxtecda alice lrs
        S: a4 OK {…}
    """)


async def test_top_level_folders_get_defaultacl(imap_anon: ImapTranscript) -> None:
    await imap_anon.play(r"""
        C: a1 LOGIN admin secret
        S: a1 OK {…}
        C: a2 CREATE announcements
        S: a2 OK {…}
        C: a3 GETACL announcements
        S: * ACL "announcements" anyone lrs
        S: a3 OK {…}
        C: a4 CREATE user/dora
        S: a4 OK {…}
        C: a5 GETACL user/dora
        S: * ACL "user/dora" dora lrswipkxtecda
        S: a5 OK {…}
    """)


async def test_anyoneuseracl_off_keeps_users_from_granting_anyone(
        tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "site", cert_dir, "anyoneuseracl: no\n")
    async with running_imap(site) as server:
        bob = await connect(server, "bob")
        try:
            await bob.play(r"""
                C: b1 SETACL INBOX anyone lr
                S: b1 NO [NOPERM] Permission denied
                C: b2 SETACL INBOX -anyone r
                S: b2 NO [NOPERM] Permission denied
                C: b3 SETACL INBOX alice lr
                S: b3 OK {…}
            """)
        finally:
            await bob.close()


async def test_identifiers_are_stored_as_logins_canonicalize_them(
        tmp_path: Path, cert_dir: Path) -> None:
    """RFC 4314 §3 lets a server keep a canonical form: with virtual domains,
    `alice@defaultdomain` is the user `alice`; another domain stays."""
    site = make_site(tmp_path / "site", cert_dir,
                     "virtdomains: userid\ndefaultdomain: example.com\n")
    async with running_imap(site) as server:
        bob = await connect(server, "bob")
        try:
            await bob.play(r"""
                C: b1 SETACL INBOX alice@EXAMPLE.com lr
                S: b1 OK {…}
                C: b2 SETACL INBOX carol@other.org lr
                S: b2 OK {…}
                C: b3 SETACL INBOX "group:staff" r
                S: b3 OK {…}
                C: b4 GETACL INBOX
                S: * ACL "INBOX" bob lrswipkxtecda alice lr carol@other.org lr group:staff r
                S: b4 OK {…}
                C: b5 LISTRIGHTS INBOX alice@EXAMPLE.com
                S: * LISTRIGHTS "INBOX" alice@EXAMPLE.com p l r s w i k x t e c d a
                S: b5 OK {…}
            """)
        finally:
            await bob.close()
