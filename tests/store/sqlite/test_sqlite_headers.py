"""SqliteStore.headers_many: the header length read from the start of the
stored parse, and a parse of another schema made again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.store.conformance.test_headers import MESSAGES, blobs_of

from roost.message.parsed import SCHEMA, parse_message
from roost.store.sqlite import SqliteStore
from roost.store.sqlite.parsedcache import PREFIX_CHARS, header_size, serialize


async def test_stored_parse_of_another_schema_is_parsed_again(
        store: SqliteStore, tmp_path: Path) -> None:
    blobs = await blobs_of(store)
    db = sqlite3.connect(tmp_path / "mailstore.db")
    with db:
        db.execute("UPDATE message_cache SET parsed = '[1, 5, 2]'")
    db.close()
    headers = await store.headers_many(blobs[:1])
    assert headers == {blobs[0]: b"Subject: one\r\nFrom: a@example.com\r\n\r\n"}


def test_header_size_is_read_from_the_start_of_the_stored_parse() -> None:
    for raw in MESSAGES:
        stored = serialize(raw)
        assert header_size(stored[:PREFIX_CHARS]) == parse_message(raw).header_size
    other_schema = f"[{SCHEMA + 1},{serialize(MESSAGES[0]).split(',', 1)[1]}"
    assert header_size(other_schema[:PREFIX_CHARS]) is None
    assert header_size("[3,12") is None  # cut inside the number: not known whole
    assert header_size(None) is None
