"""SqliteStore.headers_many: the header blocks of many bodies, read without
the rest of their files (FETCH 1:* BODY.PEEK[HEADER.FIELDS (...)])."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from roost.message.parsed import SCHEMA, parse_message
from roost.store.sqlite import SqliteStore
from roost.store.sqlite.parsedcache import PREFIX_CHARS, header_size, serialize

MESSAGES = [
    b"Subject: one\r\nFrom: a@example.com\r\n\r\nbody one\r\n",
    b"Subject: lf only\nX-Folded: a\n b\n\nbody\n",
    b"Subject: no body at all\r\n",  # all header: the block is the whole message
    b"\r\nonly a body\r\n",  # empty header: the block is the blank line
]


async def _blobs(store: SqliteStore) -> list[str]:
    bob = (await store.create_mailbox("user.bob")).id
    for raw in MESSAGES:
        await store.append(bob, raw)
    return [r.blob for r in await store.messages(bob)]


async def test_header_blocks_by_blob(store: SqliteStore) -> None:
    blobs = await _blobs(store)
    headers = await store.headers_many(blobs + blobs[:1] + ["0" * 64])
    assert headers == {
        blobs[0]: b"Subject: one\r\nFrom: a@example.com\r\n\r\n",
        blobs[1]: b"Subject: lf only\nX-Folded: a\n b\n\n",
        blobs[2]: b"Subject: no body at all\r\n",
        blobs[3]: b"\r\n",
    }  # an unknown body is left out


async def test_stored_parse_of_another_schema_is_parsed_again(
        store: SqliteStore, tmp_path: Path) -> None:
    blobs = await _blobs(store)
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
