"""Autocreate at first login (autocreate_quota at or above 0): the INBOX,
its folders and quota appear when the user logs in; never for
administrators, nor for users outside autocreate_users."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tests.harness.imap import RunningImap, play_as, running_imap
from tests.harness.site import PASSWORD, make_site

from roost.auth.open_credentials import open_credential_store


@pytest.fixture
async def server(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningImap]:
    site = make_site(tmp_path / "site", cert_dir,
                     "autocreate_quota: 0\nautocreate_quota_messages: 100\n"
                     "autocreate_inbox_folders: Sent|Trash\n"
                     "autocreate_subscribe_folders: Sent | Trash\n"
                     "autocreate_users: erin frank\n")
    creds = open_credential_store(site.conf)
    for user in ("erin", "gina"):
        creds.set_password(user, PASSWORD)
    creds.close()
    async with running_imap(site) as running:
        yield running


async def test_first_login_creates_the_inbox(server: RunningImap) -> None:
    await play_as(server, "erin", """
        C: a1 LIST "" "*"
        S: * LIST ({…}) "/" "INBOX"
        S: * LIST ({…}) "/" "Sent"
        S: * LIST ({…}) "/" "Trash"
        S: a1 OK {…}
        C: a2 LSUB "" "*"
        S: * LSUB () "/" "Sent"
        S: * LSUB () "/" "Trash"
        S: a2 OK {…}
        C: a3 GETQUOTAROOT INBOX
        S: * QUOTAROOT "INBOX" "INBOX"
        S: * QUOTA "INBOX" (MESSAGE 0 100)
        S: a3 OK {…}
    """)
    await play_as(server, "erin", """
        C: a1 STATUS INBOX (MESSAGES)
        S: * STATUS "INBOX" (MESSAGES 0)
        S: a1 OK {…}
    """)


async def test_no_autocreate_for_admins_or_unlisted_users(server: RunningImap) -> None:
    await play_as(server, "gina", """
        C: a1 STATUS INBOX (MESSAGES)
        S: a1 NO {…}
    """)
    await play_as(server, "admin", """
        C: a1 LIST "" "user/*"
        S: * LIST ({…}) "/" "user/alice"
        S: * LIST ({…}) "/" "user/bob"
        S: a1 OK {…}
    """)
