"""The parse-once cache: `ParsedMessage` per body, in the index and in memory.

The index keeps one serialized parse per body key (`message_cache`),
written in the same transaction as the body's first reference. Readers
keep the last few in an LRU, since a FETCH of many items asks again and
again. A row from an older `ParsedMessage` schema, or a missing one, is
answered by parsing the body again: the cache may be stale, never wrong.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import fields

from roost.message.parsed import SCHEMA, ParsedMessage, parse_message

LRU_SIZE = 512
#: JSON paths (SQLite json_extract) into a stored parse: its schema, and the
#: header block's length, so a header-only read need not load the parse.
SCHEMA_PATH = "$[0]"
HEADER_SIZE_PATH = f"$[{1 + [f.name for f in fields(ParsedMessage)].index('header_size')}]"


def serialize(raw: bytes) -> str:
    """Parse a body (at APPEND / delivery) into the form the index stores."""
    return parse_message(raw).to_json()


def header_size(schema: object, size: object) -> int | None:
    """The header length read at HEADER_SIZE_PATH, if the row is of this schema."""
    return size if schema == SCHEMA and isinstance(size, int) else None


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
