"""ARTICLE, HEAD, BODY, STAT, OVER/XOVER, HDR/XHDR, NEWNEWS (RFC 3977 §6.2,
§8.3, §8.5, §7.4; RFC 2980 §2.6, §2.8).

Overview and header lines come from the parse-once cache (one query for
a whole range), never from the message files; article text is streamed
from the file a chunk at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

from roost.message.envelope import clean_value
from roost.message.headers import parse_fields
from roost.nntp import commands as c
from roost.nntp import responses as r
from roost.nntp.errors import (
    NO_ARTICLE_NUMBER,
    NO_ARTICLES,
    NO_CURRENT,
    NO_GROUP_SELECTED,
    NO_MESSAGE_ID,
    Reply,
)
from roost.nntp.handlers.groups import articles, wildmat_argument
from roost.nntp.overview import FIELDS, SANITIZE
from roost.nntp.session import Session
from roost.store.api import MailboxNotFound, MessageRecord, MessageSummary, PermissionDenied

_CODES = {"ARTICLE": 220, "HEAD": 221, "BODY": 222, "STAT": 223}


@dataclass(frozen=True, slots=True)
class Found:
    """An article: the number to report (0 when named by message-id) and its record."""

    number: int
    record: MessageRecord


async def by_message_id(s: Session, message_id: c.MessageId) -> Found:
    """RFC 3977 §6.2.1: in any served group the client may read; the current
    group and article stay as they are. 430 otherwise."""
    for mailbox_id, record in await s.ctx.store.messages_with_message_id(message_id.value):
        try:
            info = await s.ctx.store.mailbox_by_id(mailbox_id)
            if s.news.group(info.name) is None:
                continue
            await s.ctx.access.require(s.identity, info, "lr")
        except (MailboxNotFound, PermissionDenied):
            continue
        return Found(0, record)
    raise NO_MESSAGE_ID


async def resolve(s: Session, ref: c.ArticleRef) -> Found:
    """The article `ref` names; a number becomes the current article."""
    if isinstance(ref, c.MessageId):
        return await by_message_id(s, ref)
    if s.group is None:
        raise NO_GROUP_SELECTED
    if ref is None:
        if s.group.current is None:
            raise NO_CURRENT
        ref = s.group.current
    record = (await articles(s, s.group)).by_number.get(ref)
    if record is None:
        raise NO_ARTICLE_NUMBER
    s.group.current = ref
    return Found(ref, record)


async def article(s: Session, cmd: c.Article) -> None:
    """220/221/222/223 number message-id, then the text asked for."""
    found = await resolve(s, cmd.ref)
    store = s.ctx.store
    parsed = await store.parsed(found.record.blob)
    s.send(r.status(_CODES[cmd.part], f"{found.number} <{parsed.message_id or '0'}>"))
    if cmd.part == "STAT":
        return
    if cmd.part == "HEAD":
        header = (await store.headers_many([found.record.blob]))[found.record.blob]
        # The header without the blank line that ends it.
        header = header[:-2] if header.endswith(b"\r\n\r\n") else (
            header[:-1] if header.endswith(b"\n\n") else header)
        stuffer = r.Stuffer()
        s.send(stuffer.chunk(header) + stuffer.end())
        return
    skip = parsed.header_size if cmd.part == "BODY" else 0
    stream = await store.body_stream(found.record.blob)
    stuffer = r.Stuffer()
    async for chunk in stream.chunks:
        if skip:
            cut = min(skip, len(chunk))
            chunk, skip = chunk[cut:], skip - cut
        s.send(stuffer.chunk(chunk))
        await s.out.flush()
    s.send(stuffer.end())


async def _selection(s: Session, ref: c.RangeRef) -> list[Found]:
    """The articles of OVER/HDR: a message-id's, the current one, or those of a range."""
    if isinstance(ref, c.MessageId):
        return [await by_message_id(s, ref)]
    if s.group is None:
        raise NO_GROUP_SELECTED
    if ref is None:
        if s.group.current is None:
            raise NO_CURRENT
        record = (await articles(s, s.group)).by_number.get(s.group.current)
        if record is None:
            raise NO_CURRENT  # GROUP's first article, gone before it was read
        return [Found(s.group.current, record)]
    found = [Found(rec.uid, rec) for rec in (await articles(s, s.group)).within(ref)]
    if not found:
        raise NO_ARTICLES
    return found


def _fields(summary: MessageSummary) -> dict[str, bytes]:
    """The summary's fields as sent, TABs and line ends made spaces (§8.3.2)."""
    return {name: value.encode("latin-1").translate(SANITIZE)
            for name, value in summary.summary_fields}


async def over(s: Session, cmd: c.Over) -> None:
    """224 and one overview line per article (RFC 3977 §8.3)."""
    found = await _selection(s, cmd.ref)
    lines = await s.overviews.lines(s.ctx.store, [(item.number, item.record) for item in found])
    s.send(r.block(224, "Overview information follows", lines))


async def _field_values(s: Session, field: str, found: list[Found]) -> list[bytes]:
    """The value of `field` (or metadata item) in each article, "" where absent."""
    blobs = [item.record.blob for item in found]
    if field in FIELDS or field in (":bytes", ":lines"):
        summaries = await s.ctx.store.summaries_many(blobs)
        values = []
        for item in found:
            summary = summaries.get(item.record.blob)
            if field == ":bytes":
                values.append(str(item.record.size).encode())
            elif summary is None:
                values.append(b"")
            elif field == ":lines":
                values.append(str(summary.body_lines).encode())
            else:
                values.append(_fields(summary).get(field, b""))
        return values
    if field.startswith(":"):
        return [b"" for _ in found]  # RFC 3977 §8.5.2: an unknown metadata item is empty
    headers = await s.ctx.store.headers_many(blobs)
    values = []
    for item in found:
        header = headers.get(item.record.blob, b"")
        match = next((f for f in parse_fields(header, 0, len(header))
                      if f.lname == field.encode("latin-1", "replace")), None)
        values.append(b"" if match is None else
                      (clean_value(match.value) or b"").translate(SANITIZE))
    return values


async def hdr(s: Session, cmd: c.Hdr) -> None:
    """225 (XHDR: 221) and `number value` per article (RFC 3977 §8.5)."""
    found = await _selection(s, cmd.ref)
    field = cmd.field.lower()
    values = await _field_values(s, field, found)
    lines = [str(item.number).encode() + b" " + value for item, value in zip(found, values)]
    code = 221 if cmd.legacy else 225
    s.send(r.block(code, "Headers follow", lines))


async def newnews(s: Session, cmd: c.NewNews) -> None:
    """RFC 3977 §7.4: message-ids of articles that arrived since then in the
    groups the wildmat names (only with allownewnews, as Cyrus)."""
    if not s.conf.allownewnews:
        raise Reply(503, "NEWNEWS disabled")
    pattern = wildmat_argument(cmd.wildmat)
    seen: dict[str, None] = {}
    for item in await s.news.visible(s.ctx.access, s.identity, "lr"):
        if not pattern.matches(item.name):
            continue
        fresh = [rec for rec in await s.ctx.store.messages(item.info.id)
                 if rec.internaldate >= cmd.since]
        parses = await s.ctx.store.parsed_many([rec.blob for rec in fresh])
        for rec in fresh:
            parsed = parses.get(rec.blob)
            if parsed is not None and parsed.message_id:
                seen.setdefault(f"<{parsed.message_id}>", None)
    s.send(r.block(230, "List of new articles follows", list(seen)))
