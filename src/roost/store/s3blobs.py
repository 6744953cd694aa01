"""Message bodies in an S3-compatible bucket (`blob_store: s3`).

Each body is the object `<s3_prefix><partition>/<h[0:2]>/<h[2:4]>/<h>`,
h the SHA-256 hex of its bytes, so equal messages share one object across
the whole site, as they share one file on a partition. The client is
obstore (the Rust object_store crate: maintained, thread-safe, sync and
async calls); every call here blocks, and the store runs them in threads.

Durability: S3 answers a PUT only once the object is stored durably, so a
staged body is already durable and `make_durable` has nothing left to do:
the index commit that refers to a body still comes after its upload, as
with files.

Reads go through a local cache (`roost.store.blobcache`, bounded by
`s3_cache_size`): bodies are immutable, so a copy never goes stale. An
upload also leaves a copy there, since a fresh message is the one most
likely to be read next.

A bucket that cannot be reached makes the write fail with StoreUnavailable
(IMAP answers NO [UNAVAILABLE], LMTP a temporary failure): nothing is
acknowledged that is not stored.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncGenerator, Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import obstore
from obstore.exceptions import BaseError, NotFoundError
from obstore.store import S3Store

from roost.config import Config
from roost.store.api import StoreCorrupt, StoreError, StoreUnavailable
from roost.store.blobcache import BlobCache
from roost.store.blobstore import STREAM_CHUNK, Pending, StoredBody, content_key

if TYPE_CHECKING:
    from obstore.store import ClientConfig, RetryConfig  # only in the type stubs

log = logging.getLogger(__name__)

CACHE_DIR = "blobcache"
RETRY_FOR = timedelta(seconds=10)
"""How long a request is retried (with backoff) before the store gives up:
short enough that an LMTP client or IMAP APPEND gets its temporary failure
well inside its own timeout."""


def _missing(err: BaseException) -> bool:
    return isinstance(err, (FileNotFoundError, NotFoundError))


class S3Blobs:
    """A `roost.store.blobstore.BlobStore` on one bucket."""

    def __init__(self, store: S3Store, url: str, partitions: Iterable[str],
                 cache: BlobCache | None) -> None:
        self._s3 = store
        self.url = url.rstrip("/") + "/"
        self._partitions = list(partitions)
        self.cache = cache

    @classmethod
    def from_config(cls, conf: Config) -> S3Blobs:
        """The bucket imapd.conf's s3_* options name; the cache under configdirectory."""
        if not conf.s3_bucket:
            raise StoreError("blob_store: s3 needs s3_bucket")
        options: dict[str, Any] = {"region": conf.s3_region}
        if conf.s3_endpoint:
            options["endpoint"] = conf.s3_endpoint
            options["virtual_hosted_style_request"] = False
        if conf.s3_access_key_id:
            options["access_key_id"] = conf.s3_access_key_id
            options["secret_access_key"] = conf.s3_secret_access_key
        client: ClientConfig = {"allow_http": conf.s3_endpoint.startswith("http://")}
        retry: RetryConfig = {"max_retries": 3, "retry_timeout": RETRY_FOR}
        store = S3Store(conf.s3_bucket, prefix=conf.s3_prefix or None, client_options=client,
                        retry_config=retry, **options)
        cache = None
        if conf.s3_cache_size > 0:
            cache = BlobCache(Path(conf.configdirectory) / CACHE_DIR, conf.s3_cache_size)
        return cls(store, f"s3://{conf.s3_bucket}/{conf.s3_prefix}", conf.partitions, cache)

    # -- names
    def _object(self, partition: str, key: str) -> str:
        self.partition_location(partition)
        return f"{partition}/{key[0:2]}/{key[2:4]}/{key}"

    def partition_names(self) -> list[str]:
        return list(self._partitions)

    def partition_location(self, partition: str) -> str:
        if partition not in self._partitions:
            raise StoreError(f"no partition {partition!r} in the configuration")
        return f"{self.url}{partition}/"

    def location(self, partition: str, key: str) -> str:
        return self.url + self._object(partition, key)

    # -- writes
    def stage(self, partition: str, raw: bytes) -> Pending:
        """Upload `raw` (durable when S3 answers); equal content is one object."""
        key = content_key(raw)
        if self.cache is not None and self.cache.has(partition, key, len(raw)):
            return Pending(partition, key)  # cached copies are of uploaded bodies
        try:
            obstore.put(self._s3, self._object(partition, key), raw)
        except BaseError as err:
            log.error("body upload to %s failed: %s", self.url, err)
            raise StoreUnavailable("the body store cannot be reached") from err
        if self.cache is not None:
            self.cache.put(partition, key, raw)
        return Pending(partition, key)

    def make_durable(self, pending: Iterable[Pending]) -> None:
        """Nothing left: an upload is durable once S3 has answered it."""

    def write(self, partition: str, raw: bytes) -> str:
        return self.stage(partition, raw).key

    def remove(self, partition: str, key: str) -> None:
        if self.cache is not None:
            self.cache.discard(partition, key)
        try:
            obstore.delete(self._s3, self._object(partition, key))
        except BaseException as err:
            if not _missing(err):
                raise

    # -- reads
    def present(self, partition: str, key: str, size: int) -> bool:
        try:
            return self.size(partition, key) == size
        except FileNotFoundError:
            return False

    def size(self, partition: str, key: str) -> int:
        try:
            return int(obstore.head(self._s3, self._object(partition, key))["size"])
        except BaseException as err:
            if _missing(err):
                raise FileNotFoundError(self.location(partition, key)) from None
            raise

    def read(self, partition: str, key: str) -> bytes:
        if self.cache is not None and (raw := self.cache.get(partition, key)) is not None:
            return raw
        try:
            raw = bytes(obstore.get(self._s3, self._object(partition, key)).bytes())
        except BaseException as err:
            if _missing(err):
                raise FileNotFoundError(self.location(partition, key)) from None
            raise
        if self.cache is not None and content_key(raw) == key:
            self.cache.put(partition, key, raw)
        return raw

    def read_prefix(self, partition: str, key: str, length: int) -> bytes:
        if self.cache is not None and (raw := self.cache.get(partition, key)) is not None:
            return raw[:length]
        if length <= 0:
            return b""
        try:
            return bytes(obstore.get_range(self._s3, self._object(partition, key),
                                           start=0, length=length))
        except BaseException as err:
            if _missing(err):
                raise FileNotFoundError(self.location(partition, key)) from None
            raise

    async def chunks(self, partition: str, key: str, size: int) -> AsyncGenerator[bytes, None]:
        """The body fetched once (into the cache), then handed out in
        STREAM_CHUNK slices."""
        raw = await asyncio.to_thread(self.read, partition, key)
        if len(raw) < size:
            raise StoreCorrupt(f"body {key} is shorter than its {size} octets")
        for start in range(0, size, STREAM_CHUNK):
            yield raw[start : min(size, start + STREAM_CHUNK)]

    def digest(self, partition: str, key: str) -> str:
        """SHA-256 of the object as stored (fetched, not from the cache)."""
        digest = hashlib.sha256()
        try:
            result = obstore.get(self._s3, self._object(partition, key))
            for chunk in result.stream(min_chunk_size=STREAM_CHUNK):
                digest.update(chunk)
        except BaseException as err:
            if _missing(err):
                raise FileNotFoundError(self.location(partition, key)) from None
            raise
        return digest.hexdigest()

    def stored(self, partition: str) -> Iterator[StoredBody]:
        """Every object under the partition's prefix whose name is a key."""
        self.partition_location(partition)
        for page in obstore.list(self._s3, prefix=f"{partition}/"):
            for meta in page:
                key = str(meta["path"]).rsplit("/", 1)[-1]
                if len(key) == 64:
                    yield StoredBody(partition, key, self.location(partition, key),
                                     meta["last_modified"].timestamp())

    def remove_stale_temps(self) -> int:
        """Uploads are atomic, so only the cache can hold half-written copies."""
        return self.cache.remove_stale_temps() if self.cache is not None else 0
