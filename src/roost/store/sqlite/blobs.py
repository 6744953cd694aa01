"""Message body files: content-addressed, one directory tree per partition.

A body lives at `<partition>/<h[0:2]>/<h[2:4]>/<h>` where h is the SHA-256
hex of its bytes: plain RFC 5322, readable by an admin. Files appear whole
or not at all (temp file in the same directory, written, renamed), so a
file that exists is complete. `make_durable` then puts the files and their
directory entries on disk, and the writer calls it for a whole batch before
the index commit that refers to them. How (`body_sync`): `syncfs` (the
default, Linux) leaves `stage` unsynced and has `make_durable` call one
syncfs(2) per file system for the whole batch: one disk flush. `file`
(and where there is no syncfs) fdatasyncs each body and fsyncs the
directories that gained an entry as `stage` writes it, in the caller's
thread, so concurrent deliveries sync in parallel and `make_durable` has
nothing left to do; that is two flushes or more per body (each fsync
flushes the disk cache, even of a directory already committed), which
measured twice as slow here, but does not depend on how much dirty data
other programs leave on the file system, as syncfs does
(docs/benchmarks.md, "Where one LMTP delivery's time goes"). Equal
content is one file, whatever `singleinstancestore` says: sharing is
free here and harmless.

A full file system (ENOSPC, EDQUOT) while writing a body is the store's
`StorageFull`, with the temp file removed. Temp files that a crash left
behind are removed when the store opens (`remove_stale_temps`, run by
the writer thread before its first commit, once an hour at most for the
whole site: see `writer`).
"""

from __future__ import annotations

import asyncio
import ctypes
import errno
import hashlib
import logging
import os
import secrets
import sqlite3
import time
from collections.abc import AsyncGenerator, Callable, Iterable, Iterator
from pathlib import Path

from roost.store.api import StorageFull, StoreCorrupt, StoreError
from roost.store.blobstore import STREAM_CHUNK, Pending, StoredBody, content_key

log = logging.getLogger(__name__)

FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
TEMP_PREFIX = ".tmp-"
STALE_TEMP_AGE = 3600.0
"""A temp file this old is a crash's leftover even if its pid is alive again
(reused): no body takes an hour to write."""


def _load_syncfs() -> Callable[[int], int] | None:
    """syncfs(2) from the C library, where there is one (Linux)."""
    try:
        syncfs: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (AttributeError, OSError):
        return None
    return syncfs


_SYNCFS = _load_syncfs()

def is_full(err: BaseException) -> bool:
    """True for a full file system or quota: ENOSPC, EDQUOT, SQLite's SQLITE_FULL."""
    if isinstance(err, OSError):
        return err.errno in FULL_ERRNOS
    return isinstance(err, sqlite3.Error) and err.sqlite_errorcode == sqlite3.SQLITE_FULL


def storage_error(err: Exception) -> Exception:
    """`err` as the store reports it: a full disk becomes StorageFull (cause kept).

    Its text names the cause without a path (clients see it); the log line
    for the admin, written here once per failure, has the path.
    """
    if not is_full(err):
        return err
    log.error("store write failed, storage full: %s", err)
    cause = os.strerror(err.errno) if isinstance(err, OSError) and err.errno else str(err)
    full = StorageFull(cause)
    full.__cause__ = err
    return full


