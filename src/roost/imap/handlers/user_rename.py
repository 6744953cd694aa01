"""RENAME of a user by an administrator (`RENAME user/bob user/robert`, in
whatever spelling the namespace gives: `user.bob`, `user/bob@example.com`):
Cyrus's rename of a user, which moves all of them (roost.store.user_rename),
the password record included, and ends the old user's open sessions.
"""

from __future__ import annotations

from roost.imap.errors import No
from roost.imap.session import Session
from roost.store.api import MailboxInfo, PermissionDenied
from roost.store.names import domain_of, owner_of, user_inbox
from roost.store.user_rename import rename_user


async def rename_user_inbox(s: Session, info: MailboxInfo, new: str) -> None:
    """Administrators only, of both domains (Cyrus: a user's INBOX renames
    the user); the target must be a user's INBOX too, since a user cannot
    become a folder."""
    owner = info.owner
    if owner is None or not (s.identity.administers(domain_of(info.name))
                             and s.identity.administers(domain_of(new))):
        raise PermissionDenied()
    new_owner = owner_of(new)
    if new_owner is None or new != user_inbox(new_owner):
        raise No("CANNOT", "A user's INBOX can only be renamed to another user's INBOX")
    await rename_user(s.store, s.ctx.scripts, owner, new_owner, s.ctx.creds)
    await s.ctx.logins.end_sessions_of(owner)  # Cyrus kills the old user's processes
