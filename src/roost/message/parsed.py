"""ParsedMessage: everything FETCH, SEARCH, SORT, THREAD and NNTP OVER need
from a message, computed once at delivery/APPEND and persisted in the index.

Fields hold only bytes, str, int, bool, datetime, None and tuples of those,
so the store can keep them as they are or via `to_json`/`from_json` (a
positional JSON array; bytes as latin-1 text, datetime as ISO 8601).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime
from enum import Enum
from typing import Any

from roost.message import bodystructure, sortkeys
from roost.message.address import parse_addresses
from roost.message.dates import parse_date
from roost.message.encoded_words import decode_header_value
from roost.message.envelope import clean_value, envelope
from roost.message.headers import Field
from roost.message.mime import Entity, parse_entity
from roost.message.params import decode_rfc2231, raw_params, split_value
from roost.message.text import leaves, preview_of

SCHEMA = 7  # bump when a field is added or its meaning (or its parse) changes
_PARAM_FIELDS = (b"content-type", b"content-disposition")
#: Fields a list of messages shows, kept as sent in `summary_fields`
#: (RFC 3977 §8.4 overview; any client-side list view).
SUMMARY_FIELDS = ("subject", "from", "date", "message-id", "references")


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """The parse-once summary of one message; see the package docstring."""

    size: int
    header_size: int
    body_size: int
    envelope: bytes
    bodystructure: bytes
    body: bytes
    sent_date: datetime | None
    headers_for_search: tuple[tuple[str, str], ...]
    sort_subject: str
    sort_from: str
    sort_to: str
    sort_cc: str
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    preview: str
    has_attachment: bool
    # New fields go last: the index finds `message_id` by its position.
    body_lines: int
    summary_fields: tuple[tuple[str, str], ...]
    subject_is_reply: bool  # RFC 5256 §3: a reply or forward by its subject
    display_from: str  # RFC 5957 §3 DISPLAYFROM / DISPLAYTO
    display_to: str

    def to_json(self) -> str:
        """Compact JSON text for the index (see `from_json`)."""
        values: list[Any] = [SCHEMA]
        # Every field is immutable already: no deep copy (`astuple`) needed.
        for value in (getattr(self, name) for name in _FIELD_NAMES):
            if isinstance(value, bytes):
                values.append(value.decode("latin-1"))
            elif isinstance(value, datetime):
                values.append(value.isoformat())
            else:
                values.append(value)
        return json.dumps(values, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> ParsedMessage:
        """Inverse of `to_json`; raises ValueError on another schema."""
        values = json.loads(text)
        if not isinstance(values, list) or not values or values[0] != SCHEMA:
            raise ValueError("ParsedMessage JSON of an unknown schema")
        args: list[Any] = []
        for kind, value in zip(_FIELD_KINDS, values[1:], strict=True):
            if kind is _Kind.BYTES:
                args.append(value.encode("latin-1"))
            elif kind is _Kind.DATE:
                args.append(None if value is None else datetime.fromisoformat(value))
            elif kind is _Kind.PAIRS:
                args.append(tuple((name, val) for name, val in value))
            elif isinstance(value, list):
                args.append(tuple(value))
            else:
                args.append(value)
        return cls(*args)


class _Kind(Enum):
    """How `from_json` turns a field's JSON value back."""

    BYTES = "bytes"
    DATE = "datetime"
    PAIRS = "pairs"
    PLAIN = "plain"


def _kind(name: str, type_: object) -> _Kind:
    if type_ == "bytes":
        return _Kind.BYTES
    if type_ == "datetime | None":
        return _Kind.DATE
    if name in ("headers_for_search", "summary_fields"):
        return _Kind.PAIRS
    return _Kind.PLAIN


_FIELD_NAMES = tuple(spec.name for spec in fields(ParsedMessage))
#: Worked out once, not per decoded parse (FETCH decodes one per message).
_FIELD_KINDS = tuple(_kind(spec.name, spec.type) for spec in fields(ParsedMessage))


def _search_value(field: Field) -> str:
    """Decoded value: RFC 2047 words, and RFC 2231 parameters for the
    Content-Type/-Disposition fields when they use the `name*` forms;
    address fields also as their parsed addresses (`_address_forms`)."""
    if field.lname in _ADDRESS_FIELDS:
        value = decode_header_value(field.value).strip()
        forms = _address_forms(field.value)
        return value if not forms or forms in value else f"{value}\n{forms}"
    params = raw_params(field.value) if field.lname in _PARAM_FIELDS else ()
    if not any(b"*" in name for name, _ in params):
        return decode_header_value(field.value).strip()
    head = decode_header_value(split_value(field.value)[0]).strip()
    rendered = "".join(f'; {name}="{value}"' for name, value in decode_rfc2231(params))
    return head + rendered