def _syncfs(path: Path) -> None:
    """Flush every file and directory of the file system holding `path`."""
    assert _SYNCFS is not None
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if _SYNCFS(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), str(path))
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    """Make a directory's entries (a rename, a new subdirectory) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobFiles:
    """The body files of every partition (a `roost.store.blobstore.BlobStore`);
    thread-safe (the one shared state, partition paths as strings, is only
    ever set to the same value)."""

    def __init__(self, partitions: dict[str, Path], fsync: bool = True,
                 body_sync: str = "syncfs") -> None:
        self.partitions = partitions
        self.fsync = fsync
        self.by_syncfs = fsync and body_sync == "syncfs" and _SYNCFS is not None
        self.by_file = fsync and not self.by_syncfs
        self._roots: dict[str, str] = {}
        """Each partition's directory as a string, for `path`."""

    def root(self, partition: str) -> Path:
        """The directory of a partition; StoreError if the config has no such partition."""
        try:
            return self.partitions[partition]
        except KeyError:
            raise StoreError(f"no partition {partition!r} in the configuration") from None

    def path(self, partition: str, key: str) -> Path:
        # One Path from one string: three `/` joins cost twice as much, and a
        # delivery or FETCH asks for a body's path several times.
        root = self._roots.get(partition)
        if root is None:
            root = self._roots[partition] = str(self.root(partition))
        return Path(f"{root}/{key[0:2]}/{key[2:4]}/{key}")

    def partition_names(self) -> list[str]:
        return list(self.partitions)

    def partition_location(self, partition: str) -> str:
        return str(self.root(partition))

    def location(self, partition: str, key: str) -> str:
        return str(self.path(partition, key))

    def size(self, partition: str, key: str) -> int:
        return self.path(partition, key).stat().st_size

    def digest(self, partition: str, key: str) -> str:
        """SHA-256 hex of the file, read in chunks (bodies can be large)."""
        digest = hashlib.sha256()
        with open(self.path(partition, key), "rb") as body:
            while chunk := body.read(STREAM_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    def present(self, partition: str, key: str, size: int) -> bool:
        """True if the body file exists with the expected size."""
        try:
            return self.path(partition, key).stat().st_size == size
        except FileNotFoundError:
            return False

    def write(self, partition: str, raw: bytes) -> str:
        """Make the body file of `raw` exist durably; return its key."""
        staged = self.stage(partition, raw)
        self.make_durable([staged])
        return staged.key

    def stage(self, partition: str, raw: bytes) -> Pending:
        """Write the body file of `raw` under its final name.

        With `body_sync: file` it is durable on return (file, then the
        directories that gained an entry); with `syncfs` it waits for
        `make_durable`. An existing complete file is kept (same name, same
        bytes; its directory is synced again, since the process that wrote
        it may not have got that far). StorageFull if the file system is
        full; no temp file stays.
        """
        key = content_key(raw)
        final = self.path(partition, key)
        try:
            if self.present(partition, key, len(raw)):
                if self.by_file:
                    _fsync_dir(final.parent)
                return Pending(partition, key)
            tmp = final.parent / f"{TEMP_PREFIX}{key[:16]}-{os.getpid()}-{secrets.token_hex(4)}"
            dirs = self._make_dirs(final.parent)
            try:
                with open(tmp, "wb") as out:
                    out.write(raw)
                    out.flush()
                    if self.by_file:
                        os.fdatasync(out.fileno())
                os.replace(tmp, final)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            if self.by_file:
                for directory in (final.parent, *dirs):
                    _fsync_dir(directory)
        except OSError as err:
            raise storage_error(err)  # the cause is kept
        return Pending(partition, key)

    def make_durable(self, pending: Iterable[Pending]) -> None:
        """Put staged bodies and their directory entries on disk: one syncfs
        per file system with `body_sync: syncfs`; `stage` did it otherwise."""
        if not self.by_syncfs:
            return
        devices: dict[int, Path] = {}
        for staged in pending:
            root = self.root(staged.partition)
            devices.setdefault(root.stat().st_dev, root)
        for root in devices.values():
            _syncfs(root)

    def _make_dirs(self, directory: Path) -> tuple[Path, ...]:
        """Create the hash directories; return the parents that gained an entry."""
        missing: list[Path] = []
        probe = directory
        while not probe.exists():
            missing.append(probe)
            probe = probe.parent
        for new in reversed(missing):
            new.mkdir(exist_ok=True)
        return tuple(new.parent for new in reversed(missing))

    def read(self, partition: str, key: str) -> bytes:
        return self.path(partition, key).read_bytes()

    async def chunks(self, partition: str, key: str, size: int) -> AsyncGenerator[bytes, None]:
        """The body's `size` bytes, `STREAM_CHUNK` at a time, each read in a
        thread; StoreCorrupt if the file holds fewer (see `BodyStream`)."""
        body = await asyncio.to_thread(open, self.path(partition, key), "rb")
        try:
            left = size
            while left > 0:
                chunk = await asyncio.to_thread(body.read, min(left, STREAM_CHUNK))
                if not chunk:
                    raise StoreCorrupt(f"body {key} is shorter than its {size} octets")
                left -= len(chunk)
                yield chunk
        finally:
            body.close()

    def read_prefix(self, partition: str, key: str, length: int) -> bytes:
        """The first `length` bytes of a body (its header block, say)."""
        with open(self.path(partition, key), "rb") as body:
            return body.read(length)

    def remove(self, partition: str, key: str) -> None:
        """Delete a body file; already gone is fine (a crash may have raced us)."""
        self.path(partition, key).unlink(missing_ok=True)

    def _hash_dirs(self, partition: str) -> Iterator[Path]:
        """Every `<h[0:2]>/<h[2:4]>` directory of a partition."""
        root = self.root(partition)
        if not root.is_dir():
            return
        for first in root.iterdir():
            if len(first.name) != 2 or not first.is_dir():
                continue
            for second in first.iterdir():
                if len(second.name) == 2 and second.is_dir():
                    yield second

    def stored(self, partition: str) -> Iterator[StoredBody]:
        """Every body file of a partition, temp files excluded."""
        for directory in self._hash_dirs(partition):
            for entry in directory.iterdir():
                if len(entry.name) == 64 and not entry.name.startswith("."):
                    try:
                        mtime = entry.stat().st_mtime
                    except FileNotFoundError:
                        continue  # removed meanwhile
                    yield StoredBody(partition, entry.name, str(entry), mtime)

    def remove_stale_temps(self) -> int:
        """Delete the temp files a crash left in every partition; return how many.

        A temp file is `.tmp-<key>-<pid>-<random>`. Another worker process
        may be writing one right now, so only those of a dead pid, or older
        than STALE_TEMP_AGE, are taken. One line is logged when any went.
        """
        started = time.monotonic()
        cutoff = time.time() - STALE_TEMP_AGE
        removed = 0
        for partition in self.partitions:
            for directory in self._hash_dirs(partition):
                for entry in directory.iterdir():
                    if entry.name.startswith(TEMP_PREFIX) and _is_stale(entry, cutoff):
                        entry.unlink(missing_ok=True)
                        removed += 1
        if removed:
            log.warning("store: removed %d temporary body files left by a crash (%.0f ms)",
                        removed, (time.monotonic() - started) * 1000)
        return removed


def _is_stale(temp: Path, cutoff: float) -> bool:
    """True if no live process can still be writing `temp`."""
    try:
        pid = int(temp.name.rsplit("-", 2)[1])
        if temp.stat().st_mtime < cutoff:
            return True
    except (ValueError, IndexError):
        return True  # not a name we write: nobody is writing it
    except FileNotFoundError:
        return False  # renamed into place meanwhile
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, another user's
    return False
