"""NOTIFY (RFC 5465 §3.1): which events the session hears of, and when.

SET replaces what was asked before; NONE asks for nothing. The feed
position is taken before the STATUS replies are read, so a change made
meanwhile is sent again rather than lost. The tagged OK is followed by
the selected mailbox's pending changes (dispatch's updates: the
implicit NOOP §3.1 asks for).
"""

from __future__ import annotations

from roost.imap import commands as c
from roost.imap.errors import ImapError, No
from roost.imap.handlers.listing import list_line
from roost.imap.handlers.names import internal_name
from roost.imap.notify_events import status_line
from roost.imap.notify_push import feed_of, start
from roost.imap.notify_state import MESSAGE_EVENTS, SUPPORTED_EVENTS, NotifyState, Watch
from roost.imap.parse_notify import SELECTED_FILTERS
from roost.imap.session import Session
from roost.store.api import MailboxNotFound

BADEVENT = "BADEVENT (" + " ".join(SUPPORTED_EVENTS.values()) + ")"


async def notify(s: Session, cmd: c.Notify) -> None:
    if cmd.groups is None:
        s.notify = None
        return
    unknown = {e for g in cmd.groups for e in g.events} - set(SUPPORTED_EVENTS)
    if unknown:
        raise No(BADEVENT, "Unsupported NOTIFY event")  # RFC 5465 §3.1
    feed = feed_of(s)
    selected = next((g for g in cmd.groups if g.filter in SELECTED_FILTERS), None)
    state = NotifyState(
        user=s.user,
        selected_events=frozenset(selected.events) if selected else frozenset(),
        delayed=selected is not None and selected.filter == "SELECTED-DELAYED",
        fetch=selected.fetch if selected else (),
        watches=tuple(Watch(g.filter, frozenset(_internal(s, g.mailboxes)), frozenset(g.events))
                      for g in cmd.groups if g.filter not in SELECTED_FILTERS),
        subscribed=set(await s.store.subscriptions(s.user)),
        position=await feed.feed_position())
    await _no_access(s, state)
    if cmd.status:
        await _statuses(s, state)
    s.notify = state
    start(s)


def _internal(s: Session, names: tuple[str, ...]) -> list[str]:
    """The client's names, internal; RFC 5465 §3.1: a name that names
    nothing is ignored, an invalid one too."""
    found = []
    for raw in names:
        try:
            found.append(internal_name(s, raw))
        except ImapError:
            continue
    return found


async def _no_access(s: Session, state: NotifyState) -> None:
    """RFC 5465 §3.1: a mailbox named that the client may LIST but not
    read gets `LIST (\\NoAccess)`; one it may not LIST is ignored."""
    for watch in state.watches:
        if watch.filter != "MAILBOXES":
            continue
        for name in sorted(watch.names):
            try:
                info = await s.store.get_mailbox(name)
            except MailboxNotFound:
                continue
            rights = await s.access.rights(s.identity, info)
            external = s.ns.to_external(name)
            if "l" in rights and "r" not in rights and external is not None:
                s.untagged(list_line(s, b"LIST", ["\\NoAccess"], external))


async def _statuses(s: Session, state: NotifyState) -> None:
    """RFC 5465 §3.1 STATUS indicator: a STATUS of every watched mailbox
    (the selected one excepted) whose message events the client asked for."""
    selected = s.selected.mailbox_id if s.selected is not None else None
    for info in sorted(await s.access.candidates(s.identity), key=lambda i: i.name):
        if info.id == selected:
            continue
        events = state.events_for(info.name, info.owner) & MESSAGE_EVENTS
        if not events:
            continue
        rights = await s.access.rights(s.identity, info)
        if "l" in rights and "r" in rights:
            line = await status_line(s, info.id, info.name, events)
            if line is not None:
                state.last_status[info.id] = line
                s.untagged(line)
