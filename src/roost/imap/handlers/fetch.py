"""FETCH / UID FETCH (RFC 9051 §6.4.5, §6.4.9, §7.5.2).

Per message the handler reads only what the items need (see
`fetch_items.needs_of`): the cached record always, the parse-once summary
for ENVELOPE / BODY / BODYSTRUCTURE, the body file for sections, and of it
only the header block when every section is the message's header. Replies
are appended to `s.out` and flushed about every megabyte so a large FETCH
does not sit in memory.

Messages expunged by another session (RFC 2180 §4.1.2) keep their number
until the expunge is announced and answer from the cached record while the
store still has their body and parse-once summary. Once those are gone
their FETCH is left out and the command ends `NO [EXPUNGEISSUED]` (RFC 9051
§7.1) after answering every other message: of the two answers RFC 2180
§4.1.2 allows, this one never invents data.
"""

from __future__ import annotations

from roost.imap import commands as c
from roost.imap import condstore
from roost.imap.errors import BadCommand, No
from roost.imap.handlers.fetch_items import Needs, needs_of, render_item
from roost.imap.handlers.fetch_stream import STREAM_ABOVE, send_streamed, streamable, without_body
from roost.imap.handlers.names import selected_rights
from roost.imap.responses import Done
from roost.imap.sequence import SequenceSet
from roost.imap.session import Session
from roost.message import ParsedMessage
from roost.store.api import MessageNotFound

PARSE_BATCH = 500  # parses fetched per store query
FLUSH_AT = 1 << 20
_FLAGS = c.FetchAttr("FLAGS")
_UID = c.FetchAttr("UID")
_MODSEQ = c.FetchAttr("MODSEQ")
_SAVEDATE = c.FetchAttr("SAVEDATE")


def reply_items(cmd: c.Fetch) -> tuple[c.FetchItem, ...]:
    """The items each reply carries, in request order, each once.

    RFC 9051 §6.4.9: UID FETCH always includes UID. RFC 7162 §3.1.4.1:
    CHANGEDSINCE implies MODSEQ.
    """
    items = list(dict.fromkeys(cmd.items))
    if cmd.uid and _UID not in items:
        items.insert(0, _UID)
    if cmd.changedsince is not None and _MODSEQ not in items:
        items.append(_MODSEQ)
    return tuple(items)


def seen_items(items: tuple[c.FetchItem, ...], condstore: bool) -> tuple[c.FetchItem, ...]:
    """The items of a reply whose \\Seen this FETCH set: FLAGS too (RFC 9051
    §6.4.5), and after a CONDSTORE enabling command UID and MODSEQ
    (RFC 7162 §3.2.4)."""
    extra = (_FLAGS, _UID, _MODSEQ) if condstore else (_FLAGS,)
    return (*items, *(item for item in extra if item not in items))


async def _mark_seen(s: Session, uids: list[int]) -> set[int]:
    """Set \\Seen once for all of `uids`; return the UIDs whose flags changed.

    RFC 9051 §6.4.5: BODY[...] sets \\Seen, but not in a read-only mailbox,
    and RFC 4314 §4 without the `s` right it is left alone rather than
    failing the FETCH.
    """
    view = s.mailbox
    if view.readonly or "s" not in await selected_rights(s):
        return set()
    unseen = [u for u in uids
              if u not in view.pending_expunge and "\\Seen" not in view.records[u].flags]
    if not unseen:
        return set()
    changed, _ = await s.store.store_flags(view.mailbox_id, unseen, "add", ("\\Seen",),
                                           user=s.store_user())
    for record in changed:
        view.records[record.uid] = record
    return {r.uid for r in changed}


