"""Heartbeats: each worker's event loop says it is alive; the master notices silence.

A worker writes one byte down its own pipe every HEARTBEAT_INTERVAL
seconds from a task on its event loop, so a loop that is blocked (a
command that never yields, a hung call, a SIGSTOP) falls silent. The
master kills a worker silent for `worker_heartbeat_timeout` seconds with
SIGKILL, saying why, and starts another. A pipe rather than a file: the
master sees a worker's end as EOF, and a worker sees the master's end as
EPIPE and stops by itself instead of serving on as an orphan.

Invariants: the master holds only the read end of each pipe and the
worker only the write end; a worker is judged silent only while it is
watched (from fork until it ends or is killed).
"""

from __future__ import annotations

import asyncio
import logging
import os
import selectors
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = 1.0
#: A shorter timeout would kill a worker between two beats of a loop that is fine.
MIN_TIMEOUT = 3 * HEARTBEAT_INTERVAL


async def send_heartbeats(fd: int, master_gone: Callable[[], None]) -> None:
    """The worker's side: beat until cancelled; call `master_gone` on EPIPE."""
    os.set_blocking(fd, False)
    try:
        while True:
            try:
                os.write(fd, b".")
            except BlockingIOError:
                pass  # the pipe is full of earlier beats: the master knows
            except BrokenPipeError:
                log.warning("worker %d: the master is gone; stopping", os.getpid())
                master_gone()
                return
            await asyncio.sleep(HEARTBEAT_INTERVAL)
    finally:
        os.close(fd)


class HeartbeatMonitor:
    """The master's side: one pipe per worker, and when each last beat."""

    def __init__(self, selector: selectors.BaseSelector, timeout: float) -> None:
        self.selector = selector
        self.timeout = max(timeout, MIN_TIMEOUT) if timeout > 0 else 0.0
        self._pid_of: dict[int, int] = {}      # read fd -> worker pid
        self._fd_of: dict[int, int] = {}       # worker pid -> read fd
        self._last: dict[int, float] = {}      # worker pid -> time of the last beat

    def watch(self, pid: int, read_fd: int) -> None:
        """Start expecting beats from `pid` (counting from now)."""
        os.set_blocking(read_fd, False)
        self._pid_of[read_fd] = pid
        self._fd_of[pid] = read_fd
        self._last[pid] = time.monotonic()
        self.selector.register(read_fd, selectors.EVENT_READ, self)

    def read(self, fd: int) -> None:
        """Take the beats waiting on `fd` (the selector said it is readable)."""
        pid = self._pid_of[fd]
        try:
            data = os.read(fd, 4096)
        except BlockingIOError:
            return
        if data:
            self._last[pid] = time.monotonic()
        else:
            self.forget(pid)  # the worker closed its end: it is ending

    def silent(self) -> list[tuple[int, float]]:
        """(pid, seconds since its last beat) of each worker past the timeout."""
        if not self.timeout:
            return []
        now = time.monotonic()
        return [(pid, now - last) for pid, last in self._last.items()
                if now - last > self.timeout]

    def forget(self, pid: int) -> None:
        """Stop watching `pid` (it ended, or is being killed)."""
        fd = self._fd_of.pop(pid, None)
        self._last.pop(pid, None)
        if fd is not None:
            del self._pid_of[fd]
            self.selector.unregister(fd)
            os.close(fd)

    def close_in_child(self) -> None:
        """In a new worker: drop the read ends inherited from the master.

        Only close: unregistering would change the master's epoll set,
        which the child shares.
        """
        for fd in self._pid_of:
            os.close(fd)

    def close(self) -> None:
        for pid in list(self._fd_of):
            self.forget(pid)
