"""The one writer thread: every index change, batched into group commits.

Callers queue an operation (a function of a `WriteTx`) and await a future.
The thread takes everything queued, runs it in ONE transaction (each
operation inside its own savepoint, so one failing operation is undone
alone and gets its own exception), commits, and only then resolves the
futures: a resolved future means the change is durable. Requests that
arrive while a commit is syncing wait for the next one, so the number of
fsyncs grows with commits, not with writers.

Flag changes and expunges (`lazy` operations) may trade that for speed
(`flag_sync_delay` seconds > 0): a batch of lazy operations only commits
with `synchronous=NORMAL`, which writes the WAL (so the change survives
any crash of a Roost process at once: the kernel holds it) without
syncing it; the thread then fdatasyncs the WAL within `flag_sync_delay`
seconds, unless a durable commit (which syncs the whole WAL) came first.
A power loss can lose at most that interval of flag changes, never a
message acknowledged by APPEND or LMTP; an expunge that releases bodies
syncs the WAL before their files are removed (an expunge lost to a power
loss must still find its bodies).

Before its first commit the thread removes the temp body files a crash
left behind (`BlobStore.remove_stale_temps`), at most once per
SWEEP_INTERVAL for the whole site: every worker process opens the store,
and walking 65,536 hash directories costs seconds of CPU holding the GIL,
so a marker beside the index (`mailstore.db.swept`, its mtime the last
sweep, flock'ed while one runs) lets the first opener sweep and the rest
skip.

A full disk (ENOSPC, EDQUOT, SQLITE_FULL) fails the operations it hits
with `StorageFull`; bodies staged for failed operations are removed like
released ones, so a refused APPEND leaves no file behind.

Bodies whose reference count fell to zero are deleted after the commit,
under the write lock and only if still unreferenced: a concurrent append
of the same content, in this process or another, either sees the file or
rewrites it (see `ops.add_blob_ref`).
"""

from __future__ import annotations

import asyncio
import contextvars
import fcntl
import logging
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from roost.store.blobstore import BlobStore, Pending
from roost.store.observe import report_body_sync, report_commit
from roost.store.sqlite.blobs import storage_error

log = logging.getLogger(__name__)

T = TypeVar("T")
P = TypeVar("P")
MAX_BATCH = 1000
BUSY_TIMEOUT = 30.0
SWEEP_INTERVAL = 3600.0
"""Seconds between two sweeps of crash-left temp files (the STALE_TEMP_AGE
of `blobs`: a temp younger than that may be a live writer's anyway)."""


@dataclass
class WriteTx:
    """What an operation gets: the connection, inside an open transaction."""

    db: sqlite3.Connection
    blobs: BlobStore
    released: set[tuple[str, str]] = field(default_factory=set)
    """(key, partition) of bodies whose last reference went away."""


@dataclass
class _Request:
    op: Callable[[WriteTx], Any]
    future: asyncio.Future[Any]
    pending: tuple[Pending, ...]
    lazy: bool = False


