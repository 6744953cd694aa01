"""Search and sort contexts that keep the client told (RFC 5267 §4.3,
CONTEXT=SEARCH and CONTEXT=SORT): after `SEARCH/SORT RETURN (UPDATE ...)`
the session sends `ESEARCH (TAG "t") [UID] ADDTO (...) REMOVEFROM (...)`
as the result of the same command would change.

Invariants: a context lives only while its mailbox stays selected
(`Session.unselect` drops them all, §4.3) or until CANCELUPDATE (§4.3.5);
`results` is the client's list as last told, UIDs in the requested order
(mailbox order for SEARCH, §4.1). Changes come from the one change feed the
session already reads (`roost.imap.updates.announce`): only the messages
it names are evaluated again, with the sets of the command frozen at the
time it ran (§4.3: sequence numbers are evaluated when the command is
received). A message's sort keys never change, so a sort context's order
changes only when its membership does.

Ordering on the wire (§4.3.3, §4.3.4): REMOVEFROM for expunged messages
goes out before their EXPUNGE, numbered as the client still numbers them;
everything else after the FETCH and EXISTS lines of the same change.
"""

from __future__ import annotations

import bisect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from roost.imap.errors import BadCommand
from roost.imap.selected import SelectedMailbox
from roost.imap.sequence import SequenceSet, render_in_order

MAX_CONTEXTS = 16
"""Updating contexts per session (RFC 5267 §4.3.1: at least one; beyond
this a `NO [NOUPDATE "tag"]`, the other return options still answered)."""

Matcher = Callable[[list[int]], Awaitable[list[int]]]
"""The UIDs among the given ones (ascending) that the command's query matches."""
Orderer = Callable[[list[int]], Awaitable[list[int]]]
"""The given UIDs in the command's sort order."""


@dataclass
class UpdateContext:
    """One `RETURN (UPDATE)` searching command still being followed."""

    tag: str
    uid: bool
    matches: Matcher
    order: Orderer | None  # None: SEARCH, mailbox order and position 0
    results: list[int]


def refuse_reused_tag(contexts: dict[str, UpdateContext], tag: str) -> None:
    """RFC 5267 §4.3: UPDATE under the tag of a live context is BAD."""
    if tag in contexts:
        raise BadCommand(None, "Tag reuse: an update context already has this tag")


def register(contexts: dict[str, UpdateContext], context: UpdateContext) -> bytes | None:
    """Keep `context`; the untagged NO to send when the limit refuses it."""
    if len(contexts) >= MAX_CONTEXTS:
        quoted = context.tag.encode("ascii", "replace")
        return b'NO [NOUPDATE "' + quoted + b'"] Too many update contexts'
    contexts[context.tag] = context
    return None


def removals(old: Sequence[int], gone: set[int]) -> list[tuple[int, list[int]]]:
    """(position, run) pairs that take `gone` out of `old`, applied in turn
    (§4.3.4: each run starts at its position at the time it is applied)."""
    pairs: list[tuple[int, list[int]]] = []
    kept = 0
    previous_gone = False
    for uid in old:
        if uid not in gone:
            kept += 1
        elif previous_gone:
            pairs[-1][1].append(uid)
        else:
            pairs.append((kept + 1, [uid]))
        previous_gone = uid in gone
    return pairs


def additions(new: Sequence[int], added: set[int]) -> list[tuple[int, list[int]]]:
    """(position, run) pairs that insert `added` into the rest of `new`,
    left to right (§4.3.3: the run's first result takes the position)."""
    pairs: list[tuple[int, list[int]]] = []
    previous_added = False
    for index, uid in enumerate(new):
        if uid in added:
            if previous_added:
                pairs[-1][1].append(uid)
            else:
                pairs.append((index + 1, [uid]))
        previous_added = uid in added
    return pairs


def render(tag: str, uid: bool, items: list[tuple[bytes, int, list[int]]]) -> bytes:
    """`ESEARCH (TAG "t") [UID] ADDTO (pos set ...) REMOVEFROM (...)`,
    one data item per (name, position, numbers), in the order given."""
    parts = [b'ESEARCH (TAG "' + tag.encode("ascii", "replace") + b'")']
    if uid:
        parts.append(b"UID")
    for name, position, numbers in items:
        rendered = (SequenceSet.from_ids(numbers).render() if position == 0
                    else render_in_order(numbers))
        parts.append(b"%s (%d %s)" % (name, position, rendered.encode("ascii")))
    return b" ".join(parts)


def _numbered(context: UpdateContext, uids: list[int], order: Sequence[int]) -> list[int]:
    """UIDs, or their message numbers in the mailbox `order` (ascending UIDs)."""
    return uids if context.uid else [bisect.bisect_left(order, u) + 1 for u in uids]


def _items(name: bytes, context: UpdateContext, pairs: list[tuple[int, list[int]]],
           order: Sequence[int]) -> list[tuple[bytes, int, list[int]]]:
    if context.order is None:  # SEARCH: one set at position 0, mailbox order (§4.3.3)
        uids = sorted(u for _, run in pairs for u in run)
        return [(name, 0, _numbered(context, uids, order))] if uids else []
    return [(name, position, _numbered(context, run, order)) for position, run in pairs]


async def refresh(contexts: dict[str, UpdateContext], view: SelectedMailbox,
                  before: Sequence[int], changed: set[int]) -> tuple[list[bytes], list[bytes]]:
    """The ESEARCH updates of every context after `view` took in a change:
    those to send before the change's own lines (expunges, numbered as in
    `before`) and those to send after them."""
    first: list[bytes] = []
    after: list[bytes] = []
    present = set(view.uids)
    expunged = {u for u in before if u not in present}
    candidates = sorted(u for u in changed if u in present)
    for context in contexts.values():
        gone = expunged.intersection(context.results)
        if gone:
            pairs = removals(context.results, gone)
            first.append(render(context.tag, context.uid,
                                _items(b"REMOVEFROM", context, pairs, before)))
            context.results = [u for u in context.results if u not in gone]
        if not candidates:
            continue
        matching = set(await context.matches(candidates))
        members = set(context.results)
        dropped = (members & set(candidates)) - matching
        added = matching - members
        if not dropped and not added:
            continue
        kept = [u for u in context.results if u not in dropped]
        joined = kept + sorted(added)
        new = sorted(joined) if context.order is None else await context.order(joined)
        items = _items(b"REMOVEFROM", context, removals(context.results, dropped), view.uids)
        items += _items(b"ADDTO", context, additions(new, added), view.uids)
        after.append(render(context.tag, context.uid, items))
        context.results = new
    return first, after
