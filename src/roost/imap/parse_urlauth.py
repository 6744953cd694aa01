"""URLAUTH commands: GENURLAUTH, RESETKEY, URLFETCH (RFC 4467 §8).

    genurlauth = "GENURLAUTH" 1*(SP url-rump SP mechanism)
    resetkey   = "RESETKEY" [SP mailbox *(SP mechanism)]
    urlfetch   = "URLFETCH" 1*(SP url-full)
    url-rump, url-full = astring; mechanism = "INTERNAL" / 1*(ALPHA / DIGIT / "-" / ".")

What the URLs hold is checked by the handlers (`roost.imap.imapurl`):
a URL that parses here but names nothing is NO or NIL, not BAD.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from roost.imap import commands as c
from roost.imap.parse_lexer import Cursor

_MECHANISM = re.compile(rb"[A-Za-z0-9.\-]+")
#: More URLs than any client sends in one command; bounds the work asked.
MAX_URLS = 100


def _mechanism(cur: Cursor) -> str:
    return cur.token(_MECHANISM, "URLAUTH mechanism").decode("ascii").upper()


def _genurlauth(cur: Cursor) -> c.GenUrlAuth:
    rumps: list[tuple[str, str]] = []
    while cur.skip(b" "):
        rump = cur.astring()
        cur.sp()
        rumps.append((rump, _mechanism(cur)))
    if not rumps or len(rumps) > MAX_URLS:
        raise cur.bad("GENURLAUTH takes 1 to 100 URL rumps, each with a mechanism")
    return c.GenUrlAuth(cur.tag, tuple(rumps))


def _resetkey(cur: Cursor) -> c.ResetKey:
    if not cur.skip(b" "):
        return c.ResetKey(cur.tag, None)
    mailbox = cur.mailbox()
    mechanisms: list[str] = []
    while cur.skip(b" "):
        mechanisms.append(_mechanism(cur))
    return c.ResetKey(cur.tag, mailbox, tuple(mechanisms))


def _urlfetch(cur: Cursor) -> c.UrlFetch:
    urls: list[str] = []
    while cur.skip(b" "):
        urls.append(cur.astring())
    if not urls or len(urls) > MAX_URLS:
        raise cur.bad("URLFETCH takes 1 to 100 URLs")
    return c.UrlFetch(cur.tag, tuple(urls))


PARSERS: dict[str, Callable[[Cursor], c.Command]] = {
    "GENURLAUTH": _genurlauth,
    "RESETKEY": _resetkey,
    "URLFETCH": _urlfetch,
}
