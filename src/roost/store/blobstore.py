"""Where message bodies live: the interface every body backend implements.

A body is stored once per partition under its content key (the SHA-256 hex
of its bytes), whatever mailbox holds it, so equal messages share one copy
across the site. Two backends implement it: plain files on the local file
system (`roost.store.sqlite.blobs.BlobFiles`, the default) and an
S3-compatible bucket (`roost.store.s3blobs.S3Blobs`), chosen by the
`blob_store` option (`roost.store.open.open_blobs`).

Invariants every backend keeps:
- A body that `present` reports is complete: it appears whole or not at all.
- After `make_durable` returns for a staged body, it survives a power loss;
  the index commit that refers to a body comes after that, never before.
- A missing body raises FileNotFoundError from the read methods.
- Every method may block (disk or network): callers run them in threads,
  never on the event loop.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncGenerator, Iterable, Iterator
from typing import NamedTuple, Protocol

#: Bytes read from a body per step when it is streamed out or hashed.
STREAM_CHUNK = 256 * 1024


def content_key(raw: bytes) -> str:
    """The key of a body: its SHA-256, hex."""
    return hashlib.sha256(raw).hexdigest()


class Pending(NamedTuple):
    """A body staged in `partition` under `key`, for `make_durable` (which
    may have nothing left to do: see each backend)."""

    partition: str
    key: str


class StoredBody(NamedTuple):
    """One stored body as a listing gives it: `location` is for admins (a
    path, or a URL), `mtime` when it was stored (seconds since the epoch)."""

    partition: str
    key: str
    location: str
    mtime: float


class BlobStore(Protocol):
    """Bodies by (partition, key); see the module docstring for the rules."""

    def partition_names(self) -> list[str]:
        """The partitions of the configuration."""
        ...

    def partition_location(self, partition: str) -> str:
        """Where a partition's bodies are, for admins; StoreError if unknown."""
        ...

    def location(self, partition: str, key: str) -> str:
        """Where one body is, for admins (`mbpath -l`)."""
        ...

    def present(self, partition: str, key: str, size: int) -> bool:
        """True if the body is stored complete, `size` octets long."""
        ...

    def size(self, partition: str, key: str) -> int:
        """The stored body's length; FileNotFoundError if it is missing."""
        ...

    def digest(self, partition: str, key: str) -> str:
        """SHA-256 hex of the stored bytes (scrub compares it with the key)."""
        ...

    def stage(self, partition: str, raw: bytes) -> Pending:
        """Store `raw` under its key, not necessarily durable yet; StorageFull
        when there is no room."""
        ...

    def make_durable(self, pending: Iterable[Pending]) -> None:
        """Make staged bodies survive a power loss."""
        ...

    def write(self, partition: str, raw: bytes) -> str:
        """Store `raw` durably; return its key."""
        ...

    def read(self, partition: str, key: str) -> bytes:
        ...

    def read_prefix(self, partition: str, key: str, length: int) -> bytes:
        """The first `length` octets (a header block, say)."""
        ...

    def chunks(self, partition: str, key: str, size: int) -> AsyncGenerator[bytes, None]:
        """The body's `size` octets, STREAM_CHUNK at a time, each fetched in
        a thread; StoreCorrupt if fewer are stored."""
        ...

    def remove(self, partition: str, key: str) -> None:
        """Delete a body; already gone is fine."""
        ...

    def stored(self, partition: str) -> Iterator[StoredBody]:
        """Every body of a partition (scrub, reconstruct -f, chk_cyrus)."""
        ...

    def remove_stale_temps(self) -> int:
        """Remove what a crash left half-written; return how many."""
        ...
