"""IMAP ENVELOPE rendering (RFC 9051 §7.5.2, RFC 3501 §7.4.2).

Field order: date, subject, from, sender, reply-to, to, cc, bcc,
in-reply-to, message-id. Values are the raw header values, unfolded and
trimmed, never RFC 2047-decoded. The first occurrence of a field counts.
An absent field, or an address field with no addresses, is NIL; sender
and reply-to default to from (RFC 9051 §7.5.2: "the server MUST default
... to the value of the from field").
"""

from __future__ import annotations

from roost.message.address import Address, parse_addresses
from roost.message.encoded_words import unfold
from roost.message.headers import Field, first_value
from roost.message.imapstr import NIL, nstring, plist

_STRING_FIELDS_HEAD = (b"date", b"subject")
_STRING_FIELDS_TAIL = (b"in-reply-to", b"message-id")


def clean_value(value: bytes | None) -> bytes | None:
    """Trim and unfold a raw header value; None stays None.

    White space is trimmed before unfolding, as Cyrus and Dovecot do, so a
    value that starts on a continuation line (`Message-ID:` CRLF SP `<id>`)
    keeps the space of its fold: ` <id>`.
    """
    if value is None:
        return None
    return unfold(value.lstrip(b" \t")).rstrip(b" \t")


def render_address_list(addresses: list[Address]) -> bytes:
    """`((name adl mailbox host)(...))` or NIL for an empty list.

    RFC 9051 §9 `env-to = "(" 1*address ")"`: no space between addresses;
    a strict parser (and Cyrus's own output) has none.
    """
    if not addresses:
        return NIL
    return b"(" + b"".join(plist(nstring(part) for part in address) for address in addresses) + b")"


def envelope(fields: list[Field]) -> bytes:
    """The rendered ENVELOPE of the message whose header `fields` are given."""

    def addresses(lname: bytes) -> list[Address]:
        value = first_value(fields, lname)
        return parse_addresses(value) if value is not None else []

    items = [nstring(clean_value(first_value(fields, name))) for name in _STRING_FIELDS_HEAD]
    sender_from = addresses(b"from")
    rendered_from = render_address_list(sender_from)
    items.append(rendered_from)
    for name in (b"sender", b"reply-to"):
        own = addresses(name)
        items.append(render_address_list(own) if own else rendered_from)
    for name in (b"to", b"cc", b"bcc"):
        items.append(render_address_list(addresses(name)))
    items.extend(nstring(clean_value(first_value(fields, name))) for name in _STRING_FIELDS_TAIL)
    return plist(items)
