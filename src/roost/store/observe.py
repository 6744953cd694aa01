"""What the store's writer reports about its own work: the observer seam.

The store knows nothing of metrics systems; it tells whoever watches how
large each group commit was and how long its syncs took, and the watcher
(roost.telemetry.metrics, in a worker) turns that into numbers. With no
observer set the calls cost one attribute lookup.

Invariants:
- Observers are called from the writer thread: they must be quick,
  thread-safe and never raise (an exception is logged and dropped, a commit
  is never failed by its observer).
- Nothing here imports a metrics library.
"""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class StoreObserver(Protocol):
    """Receives the writer's measurements."""

    def committed(self, batch_size: int, seconds: float) -> None:
        """One group commit of `batch_size` operations; `seconds` for its
        COMMIT (which syncs the write-ahead log when `fsync` is on)."""

    def bodies_synced(self, seconds: float) -> None:
        """The body files of one commit were made durable in `seconds`."""


class _Nobody:
    def committed(self, batch_size: int, seconds: float) -> None:
        pass

    def bodies_synced(self, seconds: float) -> None:
        pass


_observer: StoreObserver = _Nobody()


def set_store_observer(observer: StoreObserver | None) -> None:
    """Watch every store of this process (None: stop watching)."""
    global _observer
    _observer = observer if observer is not None else _Nobody()


def report_commit(batch_size: int, seconds: float) -> None:
    try:
        _observer.committed(batch_size, seconds)
    except Exception:
        log.exception("store observer failed")


def report_body_sync(seconds: float) -> None:
    try:
        _observer.bodies_synced(seconds)
    except Exception:
        log.exception("store observer failed")
