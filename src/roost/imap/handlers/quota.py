"""Quota commands: GETQUOTA, GETQUOTAROOT, SETQUOTA (RFC 9208 §4), and the
`[ALERT]` Cyrus gives on SELECT when a root is nearly or over full.

As on Cyrus, a quota root is a mailbox name and goes over the wire as the
client names that mailbox (`INBOX` for the user's own, `user/bob` for an
admin with unixhierarchysep); SETQUOTA is for administrators only; reading
a quota needs `r` on the mailbox (administrators need nothing).
"""

from __future__ import annotations

import time

from roost.imap import commands as c
from roost.imap.errors import No
from roost.imap.handlers.names import internal_name, open_mailbox
from roost.imap.responses import mailbox_name
from roost.imap.session import Session
from roost.store.api import (
    QUOTA_RESOURCES,
    MailboxInfo,
    MailboxNotFound,
    PermissionDenied,
    QuotaRoot,
    QuotaStore,
)

ALERT_EVERY = 600.0
"""Seconds before the same root is alerted again in a session (Cyrus's
warn_about_quota: "rate limit checks and warnings to every 10 min")."""


def _quotas(s: Session) -> QuotaStore:
    if not isinstance(s.store, QuotaStore):
        raise No("CANNOT", "This mail store keeps no quotas")
    return s.store


def _root_name(s: Session, root: str) -> bytes:
    """The root as this client names its mailbox (internal if it has no name here)."""
    external = s.ns.to_external(root)
    return mailbox_name(root if external is None else external, s.utf8)


def _quota_line(s: Session, root: QuotaRoot) -> bytes:
    """RFC 9208 §5.1: QUOTA root (resource usage limit ...)."""
    resources = b" ".join(b"%s %d %d" % (r.name.encode(), r.usage, r.limit)
                          for r in root.resources)
    return b"QUOTA " + _root_name(s, root.root) + b" (" + resources + b")"


async def _readable(s: Session, raw: str) -> str:
    """The internal name of a mailbox the identity may read quotas of."""
    if s.is_admin:
        return internal_name(s, raw)
    return (await open_mailbox(s, raw, "r")).name


async def getquota(s: Session, cmd: c.GetQuota) -> None:
    """RFC 9208 §4.2; a name that is no root is `NO [NONEXISTENT]`."""
    root = await _quotas(s).get_quota(await _readable(s, cmd.root))
    s.untagged(_quota_line(s, root))


async def getquotaroot(s: Session, cmd: c.GetQuotaRoot) -> None:
    """RFC 9208 §4.3: QUOTAROOT names the roots (Cyrus: at most one), then a
    QUOTA line for each."""
    name = await _readable(s, cmd.mailbox)
    if s.is_admin:  # admins skip the rights lookup, not the existence check
        await s.store.get_mailbox(name)
    root = await _quotas(s).quota_root_of(name)
    shown = mailbox_name(s.ns.to_external(name) or name, s.utf8)
    if root is None:
        s.untagged(b"QUOTAROOT " + shown)
        return
    s.untagged(b"QUOTAROOT " + shown + b" " + _root_name(s, root.root))
    s.untagged(_quota_line(s, root))


async def setquota(s: Session, cmd: c.SetQuota) -> None:
    """RFC 9208 §4.1: administrators only; an empty list removes the limits
    (the root stays, as on Cyrus); a resource the server cannot limit is a
    tagged NO."""
    if not s.is_admin:
        raise PermissionDenied()
    limits = dict(cmd.limits)
    if set(limits) - set(QUOTA_RESOURCES):
        raise No(None, "Unsupported quota resource")  # Cyrus's words
    name = internal_name(s, cmd.root)
    s.untagged(_quota_line(s, await _quotas(s).set_quota(name, limits)))


def warnings(root: QuotaRoot, percent: int, storage_kb: int) -> list[str]:
    """Cyrus's warn_about_quota, per limited resource: over the limit, or
    past `quotawarn` percent once fewer than `quotawarnkb` KiB remain
    (STORAGE only; 0 or a threshold at or above the limit: percent alone)."""
    found = []
    for resource in root.resources:
        threshold = storage_kb if resource.name == "STORAGE" else 0
        if 0 < threshold < resource.limit and resource.usage <= resource.limit - threshold:
            continue
        if resource.usage > resource.limit:
            found.append(f"Mailbox is over {resource.name} quota")
        elif resource.limit and resource.usage * 100 // resource.limit > percent:
            found.append(f"Mailbox is at {resource.usage * 100 // resource.limit}% "
                         f"of {resource.name} quota")
    return found


async def alert_on_select(s: Session, info: MailboxInfo) -> None:
    """SELECT of a mailbox the identity may expunge in (`e`, as Cyrus) warns
    of its root's fill: `* NO [ALERT] ...`, once per root every ALERT_EVERY."""
    if not isinstance(s.store, QuotaStore) or "e" not in await s.access.rights(s.identity, info):
        return
    try:
        root = await s.store.quota_root_of(info.name)
    except MailboxNotFound:
        return
    now = time.monotonic()
    if root is None or s.quota_alerted.get(root.root, -ALERT_EVERY) > now - ALERT_EVERY:
        return
    s.quota_alerted[root.root] = now
    for text in warnings(root, s.conf.quotawarn, s.conf.quotawarnkb):
        s.untagged(b"NO [ALERT] " + text.encode())
