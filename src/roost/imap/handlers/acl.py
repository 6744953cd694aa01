"""Access control commands: SETACL, DELETEACL, GETACL, LISTRIGHTS, MYRIGHTS
(RFC 4314 §3), each checking the right §4 names through the one decision.

Rights go out as Cyrus shows them (`lrswipkxtecda`: the virtual `c` and
`d` added, RFC 4314 §2.1.1), identifiers and rights as atoms where they can
be, so Cyrus's `cyradm`, which splits the ACL reply on spaces, reads them.
"""

from __future__ import annotations

from roost.auth import acl
from roost.auth.groups import GROUP_PREFIX
from roost.auth.identity import ANONYMOUS_USER, BadUsername, canonical_user
from roost.imap import commands as c
from roost.imap.errors import BadCommand, No
from roost.imap.handlers.names import external_name, open_mailbox
from roost.imap.responses import astring, mailbox_name
from roost.imap.session import Session
from roost.store.api import AclStore, FlagOp, MailboxInfo, PermissionDenied
from roost.store.names import domain_of, user_inbox


def _acls(s: Session) -> AclStore:
    if s.access.acls is None:
        raise No("CANNOT", "This mail store keeps no access control lists")
    return s.access.acls


def canonical_identifier(s: Session, raw: str) -> str:
    """The stored form of an identifier (RFC 4314 §3: prepared, else BAD):
    user ids as logins canonicalize them (`bob@defaultdomain` is `bob`)."""
    try:
        acl.check_identifier(raw)
    except acl.BadIdentifier as err:
        raise BadCommand(None, str(err)) from None
    negative, name = ("-", raw[1:]) if raw.startswith("-") else ("", raw)
    if name in (acl.ANYONE, ANONYMOUS_USER) or name.startswith(GROUP_PREFIX):
        return negative + name
    try:
        return negative + canonical_user(name, s.conf)
    except BadUsername as err:
        raise BadCommand(None, f"Invalid identifier: {err}") from None


def qualified(s: Session, identifier: str, info: MailboxInfo) -> str:
    """The identifier qualified with the mailbox's virtual domain (acl.in_domain)."""
    bare = identifier.lstrip("-")
    return acl.in_domain(identifier, domain_of(info.name), s.conf.is_admin(bare))


def _reply_name(s: Session, cmd_mailbox: str) -> bytes:
    """The mailbox as the client named it: replies are matched against it."""
    return mailbox_name(external_name(s, cmd_mailbox), s.utf8)


async def setacl(s: Session, cmd: c.SetAcl) -> None:
    """RFC 4314 §3.1; `a` on the mailbox. Cyrus's `anyoneuseracl: no` keeps
    non-administrators from granting rights to `anyone`."""
    try:
        mode, rights = acl.parse_change(cmd.rights)
    except acl.BadRights as err:
        raise BadCommand(None, str(err)) from None
    identifier = canonical_identifier(s, cmd.identifier)
    info = await open_mailbox(s, cmd.mailbox, "a")
    identifier = qualified(s, identifier, info)
    if identifier.lstrip("-") == acl.ANYONE and not s.conf.anyoneuseracl and not s.is_admin:
        raise PermissionDenied()
    if identifier == info.owner:
        if mode == "replace" and "a" not in rights or mode == "remove" and "a" in rights:
            keep_owner_admin(s)
        rights = owner_entry(s, mode, rights)
    await _acls(s).set_acl(info.id, identifier, rights, mode=mode)


def keep_owner_admin(s: Session) -> None:
    """Cyrus (mboxlist_setacl): only an administrator takes `a` from the
    owner's own entry on a personal mailbox."""
    if not s.is_admin:
        raise PermissionDenied()


def owner_entry(s: Session, mode: FlagOp, rights: str) -> str:
    """The owner's entry keeps its implicit rights whatever is set or taken
    (Cyrus's mboxlist_ensureOwnerRights): `SETACL user/bob bob ""` leaves
    `bob lkxca`, as GETACL then shows on Cyrus."""
    if mode == "remove":
        return acl.canonical(r for r in rights if r not in s.access.implicit_owner)
    return acl.canonical(rights + s.access.implicit_owner)


async def deleteacl(s: Session, cmd: c.DeleteAcl) -> None:
    """RFC 4314 §3.2; `a` on the mailbox."""
    identifier = canonical_identifier(s, cmd.identifier)
    info = await open_mailbox(s, cmd.mailbox, "a")
    identifier = qualified(s, identifier, info)
    if identifier == info.owner:
        keep_owner_admin(s)  # and what is left is the implicit rights, as on Cyrus
        await _acls(s).set_acl(info.id, identifier, owner_entry(s, "replace", ""))
        return
    await _acls(s).set_acl(info.id, identifier, "")


async def getacl(s: Session, cmd: c.GetAcl) -> None:
    """RFC 4314 §3.3, §3.6; `a` on the mailbox."""
    info = await open_mailbox(s, cmd.mailbox, "a")
    pairs = b"".join(b" " + astring(e.identifier) + b" " + astring(acl.shown(e.rights))
                     for e in info.acl)
    s.untagged(b"ACL " + _reply_name(s, cmd.mailbox) + pairs)


def implicit_rights(s: Session, info: MailboxInfo, identifier: str) -> str:
    """What `identifier` holds on the mailbox whatever its ACL, as Cyrus's
    LISTRIGHTS says it: the owner's implicit rights; `p` on a user's INBOX,
    which takes delivery from anyone; nothing for the rest (administrators
    included, though they always hold `la`: Cyrus prints it so)."""
    if identifier.startswith("-") or info.owner is None:
        return ""
    if info.owner == identifier:
        return s.access.implicit_owner
    return "p" if info.name == user_inbox(info.owner) else ""


async def listrights(s: Session, cmd: c.ListRights) -> None:
    """RFC 4314 §3.4, §3.7; `a` on the mailbox. The identifier goes back as
    the client sent it; each right it may also be given is its own group."""
    identifier = canonical_identifier(s, cmd.identifier)
    info = await open_mailbox(s, cmd.mailbox, "a")
    identifier = qualified(s, identifier, info)
    required = implicit_rights(s, info, identifier)
    optional = acl.shown(acl.canonical(r for r in acl.RIGHTS if r not in required))
    always = astring(acl.shown(required)) if required else b'""'
    s.untagged(b"LISTRIGHTS " + _reply_name(s, cmd.mailbox) + b" " + astring(cmd.identifier)
               + b" " + always + b"".join(b" " + r.encode() for r in optional))


async def myrights(s: Session, cmd: c.MyRights) -> None:
    """RFC 4314 §3.5, §3.8: any of `l r i k x a` suffices to ask (§4); as
    no right is shown to a user who lacks `l`, that is `l` here."""
    info = await open_mailbox(s, cmd.mailbox, "l")
    held = await s.access.rights(s.identity, info)
    s.untagged(b"MYRIGHTS " + _reply_name(s, cmd.mailbox) + b" " + astring(acl.shown(held)))