class _Batch:
    """The parses (and header blocks) of the next PARSE_BATCH messages,
    read with one store query each rather than one per message."""

    def __init__(self) -> None:
        self.parses: dict[str, ParsedMessage] = {}
        self.headers: dict[str, bytes] = {}

    async def load(self, s: Session, blobs: list[str], needs: Needs) -> None:
        if needs.parsed:
            self.parses = await s.store.parsed_many(blobs)
        if needs.header_only:
            self.headers = await s.store.headers_many(blobs)

    async def sources(self, s: Session, blob: str, needs: Needs
                      ) -> tuple[ParsedMessage | None, bytes | None]:
        """The parse and body bytes a message's items need; MessageNotFound if gone."""
        parsed = None
        if needs.parsed:
            parsed = self.parses.get(blob)
            if parsed is None:
                raise MessageNotFound(blob)
        if needs.header_only:
            if blob not in self.headers:
                raise MessageNotFound(blob)
            return parsed, self.headers[blob]
        raw = await s.store.body(blob) if needs.body else None
        return parsed, raw


async def fetch(s: Session, cmd: c.Fetch) -> Done:
    view = s.mailbox
    # RFC 9051 §6.4.5: message numbers beyond EXISTS are an error;
    # UIDs that do not exist are simply not there (§6.4.9).
    if not cmd.uid and not view.seq_range_valid(cmd.sequence):
        raise BadCommand(None, "Message number out of range")
    if cmd.vanished and not s.qresync:
        raise BadCommand(None, "VANISHED needs ENABLE QRESYNC first")  # RFC 7162 §3.2.6
    items = reply_items(cmd)
    if cmd.changedsince is not None or _MODSEQ in items:
        condstore.enable(s)  # RFC 7162 §3.1: a CONDSTORE enabling command
    needs = needs_of(items)
    uids = view.select_uids(cmd.sequence, cmd.uid, s.saved_search)
    if cmd.changedsince is not None:
        since = cmd.changedsince
        if cmd.vanished:
            # RFC 7162 §3.2.6: VANISHED (EARLIER) before any FETCH reply.
            asked = cmd.sequence.with_saved(SequenceSet.from_ids(s.saved_search))
            gone = await condstore.vanished_among(s, view, since, asked)
            if gone:
                s.untagged(condstore.vanished_earlier(gone))
        uids = [u for u in uids if view.records[u].modseq > since]
    if cmd.partial is not None:
        # RFC 9394 §3.3: the page among the messages the set (and CHANGEDSINCE) named.
        uids = cmd.partial.pick(uids)
    if _SAVEDATE in items:
        await view.load_savedates(s.store, uids)
    seen_now = await _mark_seen(s, uids) if needs.sets_seen else set()
    with_seen = seen_items(items, s.condstore) if seen_now else items
    missing = False
    pending = 0
    batch = _Batch()
    stream = streamable(items)
    for n, uid in enumerate(uids):
        if (needs.parsed or needs.header_only) and n % PARSE_BATCH == 0:
            # One query per batch, not per message (RFC 9051 §6.4.5 FETCH 1:* ENVELOPE).
            await batch.load(s, [view.records[u].blob for u in uids[n:n + PARSE_BATCH]], needs)
        record = view.records[uid]
        streamed = stream if stream is not None and record.size > STREAM_ABOVE else None
        try:
            if streamed is not None:
                parsed, _ = await batch.sources(s, record.blob, without_body(needs))
                body = await s.store.body_stream(record.blob)
            else:
                parsed, raw = await batch.sources(s, record.blob, needs)
        except MessageNotFound:
            missing = True  # expunged by another session, announced or not
            continue
        shown = with_seen if uid in seen_now else items
        if streamed is not None:
            index, name = streamed
            parts: list[bytes | None] = [
                None if i == index else render_item(item, view, record, parsed, None)
                for i, item in enumerate(shown)]
            await send_streamed(s, view.seq_of(uid), parts, name, body)
            continue
        pieces = [b"%d FETCH (" % view.seq_of(uid)]
        for item in shown:
            pieces += (render_item(item, view, record, parsed, raw), b" ")
        pieces[-1] = b")"
        pending += s.untagged_pieces(pieces)
        if pending >= FLUSH_AT:
            await s.flush()
            pending = 0
    if missing:
        raise No("EXPUNGEISSUED", "Some messages were expunged")
    return Done("Completed")
