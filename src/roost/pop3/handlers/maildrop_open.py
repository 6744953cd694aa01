"""From a checked identity to an open maildrop (RFC 1939 §4), as Cyrus's
pop3d `openinbox` does it: which mailbox (INBOX, or `user+folder` with
popsubfolders), the rights (popuseacl), the exclusive lock ([IN-USE]),
popminpoll ([LOGIN-DELAY]), then the message list fixed for the session.
A refusal leaves the session in AUTHORIZATION, logged in as nobody."""

from __future__ import annotations

import asyncio
import time

from roost.auth.identity import Identity
from roost.config import Config
from roost.pop3.session import Maildrop, PopError, Session, State
from roost.store.api import InvalidMailboxName, MailboxInfo, MailboxNotFound, PermissionDenied
from roost.store.names import Namespace, encode_level, user_inbox, validate_internal


def split_subfolder(conf: Config, login: str) -> tuple[str, str | None]:
    """`bob+Sent` -> ("bob", "Sent") with popsubfolders; with virtual
    domains the folder ends at `@` (`bob+Sent@example.com`), as Cyrus's
    popd_canon_user cuts it."""
    if not conf.popsubfolders or "+" not in login:
        return login, None
    user, _, rest = login.partition("+")
    folder, at, domain = rest.partition("@") if conf.virtdomains != "off" else (rest, "", "")
    return user + at + domain, folder or None


def maildrop_name(conf: Config, identity: Identity, folder: str | None) -> str:
    """The internal name of the maildrop: the user's INBOX or a folder below it."""
    inbox = user_inbox(identity.user)
    if folder is None:
        return inbox
    sep = Namespace(conf, identity.user, identity.is_admin).sep
    name = inbox + "." + ".".join(encode_level(level) for level in folder.split(sep))
    validate_internal(name)
    return name


def next_last_login(login_time: float, last_login: float, minpoll: float, padding: int) -> float:
    """What QUIT records for popminpoll: the login time, or with
    poppollpadding > 1 Cyrus's queue of `padding` slots, one refilled
    every `minpoll` seconds (pop3d.c, QUIT)."""
    if minpoll > 0 and padding > 1:
        oldest = login_time - minpoll * padding
        return oldest + minpoll if last_login < oldest else last_login + minpoll
    return login_time


async def _mailbox(s: Session, identity: Identity, folder: str | None) -> MailboxInfo:
    needed = "r" if s.conf.popuseacl else ""
    try:
        return await s.ctx.access.lookup(identity, maildrop_name(s.conf, identity, folder),
                                         needed)
    except (MailboxNotFound, InvalidMailboxName):
        raise PopError("SYS/TEMP", "Unable to open maildrop: Mailbox does not exist") from None
    except PermissionDenied:
        raise PopError("SYS/TEMP", "Unable to open maildrop: Permission denied") from None


async def open_maildrop(s: Session, identity: Identity, folder: str | None) -> None:
    """Enter TRANSACTION on the maildrop, or raise the -ERR that says why not."""
    info = await _mailbox(s, identity, folder)
    shared, key = s.ctx.shared, s.session_key
    now = time.time()
    last_login = 0.0
    if key is not None:
        held = await asyncio.to_thread(shared.lock_maildrop, key, info.id)
        if held is None:
            # RFC 1939 §8 / RFC 2449 §8.1.1: another POP3 session has it.
            raise PopError("IN-USE", "Unable to lock maildrop: Mailbox is locked by POP server")
        last_login = held
    try:
        minpoll = max(0, s.conf.popminpoll)
        if minpoll and last_login + minpoll * 60 > now:
            plural = "s" if minpoll > 1 else ""
            # RFC 2449 §8.1.2: too soon after the last login.
            raise PopError("LOGIN-DELAY", f"Logins must be at least {minpoll} minute{plural} apart")
        records = await s.ctx.store.messages(info.id, identity.user)
        if s.conf.popuseimapflags:
            # imapd.conf popuseimapflags: \Deleted ones are as if absent, \Recent goes.
            records = [rec for rec in records if "\\Deleted" not in rec.flags]
            await s.ctx.store.claim_recent(info.id)
        rights = await s.ctx.access.rights(identity, info)
    except BaseException:
        if key is not None:
            await asyncio.to_thread(shared.unlock_maildrop, key, info.id)
        raise
    s.identity = identity
    s.drop = Maildrop(info, records, rights, now, last_login)
    s.state = State.TRANSACTION
    s.ok("Mailbox locked and ready")
