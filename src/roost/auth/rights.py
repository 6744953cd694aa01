"""Who may do what to a mailbox: the ONE place rights are decided.

Invariants: every command of every protocol, and delivery, asks `Access`
(through `rights`, `require` or `lookup`); no other code compares owner
names or admin flags to grant a right. Rights are RFC 4314 §2.1 letters.

The decision is Cyrus's (lib/acl_afs.c `cyrus_acl_myrights` and the
implicit rights imapd adds): the rights the mailbox's stored ACL grants
the identity (its user id, `anyone`, `anonymous`, its `group:NAME`s),
less its negative (`-id`) entries; then, whatever the ACL says, the
owner of a personal mailbox holds `implicit_owner_rights` (Cyrus default
`lkxa`: it can always see, administer, create in and delete its own
folders), and an administrator (`admins:`) holds `l` and `a` everywhere
(a domain administrator, `admin@example.com`, in its domain only:
`Identity.administers`).
Nothing more: an administrator must grant itself `r` to read a user's
mail, or `x` to delete a user's folder, as on Cyrus. The ACL comes with
the `MailboxInfo` row, so deciding costs no store query.

No existence oracle (RFC 4314 §4, RFC 9051 §6.3.1 and §11.5): a mailbox
the identity may not look up (`l`) raises the same `MailboxNotFound` as a
missing one, so every protocol answers both alike.
"""

from __future__ import annotations

from roost.auth import acl
from roost.auth.identity import Identity
from roost.config import Config, ConfigError
from roost.store.api import (
    AclEntry,
    AclStore,
    MailboxInfo,
    MailboxNotFound,
    PermissionDenied,
    Store,
)
from roost.store.names import domain_of, in_deleted_hierarchy, user_inbox

ADMIN_RIGHTS = "la"
"""What `admins:` hold on every mailbox whatever its ACL (Cyrus imapd)."""


def parse_acl_option(text: str) -> tuple[AclEntry, ...]:
    """`defaultacl`-style text, `identifier rights` pairs, as entries."""
    words = text.split()
    return tuple(AclEntry(acl.check_identifier(ident), acl.parse_rights(rights))
                 for ident, rights in zip(words[::2], words[1::2]))


class Access:
    """The rights decision over one store (one per worker, in ServerContext)."""

    def __init__(self, store: Store, conf: Config) -> None:
        self.store = store
        self.conf = conf
        try:
            self.implicit_owner = acl.parse_rights(conf.implicit_owner_rights)
            self.default_acl = parse_acl_option(conf.defaultacl)
        except (acl.BadRights, acl.BadIdentifier) as err:
            raise ConfigError(f"implicit_owner_rights / defaultacl: {err}") from None
        self.acls: AclStore | None = store if isinstance(store, AclStore) else None

    async def rights(self, who: Identity, mailbox: MailboxInfo) -> str:
        """The RFC 4314 rights `who` holds on `mailbox`. Mailboxes that
        delayed delete keeps (under `deletedprefix`) are the administrators'
        alone, whatever ACL they carried, as in Cyrus."""
        domain = domain_of(mailbox.name)
        if not who.administers(domain) and in_deleted_hierarchy(mailbox.name,
                                                                 self.conf.deletedprefix):
            return ""
        held = acl.granted(who, mailbox.acl)
        if mailbox.owner is not None and mailbox.owner == who.user and not who.anonymous:
            held += self.implicit_owner
        if who.administers(domain):
            held += ADMIN_RIGHTS
        return acl.canonical(held)

    async def require(self, who: Identity, mailbox: MailboxInfo, needed: str, *,
                      blind: bool = False) -> None:
        """Raise unless `who` holds every right in `needed` on `mailbox`.

        RFC 4314 §4 and RFC 9051 §11.5: without `l` the mailbox is answered
        as missing (MailboxNotFound), whatever else `who` holds, so no
        command tells a user who lacks `l` that it exists (Cyrus lets `r`
        alone SELECT; Roost does not). With `l` but not the rest,
        PermissionDenied. `blind` is for a caller that answers nobody about
        the mailbox (delivery with `p`, as Cyrus's `anonymous p`): then `l`
        is not asked.
        """
        held = await self.rights(who, mailbox)
        if all(right in held for right in needed) and ("l" in held or blind):
            return
        if "l" not in held:
            raise MailboxNotFound()
        raise PermissionDenied()

    async def lookup(self, who: Identity, name: str, needed: str, *,
                     blind: bool = False) -> MailboxInfo:
        """The mailbox `name` (internal) if `who` holds `needed` on it.

        A missing mailbox and one `who` may not see raise the same
        MailboxNotFound, with no detail.
        """
        try:
            info = await self.store.get_mailbox(name)
        except MailboxNotFound:
            raise MailboxNotFound() from None
        await self.require(who, info, needed, blind=blind)
        return info

    async def deletable(self, who: Identity, name: str) -> MailboxInfo:
        """DELETE's mailbox: `x` on it (RFC 4314 §4), administrators
        included; a user's INBOX (which deletes the whole user) only by an
        administrator, as Cyrus's mboxlist_deletemailbox."""
        info = await self.lookup(who, name, "x")
        if (info.owner is not None and info.name == user_inbox(info.owner)
                and not who.administers(domain_of(name))):
            raise PermissionDenied()
        return info

    async def renamable(self, who: Identity, name: str) -> MailboxInfo:
        """RENAME's source: `x` on it (RFC 4314 §4); Cyrus's administrators
        rename without it (mboxlist_renamemailbox), though not delete."""
        return await self.lookup(who, name, "l" if who.administers(domain_of(name)) else "x")

    async def nearest_parent(self, name: str) -> MailboxInfo | None:
        """The nearest existing ancestor of internal name `name`, if any."""
        domain, bang, rest = name.rpartition("!")
        levels = rest.split(".")
        for depth in range(len(levels) - 1, 0, -1):
            try:
                return await self.store.get_mailbox(domain + bang + ".".join(levels[:depth]))
            except MailboxNotFound:
                continue
        return None

    async def may_create(self, who: Identity, name: str) -> bool:
        """RFC 4314 §4: CREATE needs `k` on the nearest existing parent.

        As Cyrus: administrators create anywhere (domain administrators in
        their domain); nobody else creates a mailbox without an existing
        parent. The answer depends only on the parents, never on whether
        `name` itself exists.
        """
        if who.administers(domain_of(name)):
            return True
        if who.anonymous:
            return False
        parent = await self.nearest_parent(name)
        return parent is not None and "k" in await self.rights(who, parent)

    async def candidates(self, who: Identity) -> list[MailboxInfo]:
        """Every mailbox `who` might hold a right on (LIST asks `rights` of each)."""
        if who.is_admin or self.acls is None:
            return await self.store.list_mailboxes()
        owner = None if who.anonymous else who.user
        return await self.acls.mailboxes_naming(acl.identifiers_of(who), owner)
