"""Message bodies and their parses on PostgreSQL: staged in the BlobStore
and made durable before their index transaction, read back through it,
and the parse-once cache (stored with the body's first reference, an LRU
in front, a stale or missing parse made again and stored)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from roost.message.parsed import ParsedMessage, parse_message
from roost.store.api import BodyStream, MessageNotFound, MessageSummary, StoreCorrupt
from roost.store.blobstore import BlobStore, Pending
from roost.store.postgres import reads
from roost.store.postgres.message_ops import NewBody
from roost.store.postgres.refs import save_parse
from roost.store.postgres.tx import Database
from roost.store.sqlite.parsedcache import ParsedLRU, deserialize


class PostgresBodies:
    """The body half of PostgresStore."""

    def __init__(self, db: Database, blobs: BlobStore) -> None:
        self._db = db
        self._blobs = blobs
        self._parsed = ParsedLRU()

    def _stage(self, partition: str, raws: Sequence[bytes],
               pending: list[Pending]) -> list[NewBody]:
        """Worker thread: stage and parse every body, then make them durable."""
        bodies = []
        for raw in raws:
            staged = self._blobs.stage(partition, raw)
            pending.append(staged)
            bodies.append(NewBody(staged.key, partition, raw, parse_message(raw)))
        self._blobs.make_durable(pending)
        return bodies

    async def _bodies(self, partition: str, raws: Sequence[bytes]) -> tuple[list[NewBody],
                                                                             set[tuple[str, str]]]:
        """Durable bodies, and their (key, partition) to remove should the index fail."""
        pending: list[Pending] = []
        try:
            bodies = await asyncio.to_thread(self._stage, partition, raws, pending)
        except BaseException:
            await self._db.remove_unreferenced({(p.key, p.partition) for p in pending})
            raise
        return bodies, {(p.key, p.partition) for p in pending}

    async def _location(self, blob: str) -> tuple[str, str | None]:
        found = await self._db.read(lambda db: reads.blob_locations(db, [blob]), snapshot=False)
        if blob not in found:
            raise MessageNotFound(f"no message body {blob}")
        return found[blob]

    async def _gone(self, blob: str, partition: str) -> MessageNotFound | StoreCorrupt:
        """Why a body its row named is not in the blob store: expunged since
        (another session or node removed its last reference: the row goes
        in that commit, the object after it), or lost."""
        found = await self._db.read(lambda db: reads.blob_locations(db, [blob]), snapshot=False)
        if blob not in found:
            return MessageNotFound(f"no message body {blob}")
        return StoreCorrupt(f"body {blob} missing from partition {partition}")

    async def body(self, blob: str) -> bytes:
        partition, _ = await self._location(blob)
        try:
            return await asyncio.to_thread(self._blobs.read, partition, blob)
        except FileNotFoundError:
            raise await self._gone(blob, partition) from None

    async def body_stream(self, blob: str) -> BodyStream:
        partition, _ = await self._location(blob)
        try:
            size = await asyncio.to_thread(self._blobs.size, partition, blob)
        except FileNotFoundError:
            raise await self._gone(blob, partition) from None
        return BodyStream(size, self._blobs.chunks(partition, blob, size))

    async def parsed(self, blob: str) -> ParsedMessage:
        """From the LRU, the stored parse, or (stale or missing) the body again,
        then stored so it is parsed once."""
        cached = self._parsed.get(blob)
        if cached is not None:
            return cached
        _, text = await self._location(blob)
        parsed = deserialize(text)
        if parsed is None:
            parsed = await asyncio.to_thread(parse_message, await self.body(blob))
            fresh = parsed
            await self._db.write(lambda tx: save_parse(tx, blob, fresh, replace=True))
        self._parsed.put(blob, parsed)
        return parsed

    async def parsed_many(self, blobs: Sequence[str]) -> dict[str, ParsedMessage]:
        found: dict[str, ParsedMessage] = {}
        for blob in dict.fromkeys(blobs):
            try:
                found[blob] = await self.parsed(blob)
            except MessageNotFound:
                pass  # gone with its last copy: left out, as the API says
        return found

    async def summaries_many(self, blobs: Sequence[str]) -> dict[str, MessageSummary]:
        keys = list(dict.fromkeys(blobs))
        found = await self._db.read(lambda db: reads.cached_summaries(db, keys), snapshot=False)
        for blob, parsed in (await self.parsed_many([k for k in keys if k not in found])).items():
            found[blob] = MessageSummary(parsed.body_lines, parsed.summary_fields)
        return found

    async def headers_many(self, blobs: Sequence[str]) -> dict[str, bytes]:
        parses = await self.parsed_many(blobs)
        located = await self._db.read(lambda db: reads.blob_locations(db, list(parses)), snapshot=False)

        lost: list[tuple[str, str]] = []

        def read_all() -> dict[str, bytes]:
            found = {}
            for blob, (partition, _) in located.items():
                try:
                    found[blob] = self._blobs.read_prefix(partition, blob,
                                                          parses[blob].header_size)
                except FileNotFoundError:
                    lost.append((blob, partition))
            return found

        found = await asyncio.to_thread(read_all)
        for blob, partition in lost:  # expunged meanwhile: left out, as parsed_many does
            if isinstance(gone := await self._gone(blob, partition), StoreCorrupt):
                raise gone
        return found
