"""Message-set commands: FETCH, STORE, COPY, MOVE, UID EXPUNGE.

The parsers in ``PARSERS`` take ``uid``: whether the command came as
``UID <name>`` (RFC 9051 §6.4.9); EXPUNGE takes a set only as UID EXPUNGE.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from roost.imap import commands as c
from roost.imap.parse_append import append_message
from roost.imap.parse_lexer import NUMBER64_MAX, Bad, Cursor
from roost.imap.partial import PartialRange, parse_partial_range
from roost.imap.wire import Line

_ATT_NAME = re.compile(rb"[A-Za-z0-9.]+")
_SECTION_TEXT = re.compile(rb"[A-Za-z.]+")
_PART = re.compile(rb"[1-9][0-9]*(?:\.[1-9][0-9]*)*")
_STORE_ATT = re.compile(rb"[+-]?[A-Za-z.]+")
#: Fetch items that take no section (RFC 9051 §6.4.5, RFC 7162 §3.1.4.1,
#: RFC 8474 §5 EMAILID/THREADID, RFC 8514 §4.2 SAVEDATE).
SIMPLE_ATTS = frozenset({
    "ENVELOPE", "FLAGS", "INTERNALDATE", "RFC822", "RFC822.HEADER", "RFC822.TEXT",
    "RFC822.SIZE", "BODY", "BODYSTRUCTURE", "UID", "MODSEQ", "EMAILID", "THREADID",
    "SAVEDATE",
})
#: RFC 9051 §6.4.5 macros.
MACROS: dict[str, tuple[str, ...]] = {
    "ALL": ("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"),
    "FAST": ("FLAGS", "INTERNALDATE", "RFC822.SIZE"),
    "FULL": ("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"),
}
_SECTION_TEXTS = {"HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT", "MIME"}


def _fetch(cur: Cursor, uid: bool) -> c.Fetch:
    """[UID] FETCH set (macro / att / (atts)) [(modifiers)]. RFC 9051 §6.4.5."""
    cur.sp()
    sequence = cur.sequence_set()
    cur.sp()
    items: list[c.FetchItem]
    if cur.peek(b"("):
        items = cur.paren_list(lambda: _fetch_att(cur))
        if not items:
            raise cur.bad("empty fetch list")
    else:
        macro = next((m for m in MACROS if cur.skip_word(m.encode())), None)
        items = [c.FetchAttr(a) for a in MACROS[macro]] if macro else [_fetch_att(cur)]
    changedsince: int | None = None
    vanished = False
    partial: PartialRange | None = None
    if cur.skip(b" "):
        for name in cur.paren_list(lambda: _fetch_modifier(cur)):
            if name == "VANISHED" and not vanished:
                vanished = True
            elif isinstance(name, int) and changedsince is None:
                changedsince = name
            elif isinstance(name, PartialRange) and partial is None:
                partial = name
            else:
                raise cur.bad("repeated FETCH modifier")
        # RFC 7162 §3.2.6: VANISHED requires CHANGEDSINCE and UID FETCH.
        if vanished and (changedsince is None or not uid):
            raise cur.bad("VANISHED needs UID FETCH with CHANGEDSINCE")
        if partial is not None and not uid:
            raise cur.bad("PARTIAL needs UID FETCH")  # RFC 9394 §3.3
    return c.Fetch(cur.tag, uid, sequence, tuple(items), changedsince, vanished, partial)


def _fetch_modifier(cur: Cursor) -> int | str | PartialRange:
    """CHANGEDSINCE n (as the int), VANISHED, or PARTIAL range.
    RFC 7162 §3.1.4.1, §3.2.6; RFC 9394 §3.3."""
    if cur.skip_word(b"CHANGEDSINCE"):
        cur.sp()
        return cur.nz_number(NUMBER64_MAX)
    if cur.skip_word(b"VANISHED"):
        return "VANISHED"
    if cur.skip_word(b"PARTIAL"):
        cur.sp()
        return parse_partial_range(cur)
    raise cur.bad("unknown FETCH modifier")


def _fetch_att(cur: Cursor) -> c.FetchItem:
    name = cur.token(_ATT_NAME, "fetch item").decode("ascii").upper()
    if name in ("BODY", "BODY.PEEK") and cur.peek(b"["):
        section = _section(cur)
        return c.FetchBody(section, name == "BODY.PEEK", _partial(cur))
    if name in ("BINARY", "BINARY.PEEK", "BINARY.SIZE"):
        # RFC 3516 §4.2: section-binary is a part number path only.
        cur.expect(b"[")
        part = _part(cur)
        cur.expect(b"]")
        if name == "BINARY.SIZE":
            return c.FetchBinary(part, size=True)
        return c.FetchBinary(part, name == "BINARY.PEEK", _partial(cur))
    if name in SIMPLE_ATTS:
        return c.FetchAttr(name)
    if name == "PREVIEW":
        _preview_modifiers(cur)
        return c.FetchAttr(name)
    raise cur.bad(f"unknown fetch item {name}")


def _preview_modifiers(cur: Cursor) -> None:
    """RFC 8970 §6: ``PREVIEW [SP "(" preview-mod *(SP preview-mod) ")"]``.

    LAZY (§4.1) is the only modifier and changes nothing here: the preview
    comes from the parse-once cache, never with undue delay, so it is never
    NIL. A FETCH modifier list after a lone PREVIEW cannot start with LAZY.
    """
    if not cur.peek(b" (LAZY"):
        return
    cur.sp()
    for modifier in cur.paren_list(cur.atom):
        if modifier.upper() != "LAZY":
            raise cur.bad(f"unknown PREVIEW modifier {modifier}")


def _part(cur: Cursor) -> tuple[int, ...]:
    """``nz-number *("." nz-number)``, possibly empty."""
    raw = cur.maybe(_PART)
    if raw is None:
        return ()
    numbers = raw.split(b".")
    if any(len(n) > 10 or int(n) > 2**32 - 1 for n in numbers):
        raise cur.bad("part number too large")
    return tuple(int(n) for n in numbers)


def _section(cur: Cursor) -> c.Section:
    """``[section-spec]``. RFC 9051 §9 ``section``."""
    cur.expect(b"[")
    part = _part(cur)
    text: str | None = None
    fields: tuple[str, ...] = ()
    if not cur.peek(b"]"):
        if part:
            cur.expect(b".")
        text = cur.token(_SECTION_TEXT, "section text").decode("ascii").upper()
        if text not in _SECTION_TEXTS or (text == "MIME" and not part):
            raise cur.bad(f"bad section {text}")
        if text.startswith("HEADER.FIELDS"):
            cur.sp()
            fields = tuple(cur.paren_list(cur.astring))
            if not fields:
                raise cur.bad("empty header list")
    cur.expect(b"]")
    return c.Section(part, text, fields)


def parse_section(text: bytes) -> c.Section:
    """A section spec on its own (``1.2.MIME``), as an IMAP URL carries it
    (RFC 5092 §6 ``enc-section``); ValueError when it is not one."""
    cur = Cursor(Line((b"[" + text + b"]",), ()))
    try:
        section = _section(cur)
        cur.end()
    except Bad:
        raise ValueError("bad section") from None
    return section


def _partial(cur: Cursor) -> c.Partial | None:
    """``<start.length>``. RFC 9051 §9 ``partial``."""
    if not cur.skip(b"<"):
        return None
    start = cur.number(NUMBER64_MAX)
    cur.expect(b".")
    length = cur.nz_number(NUMBER64_MAX)
    cur.expect(b">")
    return c.Partial(start, length)


def _store(cur: Cursor, uid: bool) -> c.Store:
    """[UID] STORE set [(UNCHANGEDSINCE n)] [+-]FLAGS[.SILENT] flags. RFC 9051 §6.4.6."""
    cur.sp()
    sequence = cur.sequence_set()
    cur.sp()
    unchangedsince: int | None = None
    if cur.peek(b"("):
        cur.expect(b"(")
        if not cur.skip_word(b"UNCHANGEDSINCE"):
            raise cur.bad("unknown STORE modifier")
        cur.sp()
        unchangedsince = cur.number(NUMBER64_MAX)  # RFC 7162 §3.1.3: 0 allowed
        cur.expect(b")")
        cur.sp()
    att = cur.token(_STORE_ATT, "store item").decode("ascii").upper()
    mode: c.StoreMode = "+" if att[0] == "+" else "-" if att[0] == "-" else ""
    base = att.lstrip("+-")
    if base not in ("FLAGS", "FLAGS.SILENT"):
        raise cur.bad(f"unknown store item {att}")
    cur.sp()
    if cur.peek(b"("):
        flags = cur.flag_list()
    else:
        flags_list = [cur.flag()]
        while cur.skip(b" "):
            flags_list.append(cur.flag())
        flags = tuple(flags_list)
    return c.Store(cur.tag, uid, sequence, mode, base.endswith(".SILENT"), flags, unchangedsince)


def _copy_or_move(
    make: type[c.Copy | c.Move],
) -> Callable[[Cursor, bool], c.Command]:
    def parse(cur: Cursor, uid: bool) -> c.Command:
        """[UID] COPY/MOVE set mailbox. RFC 9051 §6.4.7-8."""
        cur.sp()
        sequence = cur.sequence_set()
        cur.sp()
        return make(cur.tag, uid, sequence, cur.mailbox())

    return parse


def uid_expunge(cur: Cursor) -> c.Expunge:
    """UID EXPUNGE set. RFC 4315 §2.1."""
    cur.sp()
    return c.Expunge(cur.tag, cur.sequence_set())


def _replace(cur: Cursor, uid: bool) -> c.Replace:
    """[UID] REPLACE (seq-number / uniqueid) SP mailbox SP append-message. RFC 8508 §5."""
    cur.sp()
    number = cur.nz_number()
    cur.sp()
    mailbox = cur.mailbox()
    cur.sp()
    return c.Replace(cur.tag, uid, number, mailbox, append_message(cur))


PARSERS: dict[str, Callable[[Cursor, bool], c.Command]] = {
    "FETCH": _fetch,
    "STORE": _store,
    "COPY": _copy_or_move(c.Copy),
    "MOVE": _copy_or_move(c.Move),
    "REPLACE": _replace,
}
