"""APPEND's arguments: one or more messages (RFC 3502), each a literal, a
literal8 (RFC 3516 §4.4), ``UTF8 (~{n})`` (RFC 6855 §4) or ``CATENATE
(...)`` of TEXT literals and URLs (RFC 4469 §5).

``append-data`` per RFC 4466 §2.3 with the RFC 4469 and RFC 6855 forms:

    append-message = [flag-list SP] [date-time SP] append-data
    append-data    = literal / literal8 / utf8-literal
                     / "CATENATE" SP "(" cat-part *(SP cat-part) ")"
    cat-part       = "TEXT" SP literal / "URL" SP astring / utf8-literal
    utf8-literal   = "UTF8" SP "(" literal8 ")"
"""

from __future__ import annotations

from roost.imap import commands as c
from roost.imap.parse_lexer import Cursor

#: RFC 4469 puts no bound on the parts; this one keeps a hostile list short.
MAX_PARTS = 1000


def _utf8_literal(cur: Cursor) -> bytes:
    """``"UTF8" SP "(" literal8 ")"`` after the word UTF8 was read."""
    cur.sp()
    cur.expect(b"(")
    data, binary = cur.literal()
    if not binary:
        raise cur.bad("UTF8 takes a literal8 (~{n})")  # RFC 6855 §4
    cur.expect(b")")
    return data


def _cat_part(cur: Cursor) -> c.CatText | c.CatUrl:
    if cur.skip_word(b"TEXT"):
        cur.sp()
        data, binary = cur.literal()
        if binary:
            raise cur.bad("TEXT takes a literal, not a literal8")  # RFC 4469 §5
        return c.CatText(data)
    if cur.skip_word(b"URL"):
        cur.sp()
        return c.CatUrl(cur.astring())
    if cur.skip_word(b"UTF8"):
        return c.CatText(_utf8_literal(cur), utf8=True)
    raise cur.bad("expected TEXT, URL or UTF8")


def append_message(cur: Cursor) -> c.AppendMessage:
    """One message after its leading space."""
    flags: tuple[str, ...] = ()
    when = None
    if cur.peek(b"("):
        flags = cur.flag_list()
        cur.sp()
    if cur.peek(b'"'):
        when = cur.date_time()
        cur.sp()
    if cur.skip_word(b"CATENATE"):
        cur.sp()
        parts = tuple(cur.paren_list(lambda: _cat_part(cur)))
        if not parts:
            raise cur.bad("CATENATE needs a part")
        if len(parts) > MAX_PARTS:
            raise cur.bad("too many CATENATE parts")
        return c.AppendMessage(flags, when, b"", catenate=parts)
    if cur.skip_word(b"UTF8"):
        return c.AppendMessage(flags, when, _utf8_literal(cur), True, utf8=True)
    data, binary = cur.literal()
    return c.AppendMessage(flags, when, data, binary)


def append_messages(cur: Cursor) -> tuple[c.AppendMessage, ...]:
    """``1*(SP append-message)`` (RFC 3502 §6.3.11)."""
    messages: list[c.AppendMessage] = []
    while cur.skip(b" "):
        messages.append(append_message(cur))
    if not messages:
        raise cur.bad("APPEND needs a message literal")
    return tuple(messages)