_ADDRESS_FIELDS = frozenset({b"from", b"sender", b"reply-to", b"to", b"cc", b"bcc"})


def _address_forms(value: bytes) -> str:
    """`Name <local@domain>` for each address of a field, so that SEARCH FROM
    "user@example.org" finds `<user (comment)@ (comment) example.org>` and
    `user@example.org (Name)` too, as Cyrus and Dovecot match addresses
    (RFC 9051 §6.4.4 leaves the matching of address keys to the server)."""
    forms = []
    for name, _, mailbox, host in parse_addresses(value):
        if mailbox is None or host is None:
            continue  # group markers: the group name is in the raw value
        spec = (mailbox + b"@" + host).decode("utf-8", "replace")
        forms.append(f"{decode_header_value(name).strip()} <{spec}>" if name else spec)
    return ", ".join(forms)


def _has_attachment(top: Entity) -> bool:
    """A leaf marked `attachment` (RFC 2183), or one with a file name that is
    not the message's main text."""
    for index, leaf in enumerate(leaves(top)):
        disposition = leaf.header(b"content-disposition")
        kind = split_value(disposition)[0].lower() if disposition is not None else b""
        if kind == b"attachment":
            return True
        named = any(name.lower().split(b"*")[0] in (b"name", b"filename")
                    for name, _ in leaf.params + (raw_params(disposition) if disposition else ()))
        if named and kind != b"inline" and (index > 0 or leaf.maintype != b"text"):
            return True
    return False


def _summary(fields: list[Field]) -> tuple[tuple[str, str], ...]:
    """The first of each SUMMARY_FIELDS field, unfolded but not decoded (its
    octets as latin-1 text, so they go back out exactly as they came)."""
    found: dict[str, str] = {}
    for field in fields:
        name = field.lname.decode("latin-1")
        if name in SUMMARY_FIELDS and name not in found:
            found[name] = (clean_value(field.value) or b"").decode("latin-1")
    return tuple(found.items())


def _body_lines(raw: bytes, body_start: int) -> int:
    """Lines of the body (RFC 3977 §8.5 `:lines`): line ends, plus a last
    line that has none."""
    lines = raw.count(b"\n", body_start)
    return lines + (1 if len(raw) > body_start and not raw.endswith(b"\n") else 0)


def _str(value: bytes | None) -> str:
    return "" if value is None else decode_header_value(value).strip()


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse `raw` (as stored, as received) into a ParsedMessage. Never raises."""
    top = parse_entity(raw, 0, len(raw))
    header = top.header
    message_ids = sortkeys.msg_ids(header(b"message-id"))
    reply_ids = sortkeys.msg_ids(header(b"in-reply-to"))
    subject, subject_is_reply = sortkeys.subject_parts(_str(header(b"subject")))
    return ParsedMessage(
        size=len(raw),
        header_size=top.body_start,
        body_size=len(raw) - top.body_start,
        envelope=envelope(top.fields),
        bodystructure=bodystructure.render(raw, top, extended=True),
        body=bodystructure.render(raw, top, extended=False),
        sent_date=parse_date(header(b"date")),
        headers_for_search=tuple((f.lname.decode("latin-1"), _search_value(f)) for f in top.fields),
        sort_subject=subject,
        subject_is_reply=subject_is_reply,
        sort_from=sortkeys.first_mailbox(header(b"from")),
        sort_to=sortkeys.first_mailbox(header(b"to")),
        sort_cc=sortkeys.first_mailbox(header(b"cc")),
        display_from=sortkeys.first_display(header(b"from")),
        display_to=sortkeys.first_display(header(b"to")),
        message_id=message_ids[0] if message_ids else _str(clean_value(header(b"message-id"))),
        in_reply_to=reply_ids[0] if reply_ids else "",
        references=sortkeys.msg_ids(header(b"references")),
        preview=preview_of(raw, top),
        has_attachment=_has_attachment(top),
        body_lines=_body_lines(raw, top.body_start),
        summary_fields=_summary(top.fields),
    )
