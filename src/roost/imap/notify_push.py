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
store read (rights, STATUS). More than OVERFLOW_AT replies due in one
wake-up, or a position the feed no longer holds, end NOTIFY with
`* OK [NOTIFICATIONOVERFLOW]` (§5.8).
"""

from __future__ import annotations

import asyncio

from roost.imap import commands as c
from roost.imap.errors import ImapError, No
from roost.imap.handlers import fetch
from roost.imap.notify_events import Wakeup
from roost.imap.sequence import SequenceSet
from roost.imap.session import ConnectionClosed, Session, State
from roost.imap.updates import announce
from roost.store.feed import FeedStore

OVERFLOW_AT = 2000
"""Replies of one wake-up beyond which a session is told NOTIFICATIONOVERFLOW
(changes it does not watch do not count: another user's mass change
overflows no one)."""
FEED_PAGE = 1000
"""Feed events read per query."""
FEED_PAGES = 100
"""Queries per wake-up at most; the rest waits for the next one."""
PUSHER_WAKE = 1.0
"""Seconds a pusher waits before it looks again whether its client went
(nothing tells it when the connection drops)."""


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
            if not await feed_of(s).wait_for_feed(state.position, PUSHER_WAKE):
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
    wakeup = Wakeup(s, state)
    for _ in range(FEED_PAGES):
        batch = await feed_of(s).feed_since(state.position, FEED_PAGE)
        if batch.lost:
            overflow(s)
            return
        state.position = batch.position
        for event in batch.events:
            await wakeup.take(event)
        if wakeup.matched > OVERFLOW_AT:
            overflow(s)
            return
        if len(batch.events) < FEED_PAGE:
            break
    if wakeup.selected_moved and state.selected_events:
        new = await announce(s, allow_expunge=in_idle or not state.delayed, with_uid=True)
        await fetch_new(s, new)
    await wakeup.finish()
