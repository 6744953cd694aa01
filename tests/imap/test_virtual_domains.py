"""Virtual domains end to end (virtdomains: userid): logins `bob@example.com`
and `bob%example.com`, defaultdomain, domain administrators
(`admin@example.com` administers example.com only), global administrators
(every domain, names written `user/bob@example.com`), per-domain shared
folders, ACL identifiers qualified with the mailbox's domain, and
`loginrealms` with virtdomains off; and virtdomains: on (the domain of
a login without one from the server address's name, over IMAP, POP3 and
ManageSieve; LMTP recipients left in the default domain, as Cyrus)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tests.harness.imap import RunningImap, connect, play_as, running_imap, sample_message
from tests.harness.site import PASSWORD, Site, make_site
from tests.managesieve.conftest import open_client, running_sieve
from tests.pop3.pop3_client import connect as pop3_connect
from tests.pop3.pop3_client import running_pop3

from roost.auth.open_credentials import open_credential_store
from roost.delivery.routing import parse_recipient

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


# -- virtdomains: on: a login without a domain takes the server address's

DOMAIN_PASSWORD = "in-example-com"


def on_site(tmp_path: Path, cert_dir: Path, host_name: str) -> Site:
    """virtdomains: on, with 127.0.0.1 named `host_name` in the site's hosts
    file (the lookup's seam: Cyrus asks getnameinfo, Roost that file first);
    bob@example.com has his own password, so a login as plain `bob` with it
    proves the domain came from the address."""
    hosts = tmp_path / "hosts"
    hosts.write_text(f"# the server's addresses\n127.0.0.1\t{host_name} mailhost\n")
    site = make_site(tmp_path / "on", cert_dir,
                     f"virtdomains: on\ndefaultdomain: roost.test\n"
                     f"virtdomains_hostsfile: {hosts}\n")
    creds = open_credential_store(site.conf)
    creds.set_password("bob@example.com", DOMAIN_PASSWORD)
    creds.close()
    return site


@pytest.fixture
async def on_example(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningImap]:
    async with running_imap(on_site(tmp_path, cert_dir, "mail.example.com")) as server:
        inbox = await server.ctx.store.create_mailbox("example.com!user.bob")
        for n in (1, 2, 3):
            await server.ctx.store.append(inbox.id, sample_message(n))
        yield server


async def inbox_after_login(server: RunningImap, login: str, messages: int, *,
                            refused: str | None = None) -> None:
    """`login` (LOGIN's arguments, or AUTHENTICATE's) succeeds, after
    `refused` fails when given; the INBOX's size says whose it is."""
    client = await connect(server, user=None)
    if refused is not None:
        await client.play(f"""
            C: a0 LOGIN {refused}
            S: a0 NO [AUTHENTICATIONFAILED] {{…}}
        """)
    command = login if login.startswith("AUTHENTICATE") else f"LOGIN {login}"
    await client.play(f"""
        C: a1 {command}
        S: a1 OK {{…}}
        C: a2 STATUS INBOX (MESSAGES)
        S: * STATUS "INBOX" (MESSAGES {messages})
        S: a2 OK {{…}}
    """)
    await client.close()


async def test_on_takes_the_domain_of_the_server_address(on_example: RunningImap) -> None:
    await inbox_after_login(on_example, f"bob {DOMAIN_PASSWORD}", 3,
                            refused=f"bob {PASSWORD}")


async def test_on_keeps_a_qualified_login(on_example: RunningImap) -> None:
    """A login naming its domain (here the default one) is not re-homed."""
    await inbox_after_login(on_example, f"bob@roost.test {PASSWORD}", 2)


async def test_on_sasl_login_takes_the_domain(on_example: RunningImap) -> None:
    token = base64.b64encode(f"\0bob\0{DOMAIN_PASSWORD}".encode()).decode()
    await inbox_after_login(on_example, f"AUTHENTICATE PLAIN {token}", 3)


@pytest.mark.parametrize("host_name", ["mailhost", "mail.roost.test"])
async def test_on_without_a_domain_name_is_the_default_domain(
        tmp_path: Path, cert_dir: Path, host_name: str) -> None:
    """Cyrus: a name without a dot, or in defaultdomain, adds no domain."""
    async with running_imap(on_site(tmp_path, cert_dir, host_name)) as server:
        await inbox_after_login(server, f"bob {PASSWORD}", 2,
                                refused=f"bob {DOMAIN_PASSWORD}")


async def test_on_pop3_login_takes_the_domain(tmp_path: Path, cert_dir: Path) -> None:
    async with running_pop3(on_site(tmp_path, cert_dir, "mail.example.com")) as server:
        inbox = await server.ctx.store.create_mailbox("example.com!user.bob")
        await server.ctx.store.append(inbox.id, sample_message(1))
        client = await pop3_connect(server.port)
        await client.play(f"""
            C: USER bob
            S: +OK{{…}}
            C: PASS {DOMAIN_PASSWORD}
            S: +OK{{…}}
            C: STAT
            S: +OK 1 {{…}}
        """)
        await client.close()


async def test_on_managesieve_login_takes_the_domain(tmp_path: Path, cert_dir: Path) -> None:
    async with running_sieve(on_site(tmp_path, cert_dir, "mail.example.com")) as server:
        client = await open_client(server, user=None)
        token = base64.b64encode(f"\0bob\0{DOMAIN_PASSWORD}".encode()).decode()
        await client.play(f"""
            C: AUTHENTICATE "PLAIN" "{token}"
            S: OK{{…}}
            C: PUTSCRIPT "vacation" "keep;"
            S: OK{{…}}
        """)
        await client.close()
        assert [s.name for s in await server.ctx.scripts.list_scripts("bob@example.com")] == \
            ["vacation"]


def test_on_leaves_lmtp_recipients_in_the_default_domain(tmp_path: Path,
                                                         cert_dir: Path) -> None:
    """Cyrus's mbname_from_recipient: an address without a domain is the
    default domain's user whatever virtdomains says (the reverse lookup is
    canonify_userid's, for logins only)."""
    conf = on_site(tmp_path, cert_dir, "mail.example.com").conf
    routes = [parse_recipient(conf, address) for address in ("bob", "bob@example.com")]
    assert [route.userid if route else None for route in routes] == ["bob", "bob@example.com"]
