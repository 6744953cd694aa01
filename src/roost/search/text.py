"""What SEARCH BODY and TEXT compare with (RFC 9051 §6.4.4), in one place.

Both the search that reads bodies (``roost.search.mailbox``) and the index
(``roost.search.index.extract``) take a message's text from here, so an
indexed answer and a scanned one can never differ: the decoded top-level
header lines (RFC 2047) for TEXT, and for BODY every text/* leaf (inside
encapsulated messages too) decoded by transfer encoding and charset, an
HTML part reduced to what a reader sees (``roost.search.html``), and the
decoded header lines of every encapsulated message/rfc822 part (they are
octets of the outer message's body, RFC 9051 §6.4.4 "in the body of the
message"; Cyrus searches them too), joined by newlines in document order. Whatever changes here changes SEARCH and needs a TEXT_VERSION
bump, so old indexes are ignored until ``roost squatter`` rebuilds them.
"""

from __future__ import annotations

from collections.abc import Iterator

from roost.message import charsets, header_text
from roost.message.mime import Entity, parse_entity
from roost.message.params import decode_rfc2231, param
from roost.message.text import header_text_of
from roost.message.transfer import decode_lenient
from roost.search.html import html_text

__all__ = ["body_text", "header_text"]


def body_text(raw: bytes) -> str:
    """Every text/* part of the message decoded, HTML as its visible text,
    and the header of each encapsulated message before its parts."""
    return "\n".join(_texts(raw, parse_entity(raw, 0, len(raw))))


def _texts(raw: bytes, entity: Entity) -> Iterator[str]:
    if entity.children:
        for child in entity.children:
            yield from _texts(raw, child)
    elif entity.message is not None:
        yield header_text_of(entity.message)
        yield from _texts(raw, entity.message)
    elif entity.maintype == b"text":
        yield _leaf_text(raw, entity)


def _leaf_text(raw: bytes, leaf: Entity) -> str:
    data = decode_lenient(raw[leaf.body_start:leaf.end], leaf.cte)
    text = charsets.decode(data, param(decode_rfc2231(leaf.params), "charset"))
    return html_text(text) if leaf.subtype == b"html" else text
