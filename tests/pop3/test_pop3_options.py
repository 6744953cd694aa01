"""Cyrus's POP3 options: popuseimapflags, popsubfolders, uidl_format,
popexpiretime, poppollpadding, poptimeout's floor."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from roost.pop3.handlers.maildrop_open import next_last_login
from tests.harness.site import make_site
from tests.pop3.pop3_client import RunningPop3, connect, running_pop3


@pytest.fixture
async def flags_site(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningPop3]:
    site = make_site(tmp_path / "f", cert_dir,
                     "popuseimapflags: yes\npopsubfolders: yes\nuidl_format: dovecot\n"
                     "popexpiretime: 30\n")
    async with running_pop3(site, messages=3) as server:
        yield server


async def test_popuseimapflags_hides_deleted_and_sets_seen(flags_site: RunningPop3) -> None:
    store = flags_site.ctx.store
    await store.store_flags(flags_site.inbox_id, [2], "add", ["\\Deleted"])
    client = await connect(flags_site.port, "bob")
    await client.play("""
        C: LIST
        S: +OK {…}
        S: 1 167
        S: 2 167
        S: .
        C: RETR 2
        S: +OK {…}
    """)
    await client.multiline()
    await client.play("""
        C: TOP 1 0
        S: +OK {…}
    """)
    await client.multiline()
    await client.play("""
        C: QUIT
        S: +OK {…}
    """)
    flags = {rec.uid: rec.flags for rec in await store.messages(flags_site.inbox_id, "bob")}
    assert "\\Seen" in flags[3] and "\\Seen" not in flags[1]  # TOP does not mark
    assert set(flags) == {1, 2, 3}  # the \Deleted one was not POP3's to expunge


async def test_uidl_dovecot_format_and_expire(flags_site: RunningPop3) -> None:
    info = await flags_site.ctx.store.mailbox_by_id(flags_site.inbox_id)
    client = await connect(flags_site.port, "bob")
    await client.play(f"""
        C: UIDL 1
        S: +OK 1 00000001{info.uidvalidity:08x}
        C: CAPA
        S: +OK {{…}}
        S: EXPIRE 30
    """)
    await client.close()


async def test_popsubfolders_opens_user_plus_folder(flags_site: RunningPop3) -> None:
    store = flags_site.ctx.store
    lists = await store.create_mailbox("user.bob.Lists")
    await store.append(lists.id, b"Subject: list mail\r\n\r\nhi\r\n")
    client = await connect(flags_site.port)
    await client.play("""
        C: USER bob+Lists
        S: +OK {…}
        C: PASS secret
        S: +OK Mailbox locked and ready
        C: STAT
        S: +OK 1 26
    """)
    await client.close()
    token = base64.b64encode(b"\0bob+Lists\0secret").decode()
    sasl = await connect(flags_site.port)
    await sasl.play(f"""
        C: AUTH PLAIN {token}
        S: +OK Mailbox locked and ready
        C: STAT
        S: +OK 1 26
    """)
    await sasl.close()
    missing = await connect(flags_site.port)
    await missing.play("""
        C: USER bob+Nope
        S: +OK {…}
        C: PASS secret
        S: -ERR [SYS/TEMP] Unable to open maildrop: Mailbox does not exist
    """)
    await missing.close()


def test_pollpadding_allows_that_many_quick_logins() -> None:
    minpoll, padding, start = 300.0, 3, 1_000_000.0
    last, allowed = 0.0, 0
    for attempt in range(6):
        now = start + attempt  # six logins a second apart
        if last + minpoll > now:
            continue
        allowed += 1
        last = next_last_login(now, last, minpoll, padding)
    assert allowed == 3
    assert next_last_login(start, 0.0, minpoll, 1) == start  # padding 1: the login time
