"""Recipient address -> user id or shared folder, and target mailbox
(Cyrus lmtpd rules: lmtpengine.c, lmtpd.c `deliver_local`, `verify_user`).

- `user@domain`: with `virtdomains: off` the domain is dropped (the local
  part is the user, as in Cyrus); with `userid`/`on` the user id is
  `user@domain`, or plain `user` when the domain is `defaultdomain`.
- `lmtp_downcase_rcpt` lower-cases the user part only (not the +detail,
  which names a folder); domains are always case-insensitive.
- `bob+folder`: RFC 5233-style subaddress. The message goes to bob's
  `folder` (internal `user.bob.folder`; levels split on the separator the
  user sees) when it exists, else to bob's INBOX.
- The +detail folder is used only when the delivering identity (the LMTP
  client: anonymous) holds `p` on it, asked of the one rights decision;
  otherwise, or when it does not exist, the message goes to the INBOX,
  which takes delivery whatever its ACL (Cyrus lmtpd: `acloverride`).
- `lmtp_fuzzy_mailbox_match`: a +detail folder that does not exist is
  replaced by its closest existing match, Cyrus's `fuzzy_match`: level by
  level, ignoring case and treating `-`, `_` and space alike, the mailbox
  matching the most leading levels (`bob+spam.probably` finds `Spam`).
- `postuser+shared.folder` (or `+shared.folder` with the default empty
  `postuser`) delivers into the shared folder of the recipient's domain
  when the delivering identity holds `p` there; there is no INBOX to fall
  back to, so without it the recipient is refused at RCPT.
- A user exists when their INBOX exists in the store, or is created at
  RCPT by `autocreate_post` (roost.auth.autocreate).
"""

from __future__ import annotations

from dataclasses import dataclass

from roost.auth.autocreate import autocreate_user
from roost.auth.identity import ANONYMOUS, Identity, identity_for
from roost.auth.rights import Access
from roost.config import Config
from roost.store.api import (
    InvalidMailboxName,
    MailboxInfo,
    MailboxNotFound,
    PermissionDenied,
    Store,
)
from roost.store.names import decode_level, encode_level, user_inbox, validate_internal

#: Cyrus's WSP_CHARS: characters a fuzzy match treats as one another.
_FUZZY_SPACE = str.maketrans({"-": " ", "_": " "})


@dataclass(frozen=True, slots=True)
class Route:
    """A recipient resolved to a user: `userid`, and `detail` after `+` (or
    None); or, for `postuser+folder`, to `shared`, the internal name of a
    shared folder (then `userid` is empty)."""

    recipient: str
    userid: str
    detail: str | None
    shared: str | None = None


def _unquote(local: str) -> str:
    """RFC 5321 §4.1.2 Quoted-string -> its value (quoted-pairs undone)."""
    if len(local) >= 2 and local[0] == local[-1] == '"':
        inner, out, escaped = local[1:-1], [], False
        for ch in inner:
            if escaped or ch != "\\":
                out.append(ch)
                escaped = False
            else:
                escaped = True
        return "".join(out)
    return local


def _below(conf: Config, top: str, detail: str) -> str:
    """The internal name of `detail` (levels split on the separator users
    see) below `top` (an INBOX, or a domain's `example.com!` / nothing)."""
    levels = ".".join(encode_level(level) for level in detail.split(conf.hierarchy_sep))
    return f"{top}.{levels}" if top and not top.endswith("!") else top + levels


def parse_recipient(conf: Config, recipient: str) -> Route | None:
    """The route of `recipient`, or None when it cannot name a user."""
    local, at, domain = recipient.rpartition("@")
    if not at:
        local, domain = recipient, ""
    user, plus, detail = _unquote(local).partition("+")
    if conf.lmtp_downcase_rcpt:
        user = user.lower()
    domain = domain.lower()
    in_domain = bool(domain) and conf.virtdomains != "off" and \
        domain != str(conf.defaultdomain).lower()
    if plus and detail and user.lower() == conf.postuser.lower():
        # Cyrus lmtpd: the postuser's detail is a shared folder's name.
        return Route(recipient, "", detail, _below(conf, f"{domain}!" if in_domain else "",
                                                   detail))
    if not user or any(ch in user for ch in "@!\"\\ ") or any(ch < " " for ch in user):
        return None
    userid = f"{user}@{domain}" if in_domain else user
    return Route(recipient, userid, detail if plus and detail else None)


