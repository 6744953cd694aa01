"""CATENATE (RFC 4469): the message an APPEND builds from TEXT literals and
URLs to messages and parts the user can read.

The joined bytes are then appended like any APPEND (one batch, parsed
once, quota and modseq by the store). RFC 4469 §3: the octets are copied
unchanged, with no conversion and no check that they make a good MIME
message; only relative URLs (no scheme, no server) of the current session
are taken, anything else is `[BADURL url]`, naming the first URL that
failed (§4.1); a result past maxmessagesize (or IMAP's 4 GB) is
`[TOOBIG]` (§4.2), checked part by part so an oversized message is never
built whole.
"""

from __future__ import annotations

from roost.imap import commands as c
from roost.imap.errors import No
from roost.imap.handlers.urlparts import PartReader, UrlUnusable
from roost.imap.imapurl import ImapUrl, parse_url
from roost.imap.session import Session

#: RFC 4469 §4.2: the IMAP message limit.
IMAP_MAX_MESSAGE = 2**32 - 1


def _badurl(url: str) -> No:
    # RFC 4469 §5 url-resp-text: any TEXT-CHAR but "]".
    return No("BADURL " + url.replace("]", "%5D"), "CATENATE URL names no readable part")


def _relative(text: str) -> ImapUrl:
    """RFC 4469 §3: only relative message (part) URLs; no URLAUTH ones."""
    try:
        url = parse_url(text)
    except ValueError:
        raise _badurl(text) from None
    if url.host is not None or url.access is not None:
        raise _badurl(text)
    return url


async def catenated(s: Session, parts: tuple[c.CatText | c.CatUrl, ...]) -> bytes:
    """The message the parts make, joined in order."""
    limit = min(s.conf.maxmessagesize or IMAP_MAX_MESSAGE, IMAP_MAX_MESSAGE)
    pieces: list[bytes] = []
    size = 0
    reader = PartReader(s)
    for part in parts:
        if isinstance(part, c.CatText):
            if b"\x00" in part.data:
                raise No(None, "CATENATE TEXT contains NUL characters")  # RFC 9051 §4.3.1
            data = part.data
        else:
            try:
                data = await reader.url_octets(_relative(part.url), s.identity, s.ns)
            except UrlUnusable:
                raise _badurl(part.url) from None
        size += len(data)
        if size > limit:
            raise No("TOOBIG", "Catenated message is too big")
        pieces.append(data)
    return b"".join(pieces)
