"""NOTIFY events going out: from the store's change feed to untagged replies.

RFC 5465 §3.1: once NOTIFY SET is in effect the server sends events at any
time, between commands too. A session's `pusher` task waits on the feed
(the same cross-process pulse IDLE waits on: the writer's signal in this
process, `PRAGMA data_version` for other workers) and, holding the
session's `busy` lock so nothing lands inside a command's replies, sends
what the feed holds for it (`deliver`). IDLE calls `deliver` itself
(§4: the same events as NOTIFY asks for).

Per wake-up a session reads the feed once from its position (one index
range scan, returning only what changed) and matches each event against
its few filters (`NotifyState.events_for`); only a matching event costs a
store read (rights, STATUS). More than OVERFLOW_AT events in one wake-up,
or a position the feed no longer holds, end NOTIFY with
`* OK [NOTIFICATIONOVERFLOW]` (§5.8).
"""

from __future__ import annotations

import asyncio

from roost.imap import commands as c
from roost.imap.errors import ImapError, No
from roost.imap.handlers import fetch
from roost.imap.handlers.listing import list_line
from roost.imap.handlers.mailbox import status_items
from roost.imap.notify_state import NotifyState
from roost.imap.responses import mailbox_name
from roost.imap.sequence import SequenceSet
from roost.imap.session import ConnectionClosed, Session, State
from roost.imap.updates import announce
from roost.store.api import MailboxNotFound
from roost.store.feed import FeedEvent, FeedStore
from roost.store.names import owner_of

OVERFLOW_AT = 2000
"""Events of one wake-up beyond which a session is told NOTIFICATIONOVERFLOW."""


def feed_of(s: Session) -> FeedStore:
    """The store's change feed; a store without one cannot NOTIFY."""
    if not isinstance(s.store, FeedStore):
        raise No("CANNOT", "This mail store has no change feed")
    return s.store


def overflow(s: Session) -> None:
    """RFC 5465 §5.8: say so, and behave as after NOTIFY NONE."""
    s.notify = None
    s.untagged(b"OK [NOTIFICATIONOVERFLOW] Too many changes; NOTIFY is off")


async def pusher(s: Session) -> None:
    """Between commands: send events as they come, until NOTIFY ends or the client goes."""
    try:
        while (state := s.notify) is not None and s.state is not State.LOGOUT \
                and not s.out.writer.is_closing():
            if not await feed_of(s).wait_for_feed(state.position, s.conf.imapidlepoll):
                continue
            async with s.busy:
                if s.notify is state:
                    await deliver(s, in_idle=False)
                    await s.flush()
    except ConnectionClosed:
        return


def start(s: Session) -> None:
    """Make sure the session's pusher runs (it ends by itself with NOTIFY)."""
    if s.pusher is None or s.pusher.done():
        s.pusher = asyncio.get_running_loop().create_task(pusher(s))


async def notify_idle(s: Session, done: asyncio.Future[bytes]) -> None:
    """One turn of IDLE under NOTIFY: send what is there, wait for more or DONE."""
    state = s.notify
    if state is None:
        return
    await deliver(s, in_idle=True)
    await s.flush()
    if s.notify is not state:
        return  # overflowed: IDLE carries on as without NOTIFY
    waiter: asyncio.Future[bool] = asyncio.ensure_future(
        feed_of(s).wait_for_feed(state.position, s.conf.imapidlepoll))
    pending: set[asyncio.Future[bytes] | asyncio.Future[bool]] = {done, waiter}
    await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()


async def fetch_new(s: Session, uids: list[int]) -> None:
    """RFC 5465 §5.2: EXISTS, then a FETCH of what MessageNew asked for."""
    state = s.notify
    if state is None or not state.fetch or not uids or s.selected is None:
        return
    try:
        await fetch.fetch(s, c.Fetch("*", True, SequenceSet.from_ids(uids), state.fetch))
    except ImapError:
        pass  # a message gone meanwhile: its EXPUNGE follows


async def deliver(s: Session, *, in_idle: bool) -> None:
    """Send what the feed holds for this session since it last looked."""
    state = s.notify
    if state is None:
        return
    batch = await feed_of(s).feed_since(state.position, OVERFLOW_AT + 1)
    if batch.lost or len(batch.events) > OVERFLOW_AT:
        overflow(s)
        return
    state.position = batch.position
    view = s.selected
    selected_moved = False
    touched: dict[int, FeedEvent] = {}
    metadata: dict[str, list[str]] = {}
    renamed: list[str] = []
    for event in batch.events:
        if view is not None and event.mailbox_id == view.mailbox_id and event.kind == "messages":
            selected_moved = True
        elif event.kind == "messages":
            touched[event.mailbox_id] = event
        elif event.kind in ("subscribe", "unsubscribe"):
            await _subscription(s, state, event)
        elif event.kind == "metadata":
            await _metadata(s, state, event, metadata)
        else:
            await _mailbox_name(s, state, event, renamed)
    if selected_moved and state.selected_events:
        new = await announce(s, allow_expunge=in_idle or not state.delayed, with_uid=True)
        await fetch_new(s, new)
    for event in touched.values():
        await _status(s, state, event)
    for name, entries in metadata.items():
        s.untagged(b"METADATA " + name.encode() + b" " + " ".join(entries).encode())


