"""SEARCH / UID SEARCH (RFC 9051 §6.4.4, RFC 3501 §6.4.4), with ESEARCH
(RFC 4731), SEARCHRES (RFC 5182), the MODSEQ key (RFC 7162 §3.1.5), the
SAVED* keys (RFC 8514 §4.3) and FUZZY with RELEVANCY (RFC 6203).

Evaluation is `roost.search.mailbox` (the full-text index's candidates,
then a plan decided by set arithmetic, then batches); this module
resolves the session's sets and renders the reply. The parser
bounds the number of keys and their nesting (`parse_search.MAX_KEYS`,
`MAX_DEPTH`), so a command's cost is bounded whatever the client sends. The strings of the
query were decoded from the command's CHARSET by the parser, which also
refuses charsets it cannot decode; here they are plain text.
"""

from __future__ import annotations

from datetime import UTC, datetime

from roost.imap import commands as c
from roost.imap import condstore, contexts
from roost.imap.errors import BadCommand
from roost.imap.partial import PartialRange
from roost.imap.progress import Progress, for_command
from roost.imap.selected import SelectedMailbox
from roost.imap.sequence import SequenceSet
from roost.imap.session import Session
from roost.search import evaluate as ev
from roost.search import query as q
from roost.search.mailbox import relevancy, search_mailbox


def scope(s: Session, key: q.Key) -> ev.Mailbox:
    """Resolve the UID and sequence-set keys against this session's view.

    Message numbers beyond EXISTS match nothing rather than fail: unlike
    FETCH, RFC 9051 §6.4.4 names no error for them.
    """
    view = s.mailbox
    box = ev.Mailbox(now=datetime.now(UTC))
    for item in ev.set_keys(key):
        box.sets[item] = frozenset(
            view.select_uids(item.sequence, isinstance(item, q.Uid), s.saved_search))
    return box


async def matching_uids(s: Session, key: q.Key, progress: Progress | None = None,
                        box: ev.Mailbox | None = None, among: list[int] | None = None
                        ) -> list[int]:
    """The UIDs of the messages `key` matches, ascending (through the
    full-text index when there is one: roost.search.mailbox); `progress`
    hears of each batch (RFC 9585 INPROGRESS). `box` holds the sets the
    key names as resolved earlier (an update context keeps them, RFC 5267
    §4.3), `among` the UIDs to look at (all by default)."""
    view = s.mailbox
    box = scope(s, key) if box is None else box
    among = view.uids if among is None else among
    if ev.any_key(key, ev.SAVED_KEYS):  # RFC 8514 §4.3
        await view.load_savedates(s.store, among)
        box.saved_days = {uid: saved.date() for uid, saved in view.savedates.items()
                          if saved is not None}
    return await search_mailbox(s.store, s.ctx.search, view.info, view.records, among,
                                key, box, view.recent,
                                None if progress is None else progress.step)


def follow_up(s: Session, key: q.Key) -> tuple[ev.Mailbox, contexts.Matcher]:
    """The sets `key` names, resolved now, and the matcher an update
    context calls on the messages a later change names (RFC 5267 §4.3:
    sequence numbers mean what they meant when the command ran)."""
    box = scope(s, key)

    async def matches(among: list[int]) -> list[int]:
        box.now = datetime.now(UTC)  # WITHIN keys (RFC 5032) are relative to now
        return await matching_uids(s, key, box=box, among=among)

    return box, matches


def start_updates(s: Session, context: contexts.UpdateContext) -> None:
    """Follow `context`, or say NOUPDATE (RFC 5267 §4.3.1)."""
    refused = contexts.register(s.contexts, context)
    if refused is not None:
        s.untagged(refused)


def returned_uids(uids: list[int], returns: frozenset[str],
                  partial: PartialRange | None = None) -> list[int]:
    """The messages a RETURN option list gives back: with MIN and/or MAX but
    neither ALL nor COUNT, only those; with PARTIAL (and neither MIN nor
    MAX), its page (RFC 9394 §3.2). SAVE keeps these (RFC 5182 §2.4) and
    the MODSEQ result option is theirs (RFC 4731 §3.2). For ESORT, `uids`
    is in sort order, so MIN and MAX are its first and last (RFC 5267 §3.1)."""
    if partial is not None and not returns & {"MIN", "MAX"}:
        return partial.pick(uids)
    if not uids or returns & {"ALL", "COUNT"} or not returns & {"MIN", "MAX"}:
        return uids
    kept = {uids[0]} if "MIN" in returns else set()
    if "MAX" in returns:
        kept.add(uids[-1])
    return sorted(kept)


