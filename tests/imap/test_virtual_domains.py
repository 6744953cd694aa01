"""Virtual domains end to end (virtdomains: userid): logins `bob@example.com`
and `bob%example.com`, defaultdomain, domain administrators
(`admin@example.com` administers example.com only), global administrators
(every domain, names written `user/bob@example.com`), per-domain shared
folders, ACL identifiers qualified with the mailbox's domain, and
`loginrealms` with virtdomains off."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tests.harness.imap import RunningImap, connect, play_as, running_imap, sample_message
from tests.harness.site import PASSWORD, make_site

from roost.auth.sqlite_credentials import open_credential_store

DOMAIN_USERS = ("bob@example.com", "alice@example.com", "carol@example.org",
                "admin@example.com")


@pytest.fixture
async def domains(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningImap]:
    site = make_site(tmp_path / "site", cert_dir,
                     "virtdomains: userid\ndefaultdomain: roost.test\n"
                     "admins: admin admin@example.com\n")
    creds = open_credential_store(site.conf)
    for user in DOMAIN_USERS:
        creds.set_password(user, PASSWORD)
    creds.close()
    async with running_imap(site, messages=1) as server:
        store = server.ctx.store
        inbox = await store.create_mailbox("example.com!user.bob")
        for n in (1, 2, 3):
            await store.append(inbox.id, sample_message(n))
        await store.create_mailbox("example.com!user.alice")
        await store.create_mailbox("example.org!user.carol")
        yield server



@pytest.mark.parametrize("login", ["bob@example.com", "bob%example.com", "bob@Example.COM"])
async def test_domain_logins_reach_the_domain_user(domains: RunningImap, login: str) -> None:
    client = await connect(domains, user=None)
    await client.play(f"""
        C: a1 LOGIN "{login}" {PASSWORD}
        S: a1 OK {{…}}
        C: a2 STATUS INBOX (MESSAGES)
        S: * STATUS "INBOX" (MESSAGES 3)
        S: a2 OK {{…}}
    """)
    await client.close()


async def test_defaultdomain_is_the_plain_user(domains: RunningImap) -> None:
    client = await connect(domains, user=None)
    await client.play(f"""
        C: a1 LOGIN bob@roost.test {PASSWORD}
        S: a1 OK {{…}}
        C: a2 STATUS INBOX (MESSAGES)
        S: * STATUS "INBOX" (MESSAGES 1)
        S: a2 OK {{…}}
    """)
    await client.close()


async def test_users_see_their_domain_only(domains: RunningImap) -> None:
    client = await connect(domains, user="bob@example.com")
    await client.play("""
        C: a1 LIST "" "*"
        S: * LIST ({…}) "/" "INBOX"
        S: a1 OK {…}
        C: a2 STATUS "Other Users/carol" (MESSAGES)
        S: a2 NO [NONEXISTENT] {…}
    """)
    await client.close()


async def test_domain_admin_administers_its_domain_only(domains: RunningImap) -> None:
    client = await connect(domains, user="admin@example.com")
    await client.play("""
        C: a1 LIST "" "*"
        S: * LIST ({…}) "/" "user/alice"
        S: * LIST ({…}) "/" "user/bob"
        S: a1 OK {…}
        C: a2 CREATE user/dave
        S: a2 OK {…}
        C: a3 SETQUOTA user/alice (STORAGE 100)
        S: * QUOTA "user/alice" (STORAGE 0 100)
        S: a3 OK {…}
        C: a4 GETACL user/bob
        S: * ACL "user/bob" bob@example.com lrswipkxtecda
        S: a4 OK {…}
        C: a5 GETACL user/carol@example.org
        S: a5 NO [NONEXISTENT] {…}
        C: a6 CREATE shared
        S: a6 OK {…}
    """)
    await client.close()
    assert (await domains.ctx.store.get_mailbox("example.com!user.dave")).owner == \
        "dave@example.com"
    await domains.ctx.store.get_mailbox("example.com!shared")


async def test_global_admin_sees_every_domain(domains: RunningImap) -> None:
    client = await connect(domains, user="admin")
    await client.play("""
        C: a1 LIST "" "*"
        S: * LIST ({…}) "/" "user/alice"
        S: * LIST ({…}) "/" "user/alice@example.com"
        S: * LIST ({…}) "/" "user/bob"
        S: * LIST ({…}) "/" "user/bob@example.com"
        S: * LIST ({…}) "/" "user/carol@example.org"
        S: a1 OK {…}
        C: a2 CREATE user/erin@example.org
        S: a2 OK {…}
        C: a3 GETACL user/erin@example.org
        S: * ACL "user/erin@example.org" erin@example.org lrswipkxtecda
        S: a3 OK {…}
        C: a4 SETACL user/carol@example.org alice lr
        S: a4 OK {…}
        C: a5 GETACL user/carol@example.org
        S: * ACL "user/carol@example.org" carol@example.org lrswipkxtecda alice@example.org lr
        S: a5 OK {…}
    """)
    await client.close()


async def test_shared_folders_per_domain(domains: RunningImap) -> None:
    await play_as(domains, "admin@example.com", """
        C: a1 CREATE news
        S: a1 OK {…}
        C: a2 SETACL news anyone lrs
        S: a2 OK {…}
    """)
    await play_as(domains, "alice@example.com", """
        C: a1 LIST "" "Shared Folders/*"
        S: * LIST ({…}) "/" "Shared Folders/news"
        S: a1 OK {…}
    """)
    await play_as(domains, "carol@example.org", """
        C: a1 LIST "" "Shared Folders/*"
        S: a1 OK {…}
        C: a2 SELECT "Shared Folders/news"
        S: a2 NO [NONEXISTENT] {…}
    """)
    await play_as(domains, "alice", """
        C: a1 LIST "" "Shared Folders/*"
        S: a1 OK {…}
    """)


async def test_acl_names_users_of_the_mailbox_domain(domains: RunningImap) -> None:
    """Cyrus: on a domain's mailbox, `bob` is that domain's bob."""
    await play_as(domains, "alice@example.com", """
        C: a1 CREATE Shared
        S: a1 OK {…}
        C: a2 SETACL Shared bob lr
        S: a2 OK {…}
        C: a3 GETACL Shared
        S: * ACL "Shared" alice@example.com lrswipkxtecda bob@example.com lr
        S: a3 OK {…}
    """)
    await play_as(domains, "bob@example.com", """
        C: a1 LIST "" "Other Users/*"
        S: * LIST ({…}) "/" "Other Users/alice/Shared"
        S: a1 OK {…}
    """)
    await play_as(domains, "bob", """
        C: a1 LIST "" "Other Users/*"
        S: a1 OK {…}
    """)


@pytest.fixture
async def realms(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningImap]:
    site = make_site(tmp_path / "realms", cert_dir, "loginrealms: KRB.ROOST.TEST\n")
    async with running_imap(site) as server:
        yield server


async def test_loginrealms_without_virtdomains(realms: RunningImap) -> None:
    client = await connect(realms, user=None)
    await client.play(f"""
        C: a1 LOGIN bob@elsewhere.test {PASSWORD}
        S: a1 NO [AUTHENTICATIONFAILED] {{…}}
        C: a2 LOGIN bob@krb.roost.test {PASSWORD}
        S: a2 OK {{…}}
        C: a3 STATUS INBOX (MESSAGES)
        S: * STATUS "INBOX" (MESSAGES 2)
        S: a3 OK {{…}}
    """)
    await client.close()
