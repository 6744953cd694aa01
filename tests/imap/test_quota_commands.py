"""GETQUOTA, GETQUOTAROOT and SETQUOTA (RFC 9208 §4) as transcripts: as an
administrator, refused as a user, roots named as the client names the
mailbox; and the `[ALERT]` SELECT gives as Cyrus does (quotawarn,
quotawarnkb). Bob's INBOX holds 2 messages of 167 bytes."""

from __future__ import annotations

from pathlib import Path

from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import make_site


async def test_admin_sets_gets_and_removes_a_root(imap_anon: ImapTranscript) -> None:
    await imap_anon.play(r"""
        C: a1 LOGIN admin secret
        S: a1 OK {…}
        C: a2 SETQUOTA user/bob (STORAGE 1000 MESSAGE 3)
        S: * QUOTA "user/bob" (STORAGE 0 1000 MESSAGE 2 3)
        S: a2 OK {…}
        C: a3 GETQUOTA user/bob
        S: * QUOTA "user/bob" (STORAGE 0 1000 MESSAGE 2 3)
        S: a3 OK {…}
        C: a4 GETQUOTAROOT user/bob
        S: * QUOTAROOT "user/bob" "user/bob"
        S: * QUOTA "user/bob" (STORAGE 0 1000 MESSAGE 2 3)
        S: a4 OK {…}
        C: a5 SETQUOTA user/bob (STORAGE 5)
        S: * QUOTA "user/bob" (STORAGE 0 5)
        S: a5 OK {…}
        C: a6 SETQUOTA user/bob ()
        S: * QUOTA "user/bob" ()
        S: a6 OK {…}
        C: a7 GETQUOTAROOT user/bob
        S: * QUOTAROOT "user/bob" "user/bob"
        S: * QUOTA "user/bob" ()
        S: a7 OK {…}
        C: a8 GETQUOTA user/alice
        S: a8 NO [NONEXISTENT] Quota root does not exist
        C: a9 GETQUOTAROOT user/alice
        S: * QUOTAROOT "user/alice"
        S: a9 OK {…}
    """)


async def test_admin_errors(imap_anon: ImapTranscript) -> None:
    await imap_anon.play(r"""
        C: a1 LOGIN admin secret
        S: a1 OK {…}
        C: a2 SETQUOTA user/bob (FOO 1)
        S: a2 NO Unsupported quota resource
        C: a3 SETQUOTA user/nobody (STORAGE 1)
        S: a3 NO [NONEXISTENT] No such mailbox
        C: a4 GETQUOTAROOT user/nobody
        S: a4 NO [NONEXISTENT] No such mailbox
        C: a5 SETQUOTA user/bob (STORAGE)
        S: a5 BAD Invalid quota list in Setquota
    """)


async def test_a_user_reads_their_quota_and_may_not_set_it(
        imap: ImapTranscript, imap_server: RunningImap) -> None:
    await imap_server.ctx.store.set_quota("user.bob", {"MESSAGE": 10})
    await imap.play(r"""
        C: a1 SETQUOTA INBOX (STORAGE 100000)
        S: a1 NO [NOPERM] Permission denied
        C: a2 GETQUOTAROOT INBOX
        S: * QUOTAROOT "INBOX" "INBOX"
        S: * QUOTA "INBOX" (MESSAGE 2 10)
        S: a2 OK {…}
        C: a3 GETQUOTA INBOX
        S: * QUOTA "INBOX" (MESSAGE 2 10)
        S: a3 OK {…}
        C: a4 GETQUOTA user/alice
        S: a4 NO [NONEXISTENT] No such mailbox
        C: a5 GETQUOTAROOT user/alice
        S: a5 NO [NONEXISTENT] No such mailbox
        C: a6 CAPABILITY
        S: * CAPABILITY {…} QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE QUOTA=RES-MAILBOX QUOTASET{…}
        S: a6 OK {…}
    """)


async def test_a_sharee_with_read_rights_sees_the_root(
        imap: ImapTranscript, imap_server: RunningImap) -> None:
    await imap_server.ctx.store.set_quota("user.bob", {"STORAGE": 10})
    await imap.play(r"""
        C: a1 SETACL INBOX alice lr
        S: a1 OK {…}
    """)
    alice = await connect(imap_server, "alice")
    try:
        await alice.play(r"""
            C: b1 GETQUOTAROOT "Other Users/bob"
            S: * QUOTAROOT "Other Users/bob" "Other Users/bob"
            S: * QUOTA "Other Users/bob" (STORAGE 0 10)
            S: b1 OK {…}
        """)
    finally:
        await alice.close()


def alerts(lines: list[str]) -> list[str]:
    return [line for line in lines if "[ALERT]" in line]


async def test_select_alerts_once_past_quotawarn(
        imap: ImapTranscript, imap_server: RunningImap) -> None:
    """Cyrus's warn_about_quota: 2 of 2 messages is past 90%, before any
    other SELECT reply; the same root is not alerted again within ten minutes."""
    await imap_server.ctx.store.set_quota("user.bob", {"MESSAGE": 2, "STORAGE": 100})
    lines = await imap.select("INBOX")
    assert lines[0] == "* NO [ALERT] Mailbox is at 100% of MESSAGE quota"
    assert alerts(lines) == lines[:1]
    assert alerts(await imap.select("INBOX")) == []


async def test_quotawarnkb_holds_the_alert_until_little_is_left(
        tmp_path: Path, cert_dir: Path) -> None:
    """With quotawarn 0 any use would alert; quotawarnkb 5 waits until
    fewer than 5 KiB of a 10 KiB limit remain (Cyrus's rule)."""
    site = make_site(tmp_path / "site", cert_dir, "quotawarn: 0\nquotawarnkb: 5\n")
    async with running_imap(site, messages=0) as server:
        store = server.ctx.store
        await store.set_quota("user.bob", {"STORAGE": 10})
        await store.set_quota("user.alice", {"STORAGE": 10})
        await store.append(await server.mailbox_id("user.bob"), b"x" * 4200)  # 6 KiB left
        await store.append(await server.mailbox_id("user.alice"), b"z" * 6200)  # 4 KiB left
        for user, expected in (("bob", []),
                               ("alice", ["* NO [ALERT] Mailbox is at 60% of STORAGE quota"])):
            client = await connect(server, user)
            try:
                assert alerts(await client.select("INBOX")) == expected
            finally:
                await client.close()


async def test_over_the_limit_is_alerted_as_over(tmp_path: Path, cert_dir: Path) -> None:
    """A limit lowered under the usage: EXAMINE (the `e` right is held) says so."""
    site = make_site(tmp_path / "site", cert_dir)
    async with running_imap(site, messages=3) as server:
        await server.ctx.store.set_quota("user.bob", {"MESSAGE": 2})
        bob = await connect(server, "bob")
        try:
            lines = await bob.command("EXAMINE INBOX")
            assert alerts(lines) == ["* NO [ALERT] Mailbox is over MESSAGE quota"]
        finally:
            await bob.close()
