"""The octets an IMAP URL names (RFC 5092 §6), as one identity may read them.

CATENATE (RFC 4469 §3) reads them as the session's user; URLFETCH (RFC
4467 §4) as the URL's owner once its authorization is checked. Either
way the mailbox is found through `ctx.access` with the `r` right (a
mailbox the identity may not read is answered as a missing one), the
message by UID (and UIDVALIDITY when the URL names one), and the part by
the message package's section extraction, exactly as FETCH BODY.PEEK[]
would give it: no \\Seen is set (RFC 4469 §3).
"""

from __future__ import annotations

import bisect

from roost.auth.identity import Identity
from roost.imap.imapurl import ImapUrl
from roost.imap.session import Session
from roost.message import fetch_section
from roost.store.api import InvalidMailboxName, MailboxInfo, MessageRecord, StoreError
from roost.store.names import Namespace


class UrlUnusable(Exception):
    """The URL names nothing this identity may read."""


async def url_mailbox(s: Session, url: ImapUrl, who: Identity,
                      names: Namespace) -> MailboxInfo:
    """The mailbox `url` names in `names`, if `who` may read it (and, when
    the URL names a UIDVALIDITY, it still holds); UrlUnusable if not."""
    try:
        if url.mailbox is None:
            if s.selected is None:
                raise UrlUnusable("no mailbox selected")
            info = s.selected.info
            await s.access.require(who, info, "r")
        else:
            external = "INBOX" if url.mailbox.upper() == "INBOX" else url.mailbox
            info = await s.access.lookup(who, names.to_internal(external), "r")
    except (StoreError, InvalidMailboxName) as err:
        raise UrlUnusable(type(err).__name__) from None
    if url.uidvalidity is not None and url.uidvalidity != info.uidvalidity:
        raise UrlUnusable("UIDVALIDITY changed")
    return info


class PartReader:
    """Reads the parts URLs name for one command: each mailbox's records
    are read once, however many URLs (up to CATENATE's thousand) point
    into it."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self._records: dict[int, list[MessageRecord]] = {}

    async def _record(self, info: MailboxInfo, uid: int) -> MessageRecord:
        records = self._records.get(info.id)
        if records is None:
            records = self._records[info.id] = await self.s.store.messages(info.id)
        at = bisect.bisect_left(records, uid, key=lambda r: r.uid)
        if at == len(records) or records[at].uid != uid:
            raise UrlUnusable("no such message")
        return records[at]

    async def octets(self, url: ImapUrl, info: MailboxInfo) -> bytes:
        """The bytes of the message or part `url` names in mailbox `info`
        (which `url_mailbox` found readable)."""
        try:
            raw = await self.s.store.body((await self._record(info, url.uid)).blob)
        except StoreError as err:
            raise UrlUnusable(type(err).__name__) from None
        section = url.section
        data = raw if section is None else fetch_section(raw, section.part, section.text or "",
                                                         section.fields)
        if data is None:
            raise UrlUnusable("no such part")
        if url.partial is not None:
            start, length = url.partial
            data = data[start:] if length is None else data[start:start + length]
        return data

    async def url_octets(self, url: ImapUrl, who: Identity, names: Namespace) -> bytes:
        """The bytes of the part `url` names, read as `who`; UrlUnusable if none."""
        return await self.octets(url, await url_mailbox(self.s, url, who, names))
