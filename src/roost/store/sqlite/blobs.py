"""Message body files: content-addressed, one directory tree per partition.

A body lives at `<partition>/<h[0:2]>/<h[2:4]>/<h>` where h is the SHA-256
hex of its bytes: plain RFC 5322, readable by an admin. Files appear whole
or not at all (temp file in the same directory, written, renamed), so a
file that exists is complete. `make_durable` then puts the files and their
directory entries on disk, and the writer calls it for a whole batch before
the index commit that refers to them: on Linux one syncfs(2) per file
system covers every body of the batch (two disk flushes per group commit
instead of three per message); elsewhere each file is fsynced as it is
written and each directory at `make_durable`. Equal content is one file, whatever `singleinstancestore` says:
sharing is free here and harmless.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from roost.store.api import StoreError


def content_key(raw: bytes) -> str:
    """The blob key of a body: its SHA-256, hex."""
    return hashlib.sha256(raw).hexdigest()


def _load_syncfs() -> Callable[[int], int] | None:
    """syncfs(2) from the C library, where there is one (Linux)."""
    try:
        syncfs: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (AttributeError, OSError):
        return None
    return syncfs


_SYNCFS = _load_syncfs()

#: Bodies staged for one partition and the directories whose entries changed.
Pending = tuple[str, tuple[Path, ...]]


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
    """The body files of every partition; thread-safe (no shared state)."""

    def __init__(self, partitions: dict[str, Path], fsync: bool = True) -> None:
        self.partitions = partitions
        self.fsync = fsync
        self.by_syncfs = fsync and _SYNCFS is not None

    def root(self, partition: str) -> Path:
        """The directory of a partition; StoreError if the config has no such partition."""
        try:
            return self.partitions[partition]
        except KeyError:
            raise StoreError(f"no partition {partition!r} in the configuration") from None

    def path(self, partition: str, key: str) -> Path:
        return self.root(partition) / key[0:2] / key[2:4] / key

    def present(self, partition: str, key: str, size: int) -> bool:
        """True if the body file exists with the expected size."""
        try:
            return self.path(partition, key).stat().st_size == size
        except FileNotFoundError:
            return False

    def write(self, partition: str, raw: bytes) -> str:
        """Make the body file of `raw` exist durably; return its key."""
        key, dirs = self.stage(partition, raw)
        self.make_durable([(partition, dirs)])
        return key

    def stage(self, partition: str, raw: bytes) -> tuple[str, tuple[Path, ...]]:
        """Write the body file of `raw` under its final name, not yet durable.

        Returns its key and the directories whose entries changed, for
        `make_durable`. An existing complete file is kept (same name, same
        bytes).
        """
        key = content_key(raw)
        if self.present(partition, key, len(raw)):
            return key, ()
        final = self.path(partition, key)
        dirs = self._make_dirs(final.parent)
        tmp = final.parent / f".tmp-{key[:16]}-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            with open(tmp, "wb") as out:
                out.write(raw)
                out.flush()
                if self.fsync and not self.by_syncfs:
                    os.fsync(out.fileno())
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return key, (*dirs, final.parent)

    def make_durable(self, pending: Iterable[Pending]) -> None:
        """Put staged bodies and their directory entries on disk."""
        pending = list(pending)
        if not self.fsync or not pending:
            return
        if self.by_syncfs:
            devices: dict[int, Path] = {}
            for partition, _ in pending:
                root = self.root(partition)
                devices.setdefault(root.stat().st_dev, root)
            for root in devices.values():
                _syncfs(root)
            return
        for directory in {d for _, dirs in pending for d in dirs}:
            _fsync_dir(directory)

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

    def read_prefix(self, partition: str, key: str, length: int) -> bytes:
        """The first `length` bytes of a body (its header block, say)."""
        with open(self.path(partition, key), "rb") as body:
            return body.read(length)

    def remove(self, partition: str, key: str) -> None:
        """Delete a body file; already gone is fine (a crash may have raced us)."""
        self.path(partition, key).unlink(missing_ok=True)

    def all_files(self, partition: str) -> Iterator[tuple[str, Path]]:
        """(key, path) of every body file of a partition, temp files excluded."""
        root = self.root(partition)
        if not root.is_dir():
            return
        for first in root.iterdir():
            if len(first.name) != 2 or not first.is_dir():
                continue
            for second in first.iterdir():
                if len(second.name) != 2 or not second.is_dir():
                    continue
                for entry in second.iterdir():
                    if len(entry.name) == 64 and not entry.name.startswith("."):
                        yield entry.name, entry
