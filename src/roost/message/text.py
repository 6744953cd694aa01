"""Decoded text of a message for SEARCH BODY/TEXT and PREVIEW (RFC 8970).

Text parts are every text/* leaf, including those inside encapsulated
messages; each is decoded by its Content-Transfer-Encoding and charset.
text/html is reduced to its text (script and style dropped, tags removed,
entities unescaped) so that searches do not match markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from roost.message import charsets
from roost.message.encoded_words import decode_header_value
from roost.message.mime import Entity
from roost.message.params import decode_rfc2231, param
from roost.message.transfer import decode_lenient

_HIDDEN_OPEN = re.compile(r"<(script|style|head)\b|<!--", re.IGNORECASE)
_BREAK = re.compile(r"<(?:br|/p|/div|/tr|/li|/h\d)\b[^<>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")
_WS = re.compile(r"\s+")
PREVIEW_CHARS = 200  # RFC 8970 §3: at most 256 characters
PREVIEW_OCTETS = 65536  # enough encoded body to fill a preview


def leaves(entity: Entity) -> Iterator[Entity]:
    """Leaf entities in document order, descending into encapsulated messages."""
    if entity.children:
        for child in entity.children:
            yield from leaves(child)
    elif entity.message is not None:
        yield from leaves(entity.message)
    else:
        yield entity


def _drop_hidden(markup: str) -> str:
    """Remove script/style/head elements and comments in one linear pass
    (a backtracking regex would go quadratic on unclosed tags)."""
    lower = markup.lower()
    out: list[str] = []
    pos = 0
    while (match := _HIDDEN_OPEN.search(markup, pos)) is not None:
        out.append(markup[pos : match.start()])
        closer = "-->" if match.group(1) is None else "</" + match.group(1).lower()
        close = lower.find(closer, match.end())
        if close < 0:
            return " ".join(out)
        gt = lower.find(">", close)
        pos = len(markup) if gt < 0 else gt + 1
    out.append(markup[pos:])
    return " ".join(out)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML document, roughly; never raises."""
    markup = _drop_hidden(markup)
    markup = _BREAK.sub("\n", markup)
    markup = _TAG.sub(" ", markup)
    return html.unescape(markup)


def part_text(raw: bytes, entity: Entity, limit: int | None = None) -> str:
    """Decoded text of a text/* leaf (CTE, then charset, then HTML); with
    `limit`, only the first `limit` encoded octets are read."""
    end = entity.end if limit is None else min(entity.end, entity.body_start + limit)
    data = decode_lenient(raw[entity.body_start : end], entity.cte)
    charset = param(decode_rfc2231(entity.params), "charset")
    text = charsets.decode(data, charset)
    if entity.subtype == b"html":
        text = html_to_text(text)
    return text


def text_leaves(entity: Entity) -> Iterator[Entity]:
    """The text/* leaves, in order."""
    return (leaf for leaf in leaves(entity) if leaf.maintype == b"text")


def body_text_of(raw: bytes, top: Entity) -> str:
    """All text parts decoded, joined by newlines."""
    return "\n".join(part_text(raw, leaf) for leaf in text_leaves(top))


def header_text_of(top: Entity) -> str:
    """`Name: decoded value` lines of the top-level header."""
    return "\n".join(
        charsets.header_bytes_to_str(f.name) + ": " + decode_header_value(f.value).strip()
        for f in top.fields
    )


def collapsed_start(text: str) -> str:
    """`text` with whitespace runs collapsed to one space and its ends
    stripped, cut to PREVIEW_CHARS characters.

    Only as much of `text` is scanned as that needs: collapsing and
    stripping a prefix gives a prefix of what the whole gives (a run cut at
    the end still becomes one space, then is stripped), so once the prefix
    yields PREVIEW_CHARS characters they are the answer. Collapsing all
    64 KiB of a part for 200 characters was most of the cost of a parse."""
    span = 4 * PREVIEW_CHARS
    while True:
        head = _WS.sub(" ", text[:span]).strip()
        if len(head) >= PREVIEW_CHARS or span >= len(text):
            return head[:PREVIEW_CHARS]
        span *= 4


def preview_of(raw: bytes, top: Entity) -> str:
    """RFC 8970 preview: the start of the first text part, whitespace
    collapsed, cut to PREVIEW_CHARS characters."""
    for leaf in text_leaves(top):
        text = collapsed_start(part_text(raw, leaf, PREVIEW_OCTETS))
        if text:
            return text
    return ""
