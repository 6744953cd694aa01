"""NOTIFY NONE / NOTIFY SET [STATUS] event-groups (RFC 5465 §8).

The grammar's own rules are BAD here (§5: MessageNew and MessageExpunge
only together, FlagChange and AnnotationChange only with both; §6.1:
one selected filter, only message events on it; §8: fetch-atts only on
it). Event lists are taken with or without their parentheses, as the
RFC's examples write them. Event names the grammar allows as `event-ext` atoms are kept: the
handler refuses those it does not support with NO [BADEVENT].
"""

from __future__ import annotations

from collections.abc import Callable

from roost.imap import commands as c
from roost.imap.parse_fetch import _fetch_att as fetch_att
from roost.imap.parse_lexer import Cursor

MESSAGE_EVENTS = ("MESSAGENEW", "MESSAGEEXPUNGE", "FLAGCHANGE", "ANNOTATIONCHANGE")
SELECTED_FILTERS = ("SELECTED", "SELECTED-DELAYED")
_PLAIN_FILTERS = (*SELECTED_FILTERS, "INBOXES", "PERSONAL", "SUBSCRIBED")
_NAMED_FILTERS = ("SUBTREE", "MAILBOXES")


def parse_notify(cur: Cursor) -> c.Notify:
    cur.sp()
    if cur.skip_word(b"NONE"):
        return c.Notify(cur.tag, None)
    if not cur.skip_word(b"SET"):
        raise cur.bad("NOTIFY SET or NOTIFY NONE")
    cur.sp()
    status = cur.skip_word(b"STATUS")
    if status:
        cur.sp()
    groups = [_group(cur)]
    while cur.skip(b" "):
        groups.append(_group(cur))
    if sum(g.filter in SELECTED_FILTERS for g in groups) > 1:
        raise cur.bad("only one of SELECTED and SELECTED-DELAYED")  # RFC 5465 §6.1
    return c.Notify(cur.tag, tuple(groups), status)


def _group(cur: Cursor) -> c.NotifyGroup:
    cur.expect(b"(")
    name = cur.atom().upper()
    mailboxes: tuple[str, ...] = ()
    if name in _NAMED_FILTERS:
        cur.sp()
        mailboxes = tuple(cur.paren_list(cur.mailbox) if cur.peek(b"(") else [cur.mailbox()])
        if not mailboxes:
            raise cur.bad(f"{name} needs a mailbox")
    elif name not in _PLAIN_FILTERS:
        raise cur.bad(f"unknown NOTIFY filter {name}")
    cur.sp()
    fetch: list[c.FetchItem] = []
    events: list[str] = []
    event = _event(cur, fetch)
    if cur.peek(b"("):
        events = cur.paren_list(event)
        if not events:
            raise cur.bad("empty event list")
    elif not cur.skip_word(b"NONE"):
        # The RFC's own examples (§3.1, §6) leave the list's parentheses
        # out: `(selected MessageNew (uid) MessageExpunge)`. Taken as sent.
        events = [event()]
        while cur.skip(b" "):
            events.append(event())
    cur.expect(b")")
    group = c.NotifyGroup(name, mailboxes, tuple(dict.fromkeys(events)), tuple(fetch))
    _check(cur, group)
    return group


def _event(cur: Cursor, fetch: list[c.FetchItem]) -> Callable[[], str]:
    def event() -> str:
        name = cur.atom().upper()
        if name == "MESSAGENEW" and cur.peek(b" ("):
            cur.sp()
            fetch.extend(cur.paren_list(lambda: fetch_att(cur)))
        return name
    return event


def _check(cur: Cursor, group: c.NotifyGroup) -> None:
    events = set(group.events)
    if ("MESSAGENEW" in events) != ("MESSAGEEXPUNGE" in events):
        raise cur.bad("MessageNew and MessageExpunge go together")  # RFC 5465 §5
    if events & {"FLAGCHANGE", "ANNOTATIONCHANGE"} and "MESSAGENEW" not in events:
        raise cur.bad("FlagChange needs MessageNew and MessageExpunge")  # RFC 5465 §5
    selected = group.filter in SELECTED_FILTERS
    if selected and events - set(MESSAGE_EVENTS):
        raise cur.bad("only message events on the selected mailbox")  # RFC 5465 §6.1
    if group.fetch and not selected:
        raise cur.bad("MessageNew fetch attributes only on the selected mailbox")  # §8


PARSERS: dict[str, Callable[[Cursor], c.Command]] = {"NOTIFY": parse_notify}
