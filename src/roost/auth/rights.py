"""Who may do what to a mailbox: the ONE place rights are decided.

Invariants: every command of every protocol, and delivery, asks `Access`
(through `require` or `lookup`); no other code compares owner names or
admin flags to grant a right. Rights are RFC 4314 §2.1 letters.

Until ACLs are stored (the ACL issue), the rule is Cyrus's default for a
mailbox without ACL entries: the owner of a personal mailbox holds every
right, administrators (`admins:`) every right everywhere, anyone else
none. The ACL issue changes `Access.rights` only: it reads stored state
(the mailbox id and owner now), which is why it is async.

No existence oracle (RFC 4314 §4, RFC 9051 §6.3.1 and §11.5): a mailbox
the identity may not look up (`l`) raises the same `MailboxNotFound` as a
missing one, so every protocol answers both alike.
"""

from __future__ import annotations

from roost.auth.identity import Identity
from roost.store.api import MailboxInfo, MailboxNotFound, PermissionDenied, Store
from roost.store.names import owner_of

ALL_RIGHTS = "lrswipkxtea"


class Access:
    """The rights decision over one store (one per worker, in ServerContext)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def rights(self, who: Identity, mailbox: MailboxInfo) -> str:
        """The RFC 4314 rights `who` holds on `mailbox`."""
        if who.is_admin:
            return ALL_RIGHTS
        if mailbox.owner is not None and mailbox.owner == who.user and not who.anonymous:
            return ALL_RIGHTS
        return ""

    async def require(self, who: Identity, mailbox: MailboxInfo, needed: str) -> None:
        """Raise unless `who` holds every right in `needed` on `mailbox`.

        RFC 4314 §4: without `l` the mailbox is answered as missing
        (MailboxNotFound); with `l` but not the rest, PermissionDenied.
        """
        held = await self.rights(who, mailbox)
        if all(right in held for right in needed):
            return
        if "l" not in held:
            raise MailboxNotFound()
        raise PermissionDenied()

    async def lookup(self, who: Identity, name: str, needed: str) -> MailboxInfo:
        """The mailbox `name` (internal) if `who` holds `needed` on it.

        A missing mailbox and one `who` may not see raise the same
        MailboxNotFound, with no detail.
        """
        try:
            info = await self.store.get_mailbox(name)
        except MailboxNotFound:
            raise MailboxNotFound() from None
        await self.require(who, info, needed)
        return info

    async def may_create(self, who: Identity, name: str) -> bool:
        """RFC 4314 §4: CREATE needs `k` on the parent.

        Without stored ACLs, Cyrus's default: administrators create
        anywhere, a user only in their own hierarchy. Decided from the name
        alone, so the answer never depends on whether `name` exists.
        """
        if who.is_admin:
            return True
        return not who.anonymous and owner_of(name) == who.user

    def visible_prefixes(self, who: Identity, inbox: str) -> list[str]:
        """Internal name prefixes that may hold mailboxes `who` can look up (LIST)."""
        return [""] if who.is_admin else [inbox]
