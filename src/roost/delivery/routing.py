"""Recipient address -> user id and target mailbox (Cyrus lmtpd rules).

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
- A user exists when their INBOX exists in the store.
"""

from __future__ import annotations

from dataclasses import dataclass

from roost.auth.identity import Identity
from roost.auth.rights import Access
from roost.config import Config
from roost.store.api import (
    InvalidMailboxName,
    MailboxInfo,
    MailboxNotFound,
    PermissionDenied,
    Store,
)
from roost.store.names import encode_level, user_inbox, validate_internal


@dataclass(frozen=True, slots=True)
class Route:
    """A recipient resolved to a user: `userid`, and `detail` after `+` (or None)."""

    recipient: str
    userid: str
    detail: str | None


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


def parse_recipient(conf: Config, recipient: str) -> Route | None:
    """The route of `recipient`, or None when it cannot name a user."""
    local, at, domain = recipient.rpartition("@")
    if not at:
        local, domain = recipient, ""
    user, plus, detail = _unquote(local).partition("+")
    if conf.lmtp_downcase_rcpt:
        user = user.lower()
    if not user or any(ch in user for ch in "@!\"\\ ") or any(ch < " " for ch in user):
        return None
    domain = domain.lower()
    if domain and conf.virtdomains != "off" and domain != str(conf.defaultdomain).lower():
        userid = f"{user}@{domain}"
    else:
        userid = user
    return Route(recipient, userid, detail if plus and detail else None)


async def user_exists(store: Store, userid: str) -> bool:
    try:
        await store.get_mailbox(user_inbox(userid))
    except (MailboxNotFound, InvalidMailboxName):
        return False
    return True


async def routed_mailbox(access: Access, conf: Config, route: Route,
                         sender: Identity) -> MailboxInfo:
    """The mailbox `route` delivers to (INBOX or +detail), looked up once.

    Cyrus lmtpd (`deliver_mailbox` with ACL_POST): the +detail folder
    needs the `p` right for the sender; the INBOX needs none. Raises
    MailboxNotFound when the INBOX itself is gone.
    """
    inbox = user_inbox(route.userid)
    if route.detail is not None:
        levels = route.detail.split(conf.hierarchy_sep)
        folder = inbox + "." + ".".join(encode_level(level) for level in levels)
        try:
            validate_internal(folder)
            # Blind: the sender is told nothing of the folder either way.
            return await access.lookup(sender, folder, "p", blind=True)
        except (MailboxNotFound, InvalidMailboxName, PermissionDenied):
            pass
    return await access.store.get_mailbox(inbox)
