"""FETCH data items -> reply bytes (RFC 9051 §7.5.2, RFC 3516 §4.2, RFC 7162 §3.1.4.1,
RFC 8474 §5.3, RFC 8514 §4.2, RFC 8970 §3.2).

One function per kind of item, each given only what that item needs: the
cached record, the parse-once summary, or the raw body. `Needs` says which
of the last two a command's items require, so FETCH reads no more than it
must (ARCHITECTURE.md "Parse once": ENVELOPE / BODY / BODYSTRUCTURE never
read the body file, and when every section asked for is the message's own
HEADER, HEADER.FIELDS or HEADER.FIELDS.NOT, as a client's message list
asks, only the header block is read: `raw` is then those bytes).

Invariants:
- Reply names follow the request, minus .PEEK (RFC 9051 §7.5.2), and a
  partial fetch names only its origin: `BODY[]<0>`.
- Body data always goes out as a literal; BINARY data holding NUL as a
  literal8 `~{n}` (RFC 3516 §4.2), since NUL may not appear in a literal;
  other body data never holds NUL on the wire (0x80 instead, as Dovecot).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from roost.imap import commands as c
from roost.imap.errors import No
from roost.imap.objectid import email_objectid, thread_objectid
from roost.imap.selected import SelectedMailbox
from roost.message import ParsedMessage, binary_size, fetch_binary, fetch_section
from roost.message.imapstr import NIL, string
from roost.message.sections import HEADER_KINDS
from roost.message.transfer import UnknownTransferEncoding
from roost.store.api import MessageRecord

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ATOM = re.compile(r"[!#$&'+\-.0-9:;<=>?@A-Z^_`a-z|~]+")
#: Items answered from the parse-once cache.
PARSED_ATTS = frozenset({"ENVELOPE", "BODY", "BODYSTRUCTURE", "THREADID", "PREVIEW"})
#: rev1 items that are BODY[...] under another name (RFC 3501 §6.4.5).
RFC822_SECTIONS = {
    "RFC822": (c.Section(), False),
    "RFC822.HEADER": (c.Section(text="HEADER"), True),
    "RFC822.TEXT": (c.Section(text="TEXT"), False),
}


@dataclass(frozen=True, slots=True)
class Needs:
    """What the items of one FETCH need besides the cached record.

    `header_only`: every body item is a top-level header section, so the
    header block (`Store.headers_many`) stands in for the body.
    """

    parsed: bool
    body: bool
    sets_seen: bool
    header_only: bool = False


def _top_header(item: c.FetchItem) -> bool:
    """A section of the message's own header block (RFC822.HEADER included)."""
    if isinstance(item, c.FetchAttr):
        return item.name == "RFC822.HEADER"
    return (isinstance(item, c.FetchBody) and not item.section.part
            and (item.section.text or "").upper() in HEADER_KINDS)


def needs_of(items: tuple[c.FetchItem, ...]) -> Needs:
    """Which sources the items read, and whether any sets \\Seen."""
    parsed = body = seen = False
    whole = False  # some body item needs more than the header block
    for item in items:
        if isinstance(item, c.FetchAttr):
            parsed |= item.name in PARSED_ATTS
            if item.name in RFC822_SECTIONS:
                body = True
                seen |= not RFC822_SECTIONS[item.name][1]
        else:
            body = True
            # RFC 9051 §6.4.5, RFC 3516 §4.2: only the .PEEK forms and
            # BINARY.SIZE leave \Seen alone.
            seen |= not item.peek and not (isinstance(item, c.FetchBinary) and item.size)
        whole |= (isinstance(item, c.FetchBody | c.FetchBinary)
                  or item.name in RFC822_SECTIONS) and not _top_header(item)
    if body and not whole:
        return Needs(parsed, body=True, sets_seen=seen, header_only=True)
    return Needs(parsed, body, seen)


