"""`Store.check` on PostgreSQL: the index's own invariants, one line per
problem (a plain, synchronous connection: `check` is called by the admin
tools outside any event loop). Not yet the body and quota checks the
SQLite backend's check does (`store/sqlite/check.py`)."""

from __future__ import annotations

import psycopg

_PROBLEMS = (
    (("SELECT b.sha256, b.partition, b.refcount, count(m.uid) FROM blobs b"
     " LEFT JOIN messages m ON m.blob = b.sha256 AND m.partition = b.partition"
     " AND m.expunged != 1 GROUP BY b.sha256, b.partition, b.refcount"
     " HAVING count(m.uid) != b.refcount"),
     "body {0} in {1}: refcount {2}, {3} records"),
    (("SELECT m.mailbox_id, m.uid, mb.uidnext FROM messages m JOIN mailboxes mb"
     " ON mb.id = m.mailbox_id WHERE m.uid >= mb.uidnext"),
     "mailbox {0}: UID {1} not below UIDNEXT {2}"),
    (("SELECT DISTINCT m.blob, m.partition FROM messages m WHERE m.expunged != 1 AND NOT EXISTS"
     " (SELECT 1 FROM blobs b WHERE b.sha256 = m.blob AND b.partition = m.partition)"),
     "body {0} in {1}: records but no blobs row"),
)


def check(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as db:
        return [line.format(*row) for sql, line in _PROBLEMS
                for row in db.execute(sql.encode()).fetchall()]
