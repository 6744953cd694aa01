"""Every RFC 2449 §8 / RFC 3206 response code Roost gives: [IN-USE],
[LOGIN-DELAY], [SYS/TEMP], [SYS/PERM], [AUTH]."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.harness.site import make_site
from tests.pop3.pop3_client import Pop3Transcript, RunningPop3, connect, running_pop3


async def test_in_use_while_another_session_holds_the_maildrop(
        bob: Pop3Transcript, pop3_server: RunningPop3) -> None:
    second = await connect(pop3_server.port)
    await second.play("""
        C: USER bob
        S: +OK {…}
        C: PASS secret
        S: -ERR [IN-USE] Unable to lock maildrop: Mailbox is locked by POP server
        C: USER alice
        S: +OK {…}
        C: PASS secret
        S: +OK Mailbox locked and ready
    """)
    await bob.play("""
        C: QUIT
        S: +OK {…}
    """)
    await second.close()
    third = await connect(pop3_server.port, "bob")  # free again after QUIT
    await third.close()


async def test_auth_code_for_bad_password(pop3: Pop3Transcript) -> None:
    await pop3.play("""
        C: USER bob
        S: +OK {…}
        C: PASS wrong
        S: -ERR [AUTH] Invalid login
        C: USER nobody
        S: +OK {…}
        C: PASS wrong
        S: -ERR [AUTH] Invalid login
        C: USER bob
        S: +OK {…}
        C: PASS secret
        S: +OK {…}
    """)


async def test_sys_temp_when_the_user_has_no_maildrop(pop3_server: RunningPop3) -> None:
    admin = await connect(pop3_server.port)  # admins have no INBOX (Cyrus)
    await admin.play("""
        C: USER admin
        S: +OK {…}
        C: PASS secret
        S: -ERR [SYS/TEMP] Unable to open maildrop: Mailbox does not exist
        C: STAT
        S: -ERR Unrecognized command
    """)
    await admin.close()


async def test_sys_perm_for_a_message_expunged_elsewhere(tmp_path: Path,
                                                       cert_dir: Path) -> None:
    """With `expunge_mode: immediate` the body goes at EXPUNGE (Cyrus: the
    file is unlinked, pop3d's `blat` cannot open it)."""
    site = make_site(tmp_path / "immediate", cert_dir, "expunge_mode: immediate\n")
    async with running_pop3(site) as server:
        bob = await connect(server.port, "bob")
        await server.ctx.store.store_flags(server.inbox_id, [1], "add", ["\\Deleted"])
        await server.ctx.store.expunge(server.inbox_id)
        await retr_expunged(bob)
        await bob.close()


async def retr_expunged(bob: Pop3Transcript) -> None:
    await bob.play("""
        C: LIST 1
        S: +OK 1 167
        C: RETR 1
        S: -ERR [SYS/PERM] Could not read message file
        C: RETR 2
        S: +OK {…}
    """)
    await bob.multiline()


@pytest.fixture
async def strict(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningPop3]:
    """popuseacl and popminpoll on; bob's INBOX grants bob only `lr`."""
    site = make_site(tmp_path / "strict", cert_dir, "popuseacl: yes\npopminpoll: 5\n"
                     "implicit_owner_rights: l\n")
    async with running_pop3(site) as server:
        acls = server.ctx.store
        await acls.set_acl(server.inbox_id, "bob", "lr")  # type: ignore[attr-defined]
        yield server


async def test_sys_perm_for_dele_without_t(strict: RunningPop3) -> None:
    client = await connect(strict.port, "bob")
    await client.play("""
        C: DELE 1
        S: -ERR [SYS/PERM] Permission denied
        C: QUIT
        S: +OK {…}
    """)
    await client.close()
    assert await strict.uids() == [1, 2]


async def test_login_delay_after_a_recent_login(strict: RunningPop3) -> None:
    client = await connect(strict.port, "bob")
    await client.play("""
        C: CAPA
        S: +OK {…}
        S: EXPIRE NEVER
        S: LOGIN-DELAY 300
        S: {…}
    """)
    await client.multiline()
    await client.play("""
        C: QUIT
        S: +OK {…}
    """)
    await client.close()
    again = await connect(strict.port)
    await again.play("""
        C: USER bob
        S: +OK {…}
        C: PASS secret
        S: -ERR [LOGIN-DELAY] Logins must be at least 5 minutes apart
    """)
    await again.close()


async def test_popuseacl_without_r_refuses_the_maildrop(strict: RunningPop3) -> None:
    await strict.ctx.store.set_acl(strict.inbox_id, "bob", "l")  # type: ignore[attr-defined]
    client = await connect(strict.port)
    await client.play("""
        C: USER bob
        S: +OK {…}
        C: PASS secret
        S: -ERR [SYS/TEMP] Unable to open maildrop: Permission denied
    """)
    await client.close()


async def test_sys_temp_when_the_throttle_refuses(tmp_path: Path, cert_dir: Path) -> None:
    """The login flow's throttle: an account whose next guess is far off is
    not checked at all (roost.auth.throttle), answered [SYS/TEMP]."""
    import time

    from roost.auth.throttle import FORGET_AFTER
    site = make_site(tmp_path / "throttle", cert_dir, "failedloginpause: 1\n")
    async with running_pop3(site) as server:
        server.ctx.shared.record_failure(("user:bob",), time.time(), 3600.0, FORGET_AFTER)
        client = await connect(server.port)
        await client.play("""
            C: USER bob
            S: +OK {…}
            C: PASS secret
            S: -ERR [SYS/TEMP] Too many failed logins; try again later
            C: USER alice
            S: +OK {…}
            C: PASS secret
            S: +OK {…}
        """)
        await client.close()