def internaldate(when: datetime) -> bytes:
    """`"dd-Mon-yyyy hh:mm:ss +zzzz"` (RFC 9051 §9 date-time); naive means UTC."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    text = f"{when.day:02d}-{_MONTHS[when.month - 1]}-{when.year:04d} " + when.strftime(
        "%H:%M:%S %z")
    return b'"' + text.encode("ascii") + b'"'


@lru_cache(maxsize=256)  # the same few sections, asked of every message
def section_name(section: c.Section) -> bytes:
    """The section spec as the reply names it: `1.2.HEADER.FIELDS (TO)`."""
    parts = [".".join(str(n) for n in section.part)] if section.part else []
    if section.text:
        parts.append(section.text)
    name = ".".join(parts).encode("ascii")
    if section.fields:
        names = (f.encode() if _ATOM.fullmatch(f) else string(f) for f in section.fields)
        name += b" (" + b" ".join(names) + b")"
    return name


def literal(data: bytes, binary: bool = False) -> bytes:
    """`{n}` literal, or `~{n}` literal8 for BINARY data holding NUL.

    NUL may not appear in a `{n}` literal (RFC 9051 §4.3.1), yet a message
    delivered over LMTP may hold it (APPEND refuses it outside a literal8).
    As Dovecot does (lib-imap-storage imap-msgpart.c), each NUL of BODY[...]
    and RFC822 data goes out as the octet 0x80, so the literal keeps the
    size RFC822.SIZE and BODYSTRUCTURE announce; BINARY[...] (`binary`)
    sends the stored octets in a literal8 (RFC 3516 §4.3).
    """
    if b"\x00" not in data:
        return b"{%d}\r\n" % len(data) + data
    if binary:
        return b"~{%d}\r\n" % len(data) + data
    return b"{%d}\r\n" % len(data) + data.replace(b"\x00", b"\x80")


def _cut(data: bytes, partial: c.Partial | None) -> tuple[bytes, bytes]:
    """RFC 9051 §6.4.5: `<origin.count>` slices; an origin past the end is ""."""
    if partial is None:
        return data, b""
    return data[partial.start: partial.start + partial.length], b"<%d>" % partial.start


def body_item(raw: bytes, item: c.FetchBody, name: bytes | None = None) -> bytes:
    """BODY[section]<partial> (or its RFC822 alias `name`).

    A section the message does not have is NIL (the nstring of RFC 9051
    §9 msg-att-static); an empty one is "".
    """
    section = item.section
    data = fetch_section(raw, section.part, section.text or "", section.fields)
    if data is None:
        head = name or b"BODY[" + section_name(section) + b"]"
        return head + (b"<%d>" % item.partial.start if item.partial else b"") + b" " + NIL
    data, origin = _cut(data, item.partial)
    head = name or b"BODY[" + section_name(section) + b"]" + origin
    return head + b" " + literal(data)


def binary_item(raw: bytes, item: c.FetchBinary) -> bytes:
    """BINARY[part]<partial> / BINARY.SIZE[part] (RFC 3516 §4.2).

    RFC 3516 §4.3: a Content-Transfer-Encoding the server cannot decode is
    a tagged NO [UNKNOWN-CTE]. A part that does not exist is NIL (size 0).
    """
    part = ".".join(str(n) for n in item.part).encode("ascii")
    try:
        if item.size:
            size = binary_size(raw, item.part)
            return b"BINARY.SIZE[%s] %d" % (part, size or 0)
        data = fetch_binary(raw, item.part)
    except UnknownTransferEncoding as err:
        raise No("UNKNOWN-CTE", f"Cannot decode transfer encoding {err}") from None
    if data is None:
        origin = b"<%d>" % item.partial.start if item.partial else b""
        return b"BINARY[%s]%s NIL" % (part, origin)
    data, origin = _cut(data, item.partial)
    return b"BINARY[%s]%s %s" % (part, origin, literal(data, binary=True))


def attr_item(name: str, view: SelectedMailbox, record: MessageRecord,
              parsed: ParsedMessage | None, raw: bytes | None) -> bytes:
    """An item without section: FLAGS, UID, ENVELOPE, RFC822.SIZE..."""
    if name == "FLAGS":
        return b"FLAGS " + view.flag_list(record)
    if name == "UID":
        return b"UID %d" % record.uid
    if name == "INTERNALDATE":
        return b"INTERNALDATE " + internaldate(record.internaldate)
    if name == "RFC822.SIZE":
        return b"RFC822.SIZE %d" % record.size
    if name == "MODSEQ":
        return b"MODSEQ (%d)" % record.modseq  # RFC 7162 §3.1.4.1
    if name == "EMAILID":  # RFC 8474 §5.3
        return b"EMAILID (" + email_objectid(record.blob).encode("ascii") + b")"
    if name == "THREADID":  # RFC 8474 §5.2
        assert parsed is not None, "needs_of asks for the parsed message"
        return b"THREADID (" + thread_objectid(parsed, record.blob).encode("ascii") + b")"
    if name == "SAVEDATE":  # RFC 8514 §4.2: NIL where none was recorded
        saved = view.savedates.get(record.uid)
        return b"SAVEDATE " + (NIL if saved is None else internaldate(saved))
    if name in PARSED_ATTS:
        assert parsed is not None, "needs_of asks for the parsed message"
        if name == "PREVIEW":  # RFC 8970 §3.2: "" when there is no text to show
            return b"PREVIEW " + string(parsed.preview)
        value = {"ENVELOPE": parsed.envelope, "BODY": parsed.body,
                 "BODYSTRUCTURE": parsed.bodystructure}[name]
        return name.encode("ascii") + b" " + value
    section, peek = RFC822_SECTIONS[name]
    assert raw is not None, "needs_of asks for the body"
    return body_item(raw, c.FetchBody(section, peek), name.encode("ascii"))


def render_item(item: c.FetchItem, view: SelectedMailbox, record: MessageRecord,
                parsed: ParsedMessage | None, raw: bytes | None) -> bytes:
    """One `name value` pair of a FETCH reply."""
    if isinstance(item, c.FetchAttr):
        return attr_item(item.name, view, record, parsed, raw)
    assert raw is not None, "needs_of asks for the body"
    if isinstance(item, c.FetchBody):
        return body_item(raw, item)
    return binary_item(raw, item)
