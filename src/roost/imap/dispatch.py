"""THE table: command -> handler and the states it is valid in; and running one.

Dispatch does, once for every command: the state check, catching errors
(ImapError, store errors, anything else as SERVERBUG), the untagged updates
the RFC allows after the command (after a failed one too, so a session
whose mailbox went away learns of it at once), and the tagged reply.
Handlers do none of these.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from roost.imap import commands as c
from roost.imap import notify_own
from roost.imap.errors import ImapError, No, from_store_error
from roost.imap.handlers import (
    acl,
    append,
    auth,
    compress,
    copy,
    fetch,
    flags,
    listing,
    mailbox,
    metadata,
    multisearch,
    notify,
    quota,
    replace,
    search,
    selected,
    sort,
    thread,
    urlauth,
)
from roost.imap.notify_push import fetch_new
from roost.imap.responses import Done, tagged
from roost.imap.session import ConnectionClosed, Session, State
from roost.imap.updates import announce, announce_before, still_selected
from roost.search.evaluate import any_key
from roost.search.query import SeqSet
from roost.store.api import StoreError

log = logging.getLogger(__name__)

Handler = Callable[[Session, Any], Awaitable[Done | None]]
ANY = State.NOT_AUTHENTICATED | State.AUTHENTICATED | State.SELECTED
NOAUTH = State.NOT_AUTHENTICATED
AUTHED = State.AUTHENTICATED | State.SELECTED
SELECTED = State.SELECTED


@dataclass(frozen=True, slots=True)
class Spec:
    handler: Handler
    states: State


TABLE: dict[type, Spec] = {
    c.Capability: Spec(auth.capability, ANY),
    c.Noop: Spec(auth.noop, ANY),
    c.Logout: Spec(auth.logout, ANY),
    c.Id: Spec(auth.id_, ANY),
    c.StartTls: Spec(auth.starttls, NOAUTH),
    c.Authenticate: Spec(auth.authenticate, NOAUTH),
    c.Login: Spec(auth.login, NOAUTH),
    c.Enable: Spec(auth.enable, AUTHED),
    c.Compress: Spec(compress.compress, AUTHED),
    c.Unauthenticate: Spec(auth.unauthenticate, AUTHED),
    c.Select: Spec(mailbox.select, AUTHED),
    c.Create: Spec(mailbox.create, AUTHED),
    c.Delete: Spec(mailbox.delete, AUTHED),
    c.Rename: Spec(mailbox.rename, AUTHED),
    c.Subscribe: Spec(mailbox.subscribe, AUTHED),
    c.Unsubscribe: Spec(mailbox.unsubscribe, AUTHED),
    c.Status: Spec(mailbox.status, AUTHED),
    c.List: Spec(listing.list_, AUTHED),
    c.Lsub: Spec(listing.lsub, AUTHED),
    c.Namespace: Spec(listing.namespace, AUTHED),
    c.Append: Spec(append.append, AUTHED),
    c.Idle: Spec(selected.idle, AUTHED),
    c.Check: Spec(selected.check, SELECTED),
    c.Close: Spec(selected.close, SELECTED),
    c.Unselect: Spec(selected.unselect, SELECTED),
    c.Expunge: Spec(selected.expunge, SELECTED),
    c.Fetch: Spec(fetch.fetch, SELECTED),
    c.Search: Spec(search.search, SELECTED),
    c.MultiSearch: Spec(multisearch.multisearch, AUTHED),
    c.Sort: Spec(sort.sort, SELECTED),
    c.CancelUpdate: Spec(search.cancelupdate, SELECTED),
    c.Thread: Spec(thread.thread, SELECTED),
    c.Store: Spec(flags.store, SELECTED),
    c.Copy: Spec(copy.copy, SELECTED),
    c.Move: Spec(copy.move, SELECTED),
    c.Replace: Spec(replace.replace, SELECTED),  # RFC 8508 §3.5: selected state only
    c.SetAcl: Spec(acl.setacl, AUTHED),
    c.DeleteAcl: Spec(acl.deleteacl, AUTHED),
    c.GetAcl: Spec(acl.getacl, AUTHED),
    c.ListRights: Spec(acl.listrights, AUTHED),
    c.MyRights: Spec(acl.myrights, AUTHED),
    c.GetQuota: Spec(quota.getquota, AUTHED),
    c.GetQuotaRoot: Spec(quota.getquotaroot, AUTHED),
    c.SetQuota: Spec(quota.setquota, AUTHED),
    c.GetMetadata: Spec(metadata.getmetadata, AUTHED),
    c.SetMetadata: Spec(metadata.setmetadata, AUTHED),
    c.GenUrlAuth: Spec(urlauth.genurlauth, AUTHED),
    c.ResetKey: Spec(urlauth.resetkey, AUTHED),
    c.UrlFetch: Spec(urlauth.urlfetch, AUTHED),
    c.Notify: Spec(notify.notify, AUTHED),
}

# RFC 9051 §7.5.1: no EXPUNGE replies during FETCH, STORE or SEARCH
# (their UID forms excepted), since the client may be counting on numbers.
_NO_EXPUNGE = (c.Fetch, c.Store, c.Search, c.Sort, c.Thread)  # RFC 5256 §3 too


def expunge_allowed(cmd: object) -> bool:
    """RFC 7162 §3.2.10.2: not during a UID SEARCH that names message
    numbers either (they would shift under it)."""
    if isinstance(cmd, c.Search):
        return cmd.uid and not any_key(cmd.query, (SeqSet,))
    return not isinstance(cmd, _NO_EXPUNGE) or bool(getattr(cmd, "uid", False))


async def send_updates(s: Session, cmd: object) -> None:
    """Announce what other sessions changed in the selected mailbox (and
    RFC 5465 §5.2: what NOTIFY's MessageNew asks of others' new messages)."""
    new = await announce(s, allow_expunge=expunge_allowed(cmd),
                         with_uid=bool(getattr(cmd, "uid", False)))
    if not isinstance(cmd, (c.Append, c.Copy, c.Move)):
        await fetch_new(s, new)


def _error_reply(tag: str, err: Exception, cmd: object) -> bytes:
    """The tagged reply for a failure (RFC 5530 codes; unknown ones logged once)."""
    if isinstance(err, ImapError):
        return tagged(tag, err.status, err.text, err.code)
    if isinstance(err, StoreError):
        reply = from_store_error(err)
        return tagged(tag, reply.status, reply.text, reply.code)
    log.exception("command %s failed", type(cmd).__name__, exc_info=err)
    return tagged(tag, b"NO", "Internal error", "SERVERBUG")


async def run(s: Session, cmd: Any) -> None:
    """Run one parsed command, leaving every reply line in `s.out`; NOTIFY
    events wait for it (`s.busy`)."""
    async with s.busy:
        await _run(s, cmd)


async def _run(s: Session, cmd: Any) -> None:
    spec = TABLE.get(type(cmd))
    tag: str = cmd.tag
    if spec is None:
        s.out.append(tagged(tag, b"BAD", "Command not supported"))
        return
    if not s.state & spec.states:
        s.out.append(tagged(tag, b"BAD", f"{type(cmd).__name__.upper()} not valid in this state"))
        return
    try:
        if spec.states == SELECTED and not (
                await still_selected(s)
                and await announce_before(s, cmd)):
            # Another session deleted it: BYE is said, this command cannot run.
            raise No("NONEXISTENT", "Selected mailbox was deleted")
        done = await spec.handler(s, cmd) or Done()
        if s.notify is not None:  # RFC 5465 §5: its own changes are not news to it
            await notify_own.expect(s, cmd, s.notify)
        reply = tagged(tag, b"OK", done.text, done.code)
    except ConnectionClosed:
        raise
    except Exception as err:  # noqa: BLE001 - every failure becomes its tagged reply
        reply = _error_reply(tag, err, cmd)
    try:
        await send_updates(s, cmd)
    except ConnectionClosed:
        raise
    except Exception as err:  # noqa: BLE001
        reply = _error_reply(tag, err, cmd)
    if isinstance(cmd, c.Logout):
        s.untagged(b"BYE Logging out")
    s.out.append(reply)
