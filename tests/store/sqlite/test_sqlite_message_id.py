"""Message-ID lookups on SQLite: the query plan uses the indexes, stores
from before the index are upgraded in place, summaries come from the parse."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.store.conftest import message

from roost.message import parse_message
from roost.store.sqlite import SqliteStore
from roost.store.sqlite.schema import MIGRATIONS


def test_the_lookup_uses_the_indexes(store: SqliteStore) -> None:
    db = store._db  # the plan of the store's own query, not a copy of it
    from roost.store.sqlite.reads import _BY_MESSAGE_ID
    plan = " ".join(row[3] for row in db.execute(
        "EXPLAIN QUERY PLAN " + _BY_MESSAGE_ID, {"user": None, "mid": "x"}))
    assert "message_summaries_message_id" in plan and "messages_blob" in plan
    assert "SCAN m" not in plan


async def test_a_store_from_before_the_index_is_upgraded(tmp_path: Path,
                                                         partitions: dict[str, Path]) -> None:
    path = tmp_path / "mailstore.db"
    store = SqliteStore(path, partitions)
    box = await store.create_mailbox("news.a")
    await store.append(box.id, message(7))
    await store.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("DROP TABLE message_summaries")
    db.execute("DROP INDEX messages_blob")
    db.execute("DROP TABLE metadata")  # v9, which comes after
    db.execute("UPDATE schema_version SET version = 5")
    db.close()
    assert len(MIGRATIONS) >= 6
    store = SqliteStore(path, partitions)
    try:
        found = await store.messages_with_message_id(parse_message(message(7)).message_id)
        assert [rec.uid for _, rec in found] == [1]
        assert store.check() == []
    finally:
        await store.close()


async def test_summaries_come_from_the_stored_parse(store: SqliteStore) -> None:
    box = await store.create_mailbox("news.a")
    raw = b"Subject: =?utf-8?q?caf=C3=A9?=\r\nFrom: a@example.com\r\n\r\none\r\ntwo"
    first = await store.append(box.id, raw)
    blob = (await store.messages(box.id))[0].blob
    summary = (await store.summaries_many([blob, "0" * 64]))
    assert list(summary) == [blob] and first.uid == 1
    assert summary[blob].body_lines == 2
    assert dict(summary[blob].summary_fields) == {"subject": "=?utf-8?q?caf=C3=A9?=",
                                                  "from": "a@example.com"}
    # A parse of an older schema is not trusted: the body is parsed again.
    store._db.execute("UPDATE message_summaries SET fields = NULL")
    store._parsed = type(store._parsed)()
    assert (await store.summaries_many([blob]))[blob] == summary[blob]