def connect(path: Path, fsync: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) on the WAL index.

    synchronous=FULL syncs the WAL at every commit, which is what makes a
    resolved write durable; with `fsync: no` the admin has chosen speed.
    temp_store=MEMORY keeps the sub-journals of the batch's savepoints (and
    of `RETURNING`) in memory: on disk each is a file created in the temp
    directory and unlinked again (about one per two deliveries), an inode
    made and freed for a journal that never outlives its transaction.
    """
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None,
                         check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={'FULL' if fsync else 'OFF'}")
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("PRAGMA temp_store=MEMORY")
    return db


class Writer:
    """Owns the writer thread and its connection."""

    def __init__(self, path: Path, blobs: BlobStore, fsync: bool,
                 after_commit: Callable[[], None], flag_sync_delay: float = 0.0) -> None:
        self._path = path
        self._lazy_delay = flag_sync_delay if fsync else 0.0
        self._sync_due: float | None = None
        """When the WAL must be synced for the lazy commits since the last sync."""
        self._lock_path = path.with_name(path.name + ".writelock")
        self._lock_fd = -1  # opened by the writer thread
        self._blobs = blobs
        self._fsync = fsync
        self._after_commit = after_commit
        self.commits = 0
        """Transactions committed so far (group commit keeps this below the writes)."""
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        # run_prepared's worker thread: submitted to directly, not through
        # `loop.run_in_executor`, whose asyncio future (nobody awaits it) costs
        # the loop one more wake-up and callback per delivery. One thread: the
        # parse holds the GIL, so more stagers do no more work, they only
        # fight the loop and the writer for it (at 4 LMTP sessions the
        # default pool of up to 6 cost ~40% more CPU per delivery); a big
        # body so delays the small ones behind it by its parse.
        self._stagers = ThreadPoolExecutor(max_workers=1, thread_name_prefix="roost-store-stage")
        self._thread = threading.Thread(target=self._main, name="roost-store-writer",
                                        daemon=True)
        self._thread.start()

    async def run(self, op: Callable[[WriteTx], T], *pending: Pending, lazy: bool = False) -> T:
        """Run `op` in the next group commit; return its result once durable
        (`lazy`: once committed, durable within `flag_sync_delay`).

        `pending` bodies are made durable before that commit.
        """
        if not self._thread.is_alive():
            raise RuntimeError("the store is closed")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put(_Request(op, future, pending, lazy and self._lazy_delay > 0))
        return await future

    async def run_prepared(self, prepare: Callable[[], tuple[P, Sequence[Pending]]],
                           op: Callable[[WriteTx, P], T]) -> T:
        """`prepare` (body files staged and parsed) in a worker thread, which
        then queues `op` with its result here itself; `run`'s answer.

        A delivery so crosses threads once each way, not twice: its worker
        thread hands straight to this one, without a trip through the loop.
        """
        if not self._thread.is_alive():
            raise RuntimeError("the store is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def stage() -> None:
            try:
                value, pending = prepare()
            except Exception as err:  # noqa: BLE001 -- the caller gets it
                _call_soon(loop, _settle, future, False, err)
                return
            if not self._thread.is_alive():  # closed meanwhile: as `run` says it
                _call_soon(loop, _settle, future, False, RuntimeError("the store is closed"))
                return
            self._queue.put(_Request(lambda tx: op(tx, value), future, tuple(pending)))
        self._stagers.submit(contextvars.copy_context().run, stage)
        return await future

    def close(self) -> None:
        """Finish queued work (bodies being staged queue theirs first), then stop the thread."""
        self._stagers.shutdown(wait=True)
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _main(self) -> None:
        db = connect(self._path, self._fsync)
        self._lock_fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        self._sweep_temps()
        try:
            while True:
                first = self._next_request()
                if first is None:
                    return
                batch = [first]
                stop = False
                while len(batch) < MAX_BATCH:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        stop = True
                        break
                    batch.append(more)
                self._commit(db, batch)
                if stop:
                    return
        finally:
            self._sync_wal()
            db.close()
            os.close(self._lock_fd)

    def _next_request(self) -> _Request | None:
        """The next request; while lazy commits wait for their sync, only
        until it is due (then the WAL is synced and the wait goes on)."""
        while self._sync_due is not None:
            try:
                return self._queue.get(timeout=max(0.0, self._sync_due - time.monotonic()))
            except queue.Empty:
                self._sync_wal()
        return self._queue.get()

    def _sync_wal(self) -> None:
        """Put the lazy commits on disk: fdatasync the WAL they were written to
        (a checkpoint since then synced them already; no WAL: nothing to do)."""
        if self._sync_due is None:
            return
        self._sync_due = None
        try:
            fd = os.open(self._path.with_name(self._path.name + "-wal"), os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            os.fdatasync(fd)
        except OSError:
            log.exception("syncing the WAL for lazy flag commits failed")
        finally:
            os.close(fd)

    def _sweep_temps(self) -> None:
        """Remove the temp body files a crash left, here, off the event loop,
        unless another process swept less than SWEEP_INTERVAL ago or is
        sweeping now (see the module docstring)."""
        marker = self._path.with_name(self._path.name + ".swept")
        try:
            fd = os.open(marker, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            log.exception("cannot open %s; sweeping temporary body files anyway", marker)
            fd = -1
        try:
            if fd >= 0 and not _claim_sweep(fd):
                return
            self._blobs.remove_stale_temps()
            if fd >= 0:
                os.ftruncate(fd, 0)
                os.write(fd, b"temporary body files swept\n")  # the mtime is the mark
        except OSError:
            log.exception("removing leftover temporary body files failed")
        finally:
            if fd >= 0:
                os.close(fd)  # releases the flock

    def _commit(self, db: sqlite3.Connection, batch: list[_Request]) -> None:
        """One transaction for the batch, under the cross-process write lock."""
        # Writers of other worker processes queue on this lock in the kernel
        # and wake the moment it is free; SQLite's own busy handler would
        # sleep in growing steps (1, 2, 5, 10 ms...) instead.
        # Bodies first (no commit may refer to a file not yet on disk), and
        # outside the lock: another worker's commit goes on meanwhile.
        unsynced: Exception | None = None
        try:
            self._make_bodies_durable(batch)
        except Exception as err:  # noqa: BLE001 -- the batch fails with it, in _commit_locked
            unsynced = err
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        try:
            self._commit_locked(db, batch, unsynced)
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _commit_locked(self, db: sqlite3.Connection, batch: list[_Request],
                       unsynced: Exception | None) -> None:
        """Settle each future of the batch after its COMMIT (or all with
        `unsynced`, the error that kept its bodies off the disk)."""
        tx = WriteTx(db, self._blobs)
        outcomes: list[tuple[bool, Any]] = []
        lazy = all(request.lazy for request in batch)
        try:
            if unsynced is not None:
                raise unsynced
            if lazy:
                db.execute("PRAGMA synchronous=NORMAL")
            db.execute("BEGIN IMMEDIATE")
            for request in batch:
                db.execute("SAVEPOINT op")
                try:
                    outcomes.append((True, request.op(tx)))
                    db.execute("RELEASE op")
                except Exception as err:  # the caller gets it; the batch goes on
                    if not db.in_transaction:
                        raise  # SQLite rolled the whole batch back (a full disk can)
                    db.execute("ROLLBACK TO op")
                    db.execute("RELEASE op")
                    outcomes.append((False, storage_error(err)))
            started = time.perf_counter()
            db.execute("COMMIT")
            report_commit(len(batch), time.perf_counter() - started)
            self.commits += 1
            self._note_sync(lazy)
        except Exception as err:
            if db.in_transaction:
                db.execute("ROLLBACK")
            failure = storage_error(err)
            if failure is err:
                log.exception("store commit failed")
            outcomes = [(False, failure)] * len(batch)
            tx.released.clear()  # rolled back: no reference went away
        if lazy:
            db.execute("PRAGMA synchronous=FULL")
        # The bodies of failed operations are nobody's: they go unless referenced.
        for request, (ok, _) in zip(batch, outcomes):
            if not ok:
                tx.released.update((staged.key, staged.partition) for staged in request.pending)
        if tx.released:
            # An unsynced expunge could come back after a power loss: its
            # bodies go only once it is on disk.
            self._sync_wal()
            self._remove_unreferenced(db, tx.released)
        loops = {request.future.get_loop() for request in batch}
        for loop in loops:
            _call_soon(loop, self._after_commit)
        for request, (ok, value) in zip(batch, outcomes):
            _call_soon(request.future.get_loop(), _settle, request.future, ok, value)

    def _note_sync(self, lazy: bool) -> None:
        """A lazy commit starts the clock for its WAL sync (unless one runs);
        a durable commit synced the whole WAL, earlier lazy frames included."""
        if not lazy:
            self._sync_due = None
        elif self._sync_due is None:
            self._sync_due = time.monotonic() + self._lazy_delay

    def _make_bodies_durable(self, batch: list[_Request]) -> None:
        pending = [p for request in batch for p in request.pending]
        if not pending:
            return
        started = time.perf_counter()
        self._blobs.make_durable(pending)
        report_body_sync(time.perf_counter() - started)

    def _remove_unreferenced(self, db: sqlite3.Connection,
                             released: set[tuple[str, str]]) -> None:
        """Delete body files no index row references any more.

        Holding the write lock (BEGIN IMMEDIATE) keeps another process from
        adding a reference between the check and the unlink. A failure here
        leaves orphan files, which are harmless.
        """
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                for key, partition in released:
                    row = db.execute("SELECT 1 FROM blobs WHERE sha256 = ? AND partition = ?",
                                     (key, partition)).fetchone()
                    if row is None:
                        self._blobs.remove(partition, key)
            finally:
                db.execute("COMMIT")
        except Exception:
            log.exception("removing unreferenced bodies failed; orphans remain")


def _claim_sweep(fd: int) -> bool:
    """True if this process should sweep now: nobody else holds the marker's
    lock and the last sweep (a non-empty marker's mtime) is old enough."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # another worker is sweeping right now
    stat = os.fstat(fd)
    return stat.st_size == 0 or time.time() - stat.st_mtime >= SWEEP_INTERVAL


def _call_soon(loop: asyncio.AbstractEventLoop, callback: Callable[..., None],
               *args: Any) -> None:
    """Hand a callback to a loop; a loop already closed has nobody waiting."""
    try:
        loop.call_soon_threadsafe(callback, *args)
    except RuntimeError:
        pass


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
