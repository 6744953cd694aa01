"""BODY and BODYSTRUCTURE rendering (RFC 9051 §7.5.2, RFC 3501 §7.4.2).

Shapes follow Cyrus: media type, subtype, parameter names, encoding and
disposition type in upper case; parameter values as sent. Each
non-multipart part: type subtype params id description encoding size,
then lines for text/*, then envelope, body and lines for message/rfc822
(message/global is a plain part, as on Cyrus). BODYSTRUCTURE adds extension data: for
leaves md5 disposition language location, for multiparts params
disposition language location. BODY is the same tree without extension
data (RFC 9051 §7.5.2 "BODY: A form of BODYSTRUCTURE without extension
data").
A text/* part without a charset parameter is reported with
("CHARSET" "us-ascii") added, the RFC 2045 §5.2 default, as Dovecot
does, so clients need not know the default.
"""

from __future__ import annotations

from roost.message.envelope import clean_value, envelope
from roost.message.imapstr import NIL, nstring, number, plist, string
from roost.message.mime import Entity
from roost.message.params import RawParams, join_continuations, raw_params, split_value


def _params(params: RawParams) -> bytes:
    if not params:
        return NIL
    params = join_continuations(params)
    return plist(item for name, value in params for item in (string(name.upper()), string(value)))


def _content_params(entity: Entity) -> bytes:
    params = entity.params
    if entity.maintype == b"text" and not any(name.lower() == b"charset" for name, _ in params):
        params = ((b"charset", b"us-ascii"), *params)
    return _params(params)



def _disposition(entity: Entity) -> bytes:
    """RFC 2183 disposition as `("TYPE" (params))`, NIL when absent."""
    value = entity.header(b"content-disposition")
    if value is None:
        return NIL
    kind, _ = split_value(value)
    if not kind:
        return NIL
    return plist((string(kind.upper()), _params(raw_params(value))))


def _language(entity: Entity) -> bytes:
    """RFC 3282 Content-Language: one string, or a list when several."""
    value = clean_value(entity.header(b"content-language"))
    if value is None:
        return NIL
    tags = [tag.strip() for tag in value.split(b",") if tag.strip()]
    if not tags:
        return NIL
    if len(tags) == 1:
        return string(tags[0])
    return plist(string(tag) for tag in tags)


def _extension(entity: Entity) -> list[bytes]:
    return [
        _disposition(entity),
        _language(entity),
        nstring(clean_value(entity.header(b"content-location"))),
    ]


def render(raw: bytes, entity: Entity, extended: bool) -> bytes:
    """BODYSTRUCTURE (`extended`) or BODY of `entity`, recursively."""
    if entity.children:
        items = [b"".join(render(raw, child, extended) for child in entity.children),
                 string(entity.subtype.upper())]
        if extended:
            items.append(_params(entity.params))
            items.extend(_extension(entity))
        return plist(items)
    items = [
        string(entity.maintype.upper()),
        string(entity.subtype.upper()),
        _content_params(entity),
        nstring(clean_value(entity.header(b"content-id"))),
        nstring(clean_value(entity.header(b"content-description"))),
        string(entity.cte.upper()),
        number(entity.end - entity.body_start),
    ]
    if entity.message is not None:
        inner = entity.message
        items.append(envelope(inner.fields))
        items.append(render(raw, inner, extended))
        items.append(number(entity.body_lines(raw)))
    elif entity.maintype == b"text":
        items.append(number(entity.body_lines(raw)))
    if extended:
        items.append(nstring(clean_value(entity.header(b"content-md5"))))
        items.extend(_extension(entity))
    return plist(items)
