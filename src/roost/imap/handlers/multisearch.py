"""ESEARCH over many mailboxes (RFC 7377, MULTISEARCH).

Each mailbox the sources name that the user may read (`r`, RFC 4314 §4;
the others are passed over silently, as LIST passes over what the user
may not see) is searched as SEARCH would search it (roost.search.mailbox,
through its owner's full-text index), and gets one ESEARCH response with
MAILBOX and UIDVALIDITY when something matched (§2.1). The selected
mailbox is searched through the session's view. Message numbers in the
keys are positions in each mailbox; ``$`` is the saved result of the
selected mailbox only. RETURN (UPDATE) keeps the selected mailbox's result
current as SEARCH RETURN (UPDATE) does (RFC 7377 §2.2, RFC 5267 §4.3); the
other mailboxes are searched once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from roost.imap import commands as c
from roost.imap import contexts
from roost.imap.errors import BadCommand
from roost.imap.handlers.names import internal_name, wire_name
from roost.imap.handlers.search import (
    esearch,
    follow_up,
    matching_uids,
    refuse_charset,
    returned_uids,
    start_updates,
)
from roost.imap.responses import mailbox_name
from roost.imap.sequence import SequenceSet
from roost.imap.session import Session, State
from roost.search import evaluate as ev
from roost.search import query as q
from roost.search.mailbox import relevancy, search_mailbox
from roost.store.api import MailboxInfo, MailboxNotFound
from roost.store.names import user_inbox


async def sources(s: Session, cmd: c.MultiSearch) -> list[MailboxInfo]:
    """The mailboxes the sources name, each once, in the order named."""
    user = s.identity.user
    found: dict[int, MailboxInfo] = {}
    every = None
    for kind, names in cmd.sources:
        if kind == "selected":
            found.setdefault(s.mailbox.mailbox_id, s.mailbox.info)
            continue
        if kind in ("subtree", "subtree-one", "personal", "subscribed", "inboxes"):
            every = every if every is not None else await s.access.candidates(s.identity)
        if kind == "mailboxes":
            chosen = []
            for name in names:
                try:
                    chosen.append(await s.store.get_mailbox(internal_name(s, name)))
                except MailboxNotFound:
                    continue
        elif kind in ("subtree", "subtree-one"):
            roots = [internal_name(s, name) for name in names]
            chosen = [i for i in every or () if any(_below(i.name, r, kind) for r in roots)]
        elif kind == "personal":
            chosen = [i for i in every or () if i.owner == user]
        elif kind == "inboxes":
            chosen = [i for i in every or () if i.name == user_inbox(user)]
        else:
            subscribed = set(await s.store.subscriptions(s.store_user()))
            chosen = [i for i in every or () if i.name in subscribed]
        for info in chosen:
            found.setdefault(info.id, info)
    return list(found.values())


def scope(key: q.Key, order: list[int]) -> ev.Mailbox:
    """UID and sequence-set keys over a mailbox that is not selected: numbers
    are positions in `order` (its UIDs ascending; beyond the end match
    nothing, §2), and `$` is empty (it is the selected mailbox's)."""
    box = ev.Mailbox(now=datetime.now(UTC))
    for item in ev.set_keys(key):
        sequence = SequenceSet(item.sequence.ranges)
        if isinstance(item, q.Uid):
            box.sets[item] = frozenset(sequence.members(order))
        else:
            box.sets[item] = frozenset(
                u for lo, hi in sequence.resolve(len(order)) for u in order[lo - 1:hi])
    return box


def _below(name: str, root: str, kind: str) -> bool:
    """RFC 7377 §2.2: the mailbox and all below it, or one level below."""
    if name == root:
        return True
    if not name.startswith(root + "."):
        return False
    return kind == "subtree" or "." not in name[len(root) + 1:]


async def multisearch(s: Session, cmd: c.MultiSearch) -> None:
    refuse_charset(s, cmd.charset)
    update = "UPDATE" in cmd.returns
    if (update or any(kind == "selected" for kind, _ in cmd.sources)) \
            and s.state is not State.SELECTED:
        raise BadCommand(None, "ESEARCH of the selected mailbox needs one selected")  # RFC 7377 §2.2
    if update:
        contexts.refuse_reused_tag(s.contexts, cmd.tag)
    following: contexts.UpdateContext | None = None
    for info in await sources(s, cmd):
        if "r" not in await s.access.rights(s.identity, info):
            continue
        selected = s.selected is not None and info.id == s.mailbox.mailbox_id
        if selected:
            box, matches = follow_up(s, cmd.query)
            uids = await matching_uids(s, cmd.query, box=box)
            if update:
                following = contexts.UpdateContext(cmd.tag, True, matches, None, list(uids))
        else:
            records = {r.uid: r for r in await s.store.messages(info.id, s.store_user())}
            order = sorted(records)
            uids = await search_mailbox(s.store, s.ctx.search, info, records, order,
                                        cmd.query, scope(cmd.query, order))
        if "SAVE" in cmd.returns:
            s.saved_search = returned_uids(uids, cmd.returns)
        if not uids:
            continue  # RFC 7377 §2.1: no response for a mailbox without matches
        scores = None
        if "RELEVANCY" in cmd.returns:
            scores = await relevancy(s.ctx.search, info, cmd.query, uids)
        correlators = (b" MAILBOX " + mailbox_name(wire_name(s, info.name), s.utf8)
                       + b" UIDVALIDITY %d" % info.uidvalidity)
        if cmd.returns != {"SAVE"}:
            s.untagged(esearch(cmd.tag, True, uids, cmd.returns, None, scores, correlators))
    if following is not None:  # RFC 5267 §4.3.1: NOUPDATE follows the results
        start_updates(s, following)
