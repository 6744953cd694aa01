"""The parse-once cache: `ParsedMessage` per body, in the index and in memory.

The index keeps one serialized parse per body key (`message_cache`),
written in the same transaction as the body's first reference. Readers
keep the last few in an LRU, since a FETCH of many items asks again and
again. A row from an older `ParsedMessage` schema, or a missing one, is
answered by parsing the body again: the cache may be stale, never wrong.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import fields

from roost.message.parsed import SCHEMA, ParsedMessage, parse_message
from roost.store.api import MessageSummary

LRU_SIZE = 512
#: A stored parse is a JSON array whose first items are integers (schema,
#: size, header_size, see `ParsedMessage.to_json`): this many characters of
#: it hold the header length, so a header-only read need not load the parse.
PREFIX_CHARS = 64
_HEADER_SIZE_AT = 1 + [f.name for f in fields(ParsedMessage)].index("header_size")
_SIZE_AT = 1 + [f.name for f in fields(ParsedMessage)].index("size")
#: `json_extract` paths, in a stored parse, of what `message_summaries`
#: keeps (message_id, body_lines, summary_fields): SQLite copies them out
#: of the parse in the same INSERT.
SUMMARY_PATHS = tuple(f"$[{1 + [f.name for f in fields(ParsedMessage)].index(name)}]"
                      for name in ("message_id", "body_lines", "summary_fields"))


def summaries(rows: Iterable[tuple[str, int | None, str | None]]) -> dict[str, MessageSummary]:
    """The summaries of `message_summaries` rows (key, body_lines, fields),
    those with none left out. One JSON parse for all the rows: parsing each
    on its own costs more than the decoding (an OVER reads thousands)."""
    kept = [(key, lines, pairs) for key, lines, pairs in rows
            if lines is not None and pairs is not None]
    decoded = json.loads("[" + ",".join(pairs for _, _, pairs in kept) + "]")
    return {key: MessageSummary(lines, tuple(map(tuple, fields)))
            for (key, lines, _), fields in zip(kept, decoded, strict=True)}


def serialize(raw: bytes) -> str:
    """Parse a body (at APPEND / delivery) into the form the index stores."""
    return parse_message(raw).to_json()


def header_size(prefix: str | None) -> int | None:
    """The header length from the first PREFIX_CHARS of a stored parse, or
    None when there is none or it is of another schema."""
    return _leading_int(prefix, _HEADER_SIZE_AT)


def body_size(prefix: str | None) -> int | None:
    """The whole body's length from the start of a stored parse, likewise."""
    return _leading_int(prefix, _SIZE_AT)


def _leading_int(prefix: str | None, at: int) -> int | None:
    """Item `at` of a stored parse's JSON array when it is a whole integer
    within `prefix` and the parse is of this schema."""
    if prefix is None or not prefix.startswith("["):
        return None
    items = prefix[1:].split(",", at + 1)
    if len(items) < at + 2:  # the item is not known to be whole
        return None
    schema, size = items[0], items[at]
    if schema != str(SCHEMA) or not size.isdigit():
        return None
    return int(size)


def deserialize(text: str | None) -> ParsedMessage | None:
    """The stored parse, or None when it is absent or of another schema."""
    if text is None:
        return None
    try:
        return ParsedMessage.from_json(text)
    except ValueError:
        return None


class ParsedLRU:
    """The most recently used parses, by body key; loop-thread only."""

    def __init__(self, size: int = LRU_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[str, ParsedMessage] = OrderedDict()

    def get(self, key: str) -> ParsedMessage | None:
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def put(self, key: str, parsed: ParsedMessage) -> None:
        self._items[key] = parsed
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)
