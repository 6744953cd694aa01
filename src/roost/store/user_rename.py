"""RENAME of a user across the store's parts: the mail store (one
transaction, `Store.rename_user`) and the Sieve scripts (one directory
rename, `ScriptStore.rename_owner`).

The scripts move first, since their move is the one that can be undone
without a trace; if the mail store then refuses (the new user exists) or
fails, the scripts move back, so the two never disagree about who `bob`
is once this returns or raises.
"""

from __future__ import annotations

from roost.store.api import MailboxInfo, Store
from roost.store.scripts import ScriptStore


async def rename_user(store: Store, scripts: ScriptStore, old: str, new: str) -> MailboxInfo:
    """Rename user `old` to `new` (canonical ids); the new INBOX."""
    await scripts.rename_owner(old, new)
    try:
        return await store.rename_user(old, new)
    except BaseException:
        await scripts.rename_owner(new, old)
        raise
