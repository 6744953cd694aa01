"""APPEND under UTF8=ACCEPT (RFC 6855 §4): who may send UTF-8 headers.

A client that enabled UTF-8 (ENABLE UTF8=ACCEPT, or IMAP4rev2, whose
headers may be UTF-8: RFC 9051 Appendix E (16)) sends such a message
as `UTF8 (~{n})`, also as a CATENATE part; one that did not may not use
that form (BAD), and since the server advertises UTF8=ACCEPT it MUST
refuse, with NO, any APPEND whose header fields hold 8-bit octets.
"""

from __future__ import annotations

import re

from roost.imap import commands as c
from roost.imap.errors import BadCommand, No
from roost.imap.session import Session
from roost.message.headers import header_end

_EIGHT_BIT = re.compile(rb"[\x80-\xff]")


def check_form(s: Session, message: c.AppendMessage) -> None:
    """BAD for the UTF8 data item from a session that did not enable UTF-8."""
    uses_utf8 = message.utf8 or any(isinstance(p, c.CatText) and p.utf8
                                    for p in message.catenate)
    if uses_utf8 and not s.utf8:
        raise BadCommand(None, "APPEND UTF8 needs ENABLE UTF8=ACCEPT")


def check_headers(s: Session, raw: bytes) -> None:
    """NO for 8-bit header octets from a session that did not enable UTF-8."""
    if not s.utf8 and _EIGHT_BIT.search(raw, 0, header_end(raw, 0, len(raw))):
        raise No(None, "8-bit header fields need ENABLE UTF8=ACCEPT (RFC 6855 §4)")
