"""A local, bounded read cache of bodies kept elsewhere (an S3 bucket).

Bodies are immutable and named by their content key, so a cached copy is
never stale: the cache needs no invalidation, only a size bound. A copy is
written whole under a temp name and renamed (a reader sees all of it or
none), never synced (it can always be fetched again). Hits refresh the
file's mtime, and eviction removes the oldest mtimes first, so the cache
keeps what was read lately.

Several worker processes share the directory: each counts what it added,
and eviction re-reads the directory, so the bound holds within one
process's additions between sweeps.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from pathlib import Path

STALE_TEMP_AGE = 3600.0
EVICT_TO = 0.9
"""An eviction sweep frees space down to this share of the bound."""


class BlobCache:
    """Cached bodies by key under `root`, at most about `limit` bytes."""

    def __init__(self, root: Path, limit: int) -> None:
        self.root = root
        self.limit = limit
        self._lock = threading.Lock()
        self._used: int | None = None  # counted at the first put

    def path(self, partition: str, key: str) -> Path:
        """Copies are kept per partition, as the bodies are: a copy says its
        body is stored in that partition."""
        return self.root / partition / key[0:2] / key

    def get(self, partition: str, key: str) -> bytes | None:
        """The cached body, or None; a hit counts as a recent use."""
        path = self.path(partition, key)
        try:
            raw = path.read_bytes()
            os.utime(path)
        except FileNotFoundError:
            return None
        return raw

    def has(self, partition: str, key: str, size: int) -> bool:
        try:
            return self.path(partition, key).stat().st_size == size
        except FileNotFoundError:
            return False

    def put(self, partition: str, key: str, raw: bytes) -> None:
        """Keep a copy of `raw`; a full cache disk is not an error (the copy
        is only an optimisation)."""
        path = self.path(partition, key)
        tmp = path.with_name(f".tmp-{key[:16]}-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(raw)
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)
            return
        with self._lock:
            self._used = (self._scan() if self._used is None else self._used) + len(raw)
            over = self._used > self.limit
        if over:
            self.evict()

    def discard(self, partition: str, key: str) -> None:
        self.path(partition, key).unlink(missing_ok=True)

    def evict(self) -> None:
        """Remove the least recently used copies until under EVICT_TO of the bound."""
        entries = []
        for directory in self._dirs():
            for entry in directory.iterdir():
                try:
                    st = entry.stat()
                except FileNotFoundError:
                    continue
                entries.append((st.st_mtime, st.st_size, entry))
        used = sum(size for _, size, _ in entries)
        target = int(self.limit * EVICT_TO)
        for _, size, entry in sorted(entries, key=lambda e: e[0]):
            if used <= target:
                break
            entry.unlink(missing_ok=True)
            used -= size
        with self._lock:
            self._used = used

    def remove_stale_temps(self) -> int:
        """Delete temp copies a crash left; return how many."""
        cutoff = time.time() - STALE_TEMP_AGE
        removed = 0
        for directory in self._dirs():
            for entry in directory.iterdir():
                if entry.name.startswith(".tmp-"):
                    try:
                        if entry.stat().st_mtime < cutoff:
                            entry.unlink()
                            removed += 1
                    except FileNotFoundError:
                        continue
        return removed

    def _dirs(self) -> list[Path]:
        """The `<partition>/<h[0:2]>` directories."""
        if not self.root.is_dir():
            return []
        return [d for part in self.root.iterdir() if part.is_dir()
                for d in part.iterdir() if d.is_dir()]

    def _scan(self) -> int:
        """Bytes in the cache now."""
        total = 0
        for directory in self._dirs():
            for entry in directory.iterdir():
                try:
                    total += entry.stat().st_size
                except FileNotFoundError:
                    continue
        return total
