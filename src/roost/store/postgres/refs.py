"""Body reference counts, the parse-once cache rows, and MODSEQ.

A `blobs` row exists exactly while some record that is not a plain
tombstone references (key, partition), and its refcount is their number.
Inserting the row (the first reference) holds the key's advisory lock and
checks the body is stored, writing it again if a removal in another
process took it meanwhile; that removal holds the same lock (tx.py).
"""

from __future__ import annotations

import asyncio
import json

from roost.message.parsed import ParsedMessage
from roost.store.api import MailboxNotFound, StoreCorrupt
from roost.store.postgres.tx import WriteTx, lock_body


async def add_blob(tx: WriteTx, key: str, partition: str, size: int,
                   raw: bytes | None = None, parsed: ParsedMessage | None = None) -> None:
    """Count one more reference to a body; store its parse once per key."""
    updated = await tx.db.run(
        "UPDATE blobs SET refcount = refcount + 1 WHERE sha256 = %s AND partition = %s",
        (key, partition))
    if not updated:
        await lock_body(tx.db, key, partition)
        if not await asyncio.to_thread(tx.blobs.present, partition, key, size):
            if raw is None:
                raise StoreCorrupt(f"body {key} missing from partition {partition}")
            await asyncio.to_thread(tx.blobs.write, partition, raw)
        await tx.db.run("INSERT INTO blobs (sha256, partition, size, refcount)"
                        " VALUES (%s, %s, %s, 1) ON CONFLICT (sha256, partition)"
                        " DO UPDATE SET refcount = blobs.refcount + 1", (key, partition, size))
    if parsed is not None:
        await save_parse(tx, key, parsed)


async def save_parse(tx: WriteTx, key: str, parsed: ParsedMessage, *,
                     replace: bool = False) -> None:
    """Store a body's parse and its summary row (`replace`: over a stale one)."""
    conflict = ("ON CONFLICT (sha256) DO UPDATE SET parsed = excluded.parsed" if replace
                else "ON CONFLICT DO NOTHING")
    await tx.db.run(f"INSERT INTO message_cache (sha256, parsed) VALUES (%s, %s) {conflict}",
                    (key, parsed.to_json()))
    summary = (key, parsed.message_id or None, parsed.body_lines,
               json.dumps(parsed.summary_fields))
    conflict = ("ON CONFLICT (sha256) DO UPDATE SET message_id = excluded.message_id,"
                " body_lines = excluded.body_lines, fields = excluded.fields" if replace
                else "ON CONFLICT DO NOTHING")
    await tx.db.run("INSERT INTO message_summaries (sha256, message_id, body_lines, fields)"
                    f" VALUES (%s, %s, %s, %s) {conflict}", summary)


async def release_blob(tx: WriteTx, key: str, partition: str, count: int = 1) -> None:
    """Drop `count` references; at zero the row goes and the body is
    removed after the commit (if nothing referenced it again)."""
    left = await tx.db.one("UPDATE blobs SET refcount = refcount - %s WHERE sha256 = %s"
                           " AND partition = %s RETURNING refcount", (count, key, partition))
    if left is not None and left[0] <= 0:
        await tx.db.run("DELETE FROM blobs WHERE sha256 = %s AND partition = %s",
                        (key, partition))
        tx.released.add((key, partition))
        if await tx.db.one("SELECT 1 FROM blobs WHERE sha256 = %s", (key,)) is None:
            for table in ("message_cache", "message_summaries"):
                await tx.db.run(f"DELETE FROM {table} WHERE sha256 = %s", (key,))


async def bump_modseq(tx: WriteTx, mailbox_id: int) -> int:
    """The mailbox's next MODSEQ, recorded as its HIGHESTMODSEQ."""
    row = await tx.db.one("UPDATE mailboxes SET highestmodseq = highestmodseq + 1"
                          " WHERE id = %s RETURNING highestmodseq", (mailbox_id,))
    if row is None:
        raise MailboxNotFound()
    tx.touched.add(mailbox_id)
    return int(row[0])
