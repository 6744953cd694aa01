"""RENAME of a user across the store's parts: the mail store (one
transaction, `Store.rename_user`), the Sieve scripts (one directory
rename, `ScriptStore.rename_owner`) and the password record, where it is
ours (the embedded sasldb; a saslauthd or SQL source is the site's).

The scripts move first, since their move is the one that can be undone
without a trace; if the mail store then refuses (the new user exists) or
fails, the scripts move back, so the two never disagree about who `bob`
is once this returns or raises. The password record moves last, once the
mailboxes are the new user's: a crash between leaves the old name able
to log in to nothing, never the new one locked out of a store it owns.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from roost.store.api import MailboxInfo, Store
from roost.store.scripts import ScriptStore


class RenamableCredentials(Protocol):
    """The password records a rename moves (roost.auth's CredentialStore)."""

    def rename(self, old: str, new: str) -> bool: ...


async def rename_user(store: Store, scripts: ScriptStore, old: str, new: str,
                      credentials: RenamableCredentials | None = None) -> MailboxInfo:
    """Rename user `old` to `new` (canonical ids); the new INBOX."""
    await scripts.rename_owner(old, new)
    try:
        inbox = await store.rename_user(old, new)
    except BaseException:
        await scripts.rename_owner(new, old)
        raise
    if credentials is not None:
        await asyncio.to_thread(credentials.rename, old, new)
    return inbox
