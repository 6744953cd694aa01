"""APPEND under UTF8=ACCEPT (RFC 6855 §4): who may send UTF-8 headers.

A client that enabled UTF-8 (ENABLE UTF8=ACCEPT, or IMAP4rev2, whose
headers may be UTF-8: RFC 9051 Appendix E (16)) sends such a message
as `UTF8 (~{n})`, also as a CATENATE part; one that did not may not use
that form (BAD).

Deliberately not done: RFC 6855 §4 says a server advertising UTF8=ACCEPT
MUST refuse a plain APPEND whose header fields hold 8-bit octets. Old mail
is full of raw Latin-1 and UTF-8 headers, and migration tools (imapsync,
mbsync, offlineimap) APPEND it without ENABLE; Cyrus and Dovecot both store
it. Roost stores it as received, as it stores any malformed message.
"""

from __future__ import annotations

from roost.imap import commands as c
from roost.imap.errors import BadCommand
from roost.imap.session import Session


def check_form(s: Session, message: c.AppendMessage) -> None:
    """BAD for the UTF8 data item from a session that did not enable UTF-8."""
    uses_utf8 = message.utf8 or any(isinstance(p, c.CatText) and p.utf8
                                    for p in message.catenate)
    if uses_utf8 and not s.utf8:
        raise BadCommand(None, "APPEND UTF8 needs ENABLE UTF8=ACCEPT")