def esearch(tag: str, uid: bool, numbers: list[int], returns: frozenset[str],
            modseq: int | None, scores: list[int] | None = None,
            correlators: bytes = b"", partial: PartialRange | None = None) -> bytes:
    """`ESEARCH (TAG "t") [UID] MIN.. MAX.. COUNT.. ALL..` (RFC 4731 §3.1),
    `RELEVANCY (..)` one score per match in ALL's order (RFC 6203 §4),
    `PARTIAL (range set-or-NIL)` (RFC 9394 §3.1: MIN, MAX and COUNT are
    still of every match).

    With no match, MIN, MAX, ALL and RELEVANCY are left out; COUNT 0 stays.
    `correlators` follow the tag (RFC 7377 §2.1: MAILBOX and UIDVALIDITY).
    """
    parts = [b'ESEARCH (TAG "' + tag.encode("ascii", "replace") + b'"' + correlators + b")"]
    if uid:
        parts.append(b"UID")
    if numbers and "MIN" in returns:
        parts.append(b"MIN %d" % numbers[0])
    if numbers and "MAX" in returns:
        parts.append(b"MAX %d" % numbers[-1])
    if "COUNT" in returns:
        parts.append(b"COUNT %d" % len(numbers))
    if numbers and "ALL" in returns:
        parts.append(b"ALL " + SequenceSet.from_ids(numbers).render().encode("ascii"))
    if partial is not None:
        page = partial.pick(numbers)
        found = SequenceSet.from_ids(page).render().encode("ascii") if page else b"NIL"
        parts.append(b"PARTIAL (" + partial.render() + b" " + found + b")")
    if modseq is not None and numbers:
        parts.append(b"MODSEQ %d" % modseq)
    if scores:
        parts.append(b"RELEVANCY (" + b" ".join(b"%d" % n for n in scores) + b")")
    return b" ".join(parts)


def highest_modseq(view: SelectedMailbox, uids: list[int]) -> int:
    """The highest mod-sequence of `uids` (RFC 7162 §3.1.5)."""
    return max(view.records[u].modseq for u in uids)


def refuse_charset(s: Session, charset: str | None) -> None:
    """RFC 6855 §3: after ENABLE UTF8=ACCEPT a SEARCH MUST NOT name a
    CHARSET (its strings are UTF-8); the server SHOULD answer BAD."""
    if charset is not None and "UTF8=ACCEPT" in s.enabled:
        raise BadCommand(None, "No SEARCH CHARSET after ENABLE UTF8=ACCEPT")


async def search(s: Session, cmd: c.Search) -> None:
    refuse_charset(s, cmd.charset)
    returns = cmd.returns
    if returns is not None and "SAVE" in returns:
        s.saved_search = []  # RFC 5182 §2.1: a failed SEARCH leaves $ empty
    with_modseq = ev.any_key(cmd.query, (q.ModSeq,))
    if with_modseq:
        condstore.enable(s)  # RFC 7162 §3.1: a CONDSTORE enabling command
    update = returns is not None and "UPDATE" in returns
    if update:
        contexts.refuse_reused_tag(s.contexts, cmd.tag)
    box, matches = follow_up(s, cmd.query)
    uids = await matching_uids(s, cmd.query, for_command(s, cmd.tag), box)
    await reply(s, cmd, uids, with_modseq)
    if update:  # RFC 5267 §4.3.1: NOUPDATE follows the results
        start_updates(s, contexts.UpdateContext(cmd.tag, cmd.uid, matches, None, list(uids)))


async def reply(s: Session, cmd: c.Search, uids: list[int], with_modseq: bool) -> None:
    """The untagged SEARCH or ESEARCH reply of `uids`, the matches."""
    view = s.mailbox
    returns = cmd.returns
    numbers = uids if cmd.uid else [view.seq_of(u) for u in uids]
    if returns is None and not s.rev2:
        line = b" ".join([b"SEARCH", *(b"%d" % n for n in numbers)])
        if uids and with_modseq:
            line += b" (MODSEQ %d)" % highest_modseq(view, uids)  # RFC 7162 §3.1.5
        s.untagged(line)
        return
    # RFC 9051 §6.4.4: under IMAP4rev2 a plain SEARCH is RETURN (ALL).
    returns = returns if returns is not None else frozenset({"ALL"})
    returned = returned_uids(uids, returns, cmd.partial)
    modseq = highest_modseq(view, returned) if returned and with_modseq else None
    if "SAVE" in returns:
        s.saved_search = returned
        if returns == {"SAVE"}:
            return  # RFC 5182 §2.4: SAVE alone sends no ESEARCH
    scores = None
    if "RELEVANCY" in returns:
        scores = await relevancy(s.ctx.search, view.info, cmd.query, uids)
    s.untagged(esearch(cmd.tag, cmd.uid, numbers, returns, modseq, scores,
                       partial=cmd.partial))


async def cancelupdate(s: Session, cmd: c.CancelUpdate) -> None:
    """RFC 5267 §4.3.5: no more updates for the contexts of these tags (a
    tag that names none is let be: there is nothing left to stop)."""
    for tag in cmd.tags:
        s.contexts.pop(tag, None)
