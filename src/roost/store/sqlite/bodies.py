"""Message bodies and their parses on SQLite: read back from the BlobStore
where the index says they are, and the parse-once cache (stored with the
body's first reference, an LRU in front, a stale or missing parse made
again and stored in the background)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import TypeVar

from roost.message.parsed import ParsedMessage, parse_message
from roost.store.api import BodyStream, MessageNotFound, MessageSummary, StoreCorrupt
from roost.store.blobstore import BlobStore
from roost.store.sqlite import reads, refs
from roost.store.sqlite.blobs import BlobFiles
from roost.store.sqlite.parsedcache import ParsedLRU, deserialize
from roost.store.sqlite.readpool import THREAD_ABOVE, ReadPool
from roost.store.sqlite.writer import Writer

log = logging.getLogger(__name__)
T = TypeVar("T")
PARSES_ABOVE = THREAD_ABOVE // 4
"""Stored parses per `parsed_many` above which they are decoded off the
loop: one costs about 16 µs, four times a record."""
INLINE_READ_MAX = 64 * 1024
"""Octets of local body files (one body, or a FETCH's header blocks) read
on the loop instead of in a thread: the hop costs about 100 µs of CPU
(readpool.py), reading a small file from the page cache a few µs. The
imaptest mix's FETCH of one body paid the hop on every message."""


class SqliteBodies:
    """The body half of SqliteStore."""

    _db: sqlite3.Connection
    _blobs: BlobStore
    _parsed: ParsedLRU
    _writer: Writer
    _background: set[asyncio.Future[None]]
    _reads: ReadPool

    async def _read(self, query: Callable[[sqlite3.Connection], T], big: bool) -> T:
        """Run a read inline, or on the read pool when it is `big`.

        A thread hop costs some 100 µs of CPU, twenty cheap reads: only
        reads expected to cost milliseconds leave the loop.
        """
        if big:
            return await self._reads.run(query)
        return query(self._db)

    def _inline(self, size: int | None) -> bool:
        """Whether `size` octets of bodies are read on the loop: small ones
        from local files (S3 or a cache in front of it always leave it)."""
        return size is not None and size <= INLINE_READ_MAX and isinstance(self._blobs, BlobFiles)

    async def body(self, blob: str) -> bytes:
        place = reads.body_place(self._db, blob)
        if place is None:
            raise MessageNotFound(f"no message body {blob}")
        partition, size = place
        try:
            if self._inline(size):
                return self._blobs.read(partition, blob)
            return await asyncio.to_thread(self._blobs.read, partition, blob)
        except FileNotFoundError:
            raise StoreCorrupt(f"body {blob} missing from partition {partition}") from None

    async def body_stream(self, blob: str) -> BodyStream:
        place = reads.body_place(self._db, blob)
        if place is None:
            raise MessageNotFound(f"no message body {blob}")
        partition = place[0]
        try:
            size = await asyncio.to_thread(self._blobs.size, partition, blob)
        except FileNotFoundError:
            raise StoreCorrupt(f"body {blob} missing from partition {partition}") from None
        return BodyStream(size, self._blobs.chunks(partition, blob, size))

    async def parsed(self, blob: str) -> ParsedMessage:
        cached = self._parsed.get(blob)
        if cached is not None:
            return cached
        location = reads.blob_location(self._db, blob)
        if location is None:
            raise MessageNotFound(f"no message body {blob}")
        parsed = deserialize(location[1])
        if parsed is None:
            parsed = await asyncio.to_thread(parse_message, await self.body(blob))
            self._keep_parse(blob, parsed)
        self._parsed.put(blob, parsed)
        return parsed

    def _keep_parse(self, blob: str, parsed: ParsedMessage) -> None:
        """Store a parse made again because the stored one was missing or of
        an older schema, so the body is parsed once, not at every read; in
        the background: the reader does not wait for the write."""
        text = parsed.to_json()
        task = asyncio.ensure_future(self._writer.run(
            lambda tx: refs.save_parse(tx, blob, text, replace=True)))
        self._background.add(task)
        task.add_done_callback(self._background_done)

    def _background_done(self, task: asyncio.Future[None]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("storing a fresh parse failed: %s", task.exception())

    async def parsed_many(self, blobs: Sequence[str]) -> dict[str, ParsedMessage]:
        """Many parses in a few queries; bulk loads bypass the LRU so they
        do not push out what single FETCHes keep asking for."""
        found: dict[str, ParsedMessage] = {}
        missing = []
        for blob in dict.fromkeys(blobs):
            cached = self._parsed.get(blob)
            if cached is None:
                missing.append(blob)
            else:
                found[blob] = cached
        found.update(await self._read(lambda db: reads.cached_parses(db, missing, deserialize),
                                      len(missing) > PARSES_ABOVE))
        for blob in missing:
            if blob not in found:  # no stored parse, or an old schema: parse again
                try:
                    found[blob] = await self.parsed(blob)
                except MessageNotFound:
                    pass  # gone with its last copy: left out, as the API says
        return found

    async def summaries_many(self, blobs: Sequence[str]) -> dict[str, MessageSummary]:
        keys = list(dict.fromkeys(blobs))
        found = await self._read(lambda db: reads.cached_summaries(db, keys),
                                 len(keys) > PARSES_ABOVE)
        for blob in keys:
            if blob not in found:  # no stored parse, or an old schema: parse again
                try:
                    parsed = await self.parsed(blob)
                except MessageNotFound:
                    continue
                found[blob] = MessageSummary(parsed.body_lines, parsed.summary_fields)
        return found

    async def headers_many(self, blobs: Sequence[str]) -> dict[str, bytes]:
        """One query for where the bodies are and how long their headers are
        (read from the start of the stored parse, not deserialized), one
        worker-thread trip for the reads unless they are small (`_inline`)."""
        located = reads.header_locations(self._db, list(dict.fromkeys(blobs)))
        lengths = {}
        for blob, (partition, size) in located.items():
            if size is None:  # no stored parse, or an old schema: parse again
                try:
                    size = (await self.parsed(blob)).header_size
                except MessageNotFound:
                    continue
            lengths[blob] = (partition, size)

        def read_all() -> dict[str, bytes]:
            found = {}
            for blob, (partition, size) in lengths.items():
                try:
                    found[blob] = self._blobs.read_prefix(partition, blob, size)
                except FileNotFoundError:
                    raise StoreCorrupt(f"body {blob} missing from partition {partition}") from None
            return found

        if self._inline(sum(size for _, size in lengths.values())):
            return read_all()
        return await asyncio.to_thread(read_all)