async def _status(s: Session, state: NotifyState, event: FeedEvent) -> None:
    """RFC 5465 §5.1-5.3: a STATUS for another mailbox, when what the client
    asked for changed (a flag change without FlagChange says nothing)."""
    events = state.events_for(event.name, event.owner) & {"MESSAGENEW", "FLAGCHANGE"}
    if not events or not await _readable(s, event.mailbox_id):
        return
    line = await status_line(s, event.mailbox_id, event.name, events)
    if line is not None and state.last_status.get(event.mailbox_id) != line:
        state.last_status[event.mailbox_id] = line
        s.untagged(line)


async def status_line(s: Session, mailbox_id: int, name: str,
                      events: frozenset[str] | set[str]) -> bytes | None:
    """`STATUS name (...)` with the items §3.1 and §5 ask for these events."""
    external = s.ns.to_external(name)
    if external is None:
        return None
    items = ["MESSAGES", "UIDNEXT", "UIDVALIDITY"]
    if "FLAGCHANGE" in events and not s.condstore:
        items.append("UNSEEN")  # §5.1: without CONDSTORE, UNSEEN is the flag news
    if s.condstore:
        items.append("HIGHESTMODSEQ")
    try:
        values = await status_items(s, mailbox_id, tuple(items))
    except MailboxNotFound:
        return None
    return b"STATUS " + mailbox_name(external) + b" " + values


async def _readable(s: Session, mailbox_id: int) -> bool:
    """RFC 5465 §5: every event needs `l` and `r` on the mailbox."""
    try:
        info = await s.store.mailbox_by_id(mailbox_id)
    except MailboxNotFound:
        return False
    rights = await s.access.rights(s.identity, info)
    return "l" in rights and "r" in rights


async def _subscription(s: Session, state: NotifyState, event: FeedEvent) -> None:
    """RFC 5465 §5.5 (and §6.4: the SUBSCRIBED filter follows the list)."""
    if event.owner != s.user:
        return
    was = state.events_for(event.name, owner_of(event.name))
    if event.kind == "subscribe":
        state.subscribed.add(event.name)
    else:
        state.subscribed.discard(event.name)
    now = state.events_for(event.name, owner_of(event.name))
    external = s.ns.to_external(event.name)
    if "SUBSCRIPTIONCHANGE" in was | now and external is not None:
        attrs = ["\\Subscribed"] if event.kind == "subscribe" else []
        s.untagged(list_line(s, b"LIST", attrs, external))


async def _metadata(s: Session, state: NotifyState, event: FeedEvent,
                    out: dict[str, list[str]]) -> None:
    """RFC 5465 §5.6-5.7: `* METADATA "name" entry...`, changed entries only."""
    if event.owner not in ("", s.user) or event.entry is None:
        return  # another user's /private entry
    entry = ("/shared" if event.owner == "" else "/private") + event.entry
    if event.mailbox_id == 0:
        if state.wants("SERVERMETADATACHANGE"):
            out.setdefault('""', []).append(entry)
        return
    external = s.ns.to_external(event.name)
    if external is None or "MAILBOXMETADATACHANGE" not in state.events_for(
            event.name, owner_of(event.name)):
        return
    if await _readable(s, event.mailbox_id):
        out.setdefault(mailbox_name(external).decode(), []).append(entry)


async def _mailbox_name(s: Session, state: NotifyState, event: FeedEvent,
                        renamed: list[str]) -> None:
    """RFC 5465 §5.4: LIST for a created, deleted or renamed mailbox; a
    rename's children (renamed with it) are not announced again."""
    old = event.old_name
    if old is not None and any(old.startswith(top + ".") for top in renamed):
        return
    if old is not None:
        renamed.append(old)
    names = [event.name] + ([old] if old is not None else [])
    if not any("MAILBOXNAME" in state.events_for(n, owner_of(n)) for n in names):
        return
    external = s.ns.to_external(event.name)
    before = s.ns.to_external(old) if old is not None else None
    if event.kind == "delete" or (event.kind == "rename" and external is None):
        if (gone := external if event.kind == "delete" else before) is not None:
            s.untagged(list_line(s, b"LIST", ["\\NonExistent"], gone))
        return
    if external is None or not await _readable(s, event.mailbox_id):
        return
    if before is None:
        s.untagged(list_line(s, b"LIST", ["\\HasNoChildren"], external))
    else:
        s.untagged(list_line(s, b"LIST", [], external,
                             b' ("OLDNAME" (' + mailbox_name(before) + b"))"))