async def user_exists(store: Store, userid: str) -> bool:
    try:
        await store.get_mailbox(user_inbox(userid))
    except (MailboxNotFound, InvalidMailboxName):
        return False
    return True


async def recipient_exists(store: Store, conf: Config, route: Route) -> bool:
    """RCPT-time check (Cyrus `verify_user`): the user exists (or is
    autocreated now, with `autocreate_post`); a shared folder exists and
    takes posts from the anonymous LMTP client."""
    if route.shared is not None:
        try:
            await _postable(Access(store, conf), conf, route.shared, _shared_top(route.shared),
                            ANONYMOUS, shared=True)
        except (MailboxNotFound, InvalidMailboxName, PermissionDenied):
            return False
        return True
    if await user_exists(store, route.userid):
        return True
    if not conf.autocreate_post:
        return False
    try:
        made = await autocreate_user(store, conf, identity_for(route.userid, conf))
    except InvalidMailboxName:
        return False
    return made is not None or await user_exists(store, route.userid)


def _fuzzy_equal(want: str, have: str) -> bool:
    """Cyrus's fuzzyeq: case-insensitive, `-`, `_` and space alike."""
    return want.lower().translate(_FUZZY_SPACE) == have.lower().translate(_FUZZY_SPACE)


async def fuzzy_match(store: Store, top: str, wanted: str, *,
                      shared: bool = False) -> str | None:
    """The existing mailbox below `top` that matches the most leading
    levels of `wanted` (both internal names), as Cyrus's fuzzy_match;
    None when not even the first level matches."""
    want = [decode_level(level) for level in wanted[len(top):].lstrip(".").split(".")]
    best, depth = None, 0
    prefix = top if shared else top + "."
    for info in await store.list_mailboxes(prefix):
        if shared and (info.owner is not None or "!" in info.name[len(prefix):]):
            continue
        have = [decode_level(level) for level in info.name[len(prefix):].split(".")]
        matched = 0
        for mine, theirs in zip(want, have):
            if not _fuzzy_equal(mine, theirs):
                break
            matched += 1
        if matched > depth:
            best, depth = info.name, matched
            if depth == len(want):
                break
    return best


async def _postable(access: Access, conf: Config, name: str, top: str, sender: Identity, *,
                    shared: bool) -> MailboxInfo:
    """Mailbox `name` (below `top`: an INBOX, or a domain's shared space)
    if `sender` holds `p` on it; with lmtp_fuzzy_mailbox_match, its closest
    match when it does not exist. Blind: the sender learns nothing of it."""
    validate_internal(name)
    try:
        return await access.lookup(sender, name, "p", blind=True)
    except MailboxNotFound:
        if not conf.lmtp_fuzzy_mailbox_match:
            raise
    match = await fuzzy_match(access.store, top, name, shared=shared)
    if match is None:
        raise MailboxNotFound()
    return await access.lookup(sender, match, "p", blind=True)


def _shared_top(name: str) -> str:
    domain, bang, _ = name.rpartition("!")
    return domain + bang


async def routed_mailbox(access: Access, conf: Config, route: Route,
                         sender: Identity) -> MailboxInfo:
    """The mailbox `route` delivers to (INBOX, +detail or shared), looked up once.

    Cyrus lmtpd (`deliver_mailbox` with ACL_POST): the +detail folder
    needs the `p` right for the sender; the INBOX needs none; a shared
    folder needs it too and has no INBOX behind it. Raises MailboxNotFound
    when the INBOX (or the shared folder, or its `p`) is gone.
    """
    if route.shared is not None:
        try:
            return await _postable(access, conf, route.shared, _shared_top(route.shared),
                                   sender, shared=True)
        except (InvalidMailboxName, PermissionDenied):
            raise MailboxNotFound() from None
    inbox = user_inbox(route.userid)
    if route.detail is not None:
        try:
            return await _postable(access, conf, _below(conf, inbox, route.detail), inbox,
                                   sender, shared=False)
        except (MailboxNotFound, InvalidMailboxName, PermissionDenied):
            pass
    return await access.store.get_mailbox(inbox)
