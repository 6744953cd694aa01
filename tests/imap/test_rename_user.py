"""RENAME of a user by an administrator (`RENAME user/bob user/robert`):
folders, ACL entries naming bob, subscriptions, the quota root, \\Seen
state and Sieve scripts all move, in every namespace spelling; refusals
leave everything as it was."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tests.harness.imap import RunningImap, connect, play_as, running_imap
from tests.harness.site import PASSWORD, make_site
from tests.harness.transcript import TranscriptClient
from tests.pop3.pop3_client import connect as pop3_connect
from tests.pop3.pop3_client import running_pop3

from roost.auth.open_credentials import open_credential_store


def add_users(server: RunningImap, *users: str) -> None:
    creds = open_credential_store(server.ctx.conf)
    for user in users:
        creds.set_password(user, PASSWORD)
    creds.close()


async def give_bob_a_life(server: RunningImap) -> None:
    """Folders, an ACL granted and one received, subscriptions on both
    sides, \\Seen on his own and on alice's mail, a quota, a Sieve script."""
    await play_as(server, "bob", r"""
        C: a1 CREATE Sent
        S: a1 OK {…}
        C: a2 SUBSCRIBE Sent
        S: a2 OK {…}
        C: a3 SETACL Sent alice lr
        S: a3 OK {…}
        C: a5 STORE 1 +FLAGS.SILENT (\Seen)
        S: a5 OK {…}
    """, select="INBOX")
    await play_as(server, "alice", """
        C: a1 CREATE Proj
        S: a1 OK {…}
        C: a2 SETACL Proj bob lrsw
        S: a2 OK {…}
        C: a3 SETACL Proj -bob w
        S: a3 OK {…}
        C: a4 APPEND Proj {5+}
        C: hello
        S: a4 OK {…}
        C: a5 SUBSCRIBE "Other Users/bob/Sent"
        S: a5 OK {…}
    """)
    await play_as(server, "bob", r"""
        C: a2 STORE 1 +FLAGS.SILENT (\Seen)
        S: a2 OK {…}
        C: a3 SUBSCRIBE "Other Users/alice/Proj"
        S: a3 OK {…}
    """, select='"Other Users/alice/Proj"')
    await play_as(server, "admin", """
        C: a1 SETQUOTA user/bob (STORAGE 1000)
        S: * QUOTA "user/bob" (STORAGE 0 1000)
        S: a1 OK {…}
    """)
    await server.ctx.scripts.put_script("bob", "main", b"keep;\r\n", b"compiled")
    await server.ctx.scripts.set_active("bob", "main")


@pytest.fixture
async def server(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningImap]:
    async with running_imap(make_site(tmp_path / "site", cert_dir)) as running:
        add_users(running, "robert")
        yield running


async def test_rename_user_moves_everything(server: RunningImap) -> None:
    await give_bob_a_life(server)
    await play_as(server, "admin", """
        C: a1 RENAME user/bob user/robert
        S: a1 OK {…}
        C: a2 LIST "" "user/*"
        S: * LIST ({…}) "/" "user/alice"
        S: * LIST ({…}) "/" "user/alice/Proj"
        S: * LIST ({…}) "/" "user/robert"
        S: * LIST ({…}) "/" "user/robert/Sent"
        S: a2 OK {…}
        C: a3 GETQUOTAROOT user/robert/Sent
        S: * QUOTAROOT "user/robert/Sent" "user/robert"
        S: * QUOTA "user/robert" (STORAGE {…} 1000)
        S: a3 OK {…}
        C: a4 GETACL user/robert/Sent
        S: * ACL "user/robert/Sent" robert lrswipkxtecda alice lr
        S: a4 OK {…}
        C: a5 GETACL user/alice/Proj
        S: * ACL "user/alice/Proj" alice lrswipkxtecda robert lrsw -robert w
        S: a5 OK {…}
    """)
    await play_as(server, "robert", r"""
        C: a1 LSUB "" "*"
        S: * LSUB () "/" "Other Users/alice/Proj"
        S: * LSUB () "/" "Sent"
        S: a1 OK {…}
        C: a2 STATUS INBOX (MESSAGES UNSEEN)
        S: * STATUS "INBOX" (MESSAGES 2 UNSEEN 1)
        S: a2 OK {…}
        C: a4 FETCH 1 FLAGS
        S: * 1 FETCH (FLAGS (\Seen))
        S: a4 OK {…}
    """, select='"Other Users/alice/Proj"')
    await play_as(server, "alice", """
        C: a1 LSUB "" "Other Users/*"
        S: * LSUB () "/" "Other Users/robert/Sent"
        S: a1 OK {…}
    """)
    scripts = server.ctx.scripts
    assert [(i.name, i.active) for i in await scripts.list_scripts("robert")] == [("main", True)]
    assert await scripts.list_scripts("bob") == []
    assert await scripts.get_compiled("robert", "main") == b"compiled"
    assert server.ctx.store.check() == []  # quota usage, references: all consistent


