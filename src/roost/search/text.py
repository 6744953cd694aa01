"""What SEARCH BODY and TEXT compare with (RFC 9051 §6.4.4), in one place.

Both the search that reads bodies (``roost.search.mailbox``) and the index
(``roost.search.index.extract``) take a message's text from here, so an
indexed answer and a scanned one can never differ: the decoded top-level
header lines (RFC 2047) for TEXT, and for BODY every text/* leaf (inside
encapsulated messages too) decoded by transfer encoding and charset, an
HTML part reduced to what a reader sees (``roost.search.html``), joined by
newlines. Whatever changes here changes SEARCH and needs a TEXT_VERSION
bump, so old indexes are ignored until ``roost squatter`` rebuilds them.
"""

from __future__ import annotations

from roost.message import charsets, header_text
from roost.message.mime import Entity, parse_entity
from roost.message.params import decode_rfc2231, param
from roost.message.text import text_leaves
from roost.message.transfer import decode_lenient
from roost.search.html import html_text

__all__ = ["body_text", "header_text"]


def body_text(raw: bytes) -> str:
    """Every text/* part of the message decoded, HTML as its visible text."""
    return "\n".join(_leaf_text(raw, leaf)
                     for leaf in text_leaves(parse_entity(raw, 0, len(raw))))


def _leaf_text(raw: bytes, leaf: Entity) -> str:
    data = decode_lenient(raw[leaf.body_start:leaf.end], leaf.cte)
    text = charsets.decode(data, param(decode_rfc2231(leaf.params), "charset"))
    return html_text(text) if leaf.subtype == b"html" else text