async def test_refused_renames_change_nothing(server: RunningImap) -> None:
    await give_bob_a_life(server)
    await play_as(server, "bob", """
        C: a1 RENAME "Other Users/alice" "Other Users/robert"
        S: a1 NO {…}
    """)
    await play_as(server, "admin", """
        C: a1 RENAME user/bob user/alice
        S: a1 NO [ALREADYEXISTS] {…}
        C: a2 RENAME user/bob user/alice/bob
        S: a2 NO [CANNOT] {…}
        C: a3 RENAME user/bob shared/bob
        S: a3 NO [CANNOT] {…}
        C: a4 GETACL user/alice/Proj
        S: * ACL "user/alice/Proj" alice lrswipkxtecda bob lrsw -bob w
        S: a4 OK {…}
    """)
    assert [i.name for i in await server.ctx.scripts.list_scripts("bob")] == ["main"]
    assert await server.ctx.scripts.list_scripts("alice") == []
    await server.ctx.store.get_mailbox("user.bob.Sent")


async def test_a_renamed_quota_root_moves_with_its_mailbox(server: RunningImap) -> None:
    await play_as(server, "admin", """
        C: a1 CREATE user/bob/Archive
        S: a1 OK {…}
        C: a2 SETQUOTA user/bob/Archive (MESSAGE 5)
        S: * QUOTA "user/bob/Archive" (MESSAGE 0 5)
        S: a2 OK {…}
        C: a3 RENAME user/bob/Archive user/bob/Old
        S: a3 OK {…}
        C: a4 GETQUOTAROOT user/bob/Old
        S: * QUOTAROOT "user/bob/Old" "user/bob/Old"
        S: * QUOTA "user/bob/Old" (MESSAGE 0 5)
        S: a4 OK {…}
        C: a5 GETQUOTA user/bob/Archive
        S: a5 NO {…}
    """)


@pytest.fixture
async def dotted(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningImap]:
    site = make_site(tmp_path / "dots", cert_dir, "unixhierarchysep: no\naltnamespace: no\n")
    async with running_imap(site) as running:
        add_users(running, "robert")
        yield running


async def test_rename_user_with_dot_separator(dotted: RunningImap) -> None:
    await play_as(dotted, "admin", """
        C: a1 CREATE user.bob.Sent
        S: a1 OK {…}
        C: a2 RENAME user.bob user.robert
        S: a2 OK {…}
        C: a3 LIST "" "user.robert*"
        S: * LIST ({…}) "." "user.robert"
        S: * LIST ({…}) "." "user.robert.Sent"
        S: a3 OK {…}
    """)
    await play_as(dotted, "robert", """
        C: a1 STATUS INBOX (MESSAGES)
        S: * STATUS "INBOX" (MESSAGES 2)
        S: a1 OK {…}
    """)


@pytest.fixture
async def domains(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningImap]:
    site = make_site(tmp_path / "domains", cert_dir,
                     "virtdomains: userid\nadmins: admin admin@example.com\n")
    async with running_imap(site) as running:
        add_users(running, "admin@example.com", "robert@example.com", "bob@example.org")
        await running.ctx.store.create_mailbox("example.com!user.bob")
        await running.ctx.store.create_mailbox("example.com!user.bob.Sent")
        yield running


async def test_rename_user_within_and_across_domains(domains: RunningImap) -> None:
    await play_as(domains, "admin@example.com", """
        C: a1 RENAME user/bob user/robert
        S: a1 OK {…}
        C: a2 LIST "" "*"
        S: * LIST ({…}) "/" "user/robert"
        S: * LIST ({…}) "/" "user/robert/Sent"
        S: a2 OK {…}
    """)
    await play_as(domains, "admin", """
        C: a1 RENAME user/robert@example.com user/bob@example.org
        S: a1 OK {…}
        C: a2 GETACL user/bob/Sent@example.org
        S: * ACL "user/bob/Sent@example.org" bob@example.org lrswipkxtecda
        S: a2 OK {…}
    """)
    await play_as(domains, "bob@example.org", """
        C: a1 LIST "" "*"
        S: * LIST ({…}) "/" "INBOX"
        S: * LIST ({…}) "/" "Sent"
        S: a1 OK {…}
    """)


@pytest.fixture
async def fresh(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningImap]:
    """No record for robert: bob's password is the only one there is."""
    async with running_imap(make_site(tmp_path / "fresh", cert_dir)) as running:
        yield running


async def test_rename_moves_the_password_and_ends_the_old_sessions(
        fresh: RunningImap) -> None:
    """Cyrus kills the renamed user's processes (proc_killuser): bob's
    sessions say BYE at their next command; bob's password is robert's."""
    bob = await connect(fresh)
    await bob.select("INBOX")
    bob_idle = await connect(fresh)
    alice = await connect(fresh, user="alice")
    await play_as(fresh, "admin", """
        C: a1 RENAME user/bob user/robert
        S: a1 OK {…}
    """)
    await bob.play("""
        C: b1 FETCH 1 FLAGS
        S: * BYE Session ended by an administrator
    """)
    await bob_idle.play("""
        C: c1 NOOP
        S: * BYE Session ended by an administrator
    """)
    await alice.play("""
        C: d1 NOOP
        S: d1 OK {…}
    """)
    for client in (bob, bob_idle, alice):
        await client.close()
    late = await connect(fresh, user=None)
    await late.play(f"""
        C: e1 LOGIN bob {PASSWORD}
        S: e1 NO [AUTHENTICATIONFAILED] {{…}}
        C: e2 LOGIN robert {PASSWORD}
        S: e2 OK {{…}}
        C: e3 STATUS INBOX (MESSAGES)
        S: * STATUS "INBOX" (MESSAGES 2)
        S: e3 OK {{…}}
    """)
    await late.close()
    creds = open_credential_store(fresh.ctx.conf)
    assert not creds.exists("bob") and creds.exists("robert")
    creds.close()


async def test_an_existing_record_of_the_new_name_is_kept(server: RunningImap) -> None:
    """robert had a password of his own: it stays, bob's goes."""
    creds = open_credential_store(server.ctx.conf)
    creds.set_password("robert", "robert's own")
    await play_as(server, "admin", """
        C: a1 RENAME user/bob user/robert
        S: a1 OK {…}
    """)
    assert creds.verify_password("robert", "robert's own") and not creds.exists("bob")
    creds.close()


async def imap_connect_port(port: int) -> TranscriptClient:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    client = TranscriptClient(reader, writer)
    assert (await client.readline()).startswith("* OK")
    return client


async def test_rename_ends_the_old_users_pop3_session(tmp_path: Path, cert_dir: Path) -> None:
    """The end reaches every service: bob's POP3 session, here."""
    async with running_pop3(make_site(tmp_path / "pop", cert_dir)) as server:
        pop = await pop3_connect(server.port, "bob")
        admin = await imap_connect_port(server.imap_port)
        await admin.play(f"""
            C: a1 LOGIN admin {PASSWORD}
            S: a1 OK {{…}}
            C: a2 RENAME user/bob user/robert
            S: a2 OK {{…}}
        """)
        await pop.play("""
            C: STAT
            S: -ERR [SYS/TEMP] Session ended by an administrator
        """)
        await pop.close()
        await admin.close()
