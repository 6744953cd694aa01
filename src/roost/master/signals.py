"""The master's signals: SIGTERM and SIGINT ask it to stop, SIGCHLD wakes it to reap.

The handlers only note what came; `signal.set_wakeup_fd` writes a byte to
a pipe the main loop selects on, so a signal never waits behind a sleep
(PEP 475 would otherwise resume the sleep after the handler ran).

Invariants: the handlers are installed before the master starts anything
(a START job, a bind, a fork), so a SIGTERM at any moment of start-up is
seen; signals are blocked across fork(), so a new worker never runs the
master's handlers: a SIGTERM that reaches it before its event loop has
its own handler stays pending until the worker unblocks it
(roost.master.worker).
"""

from __future__ import annotations

import os
import selectors
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
#: What a worker starts with blocked; it unblocks them once its loop handles them.
FORK_BLOCKED = frozenset({*STOP_SIGNALS, signal.SIGCHLD})


class MasterSignals:
    """The stop request and the wakeup pipe of the master process."""

    def __init__(self) -> None:
        self.stop_signal: signal.Signals | None = None
        self._previous: dict[signal.Signals, Any] = {}
        self.wakeup_fd, self._write_fd = os.pipe()
        os.set_blocking(self.wakeup_fd, False)
        os.set_blocking(self._write_fd, False)

    @property
    def stop_requested(self) -> bool:
        return self.stop_signal is not None

    def install(self, selector: selectors.BaseSelector) -> None:
        """Handle the signals from now on; `selector` wakes up when one arrives."""
        selector.register(self.wakeup_fd, selectors.EVENT_READ, self)
        signal.set_wakeup_fd(self._write_fd, warn_on_full_buffer=False)
        for sig in FORK_BLOCKED:
            self._previous[sig] = signal.getsignal(sig)
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._on_stop)
        signal.signal(signal.SIGCHLD, self._on_child)

    def _on_stop(self, signum: int, frame: FrameType | None) -> None:
        if self.stop_signal is None:
            self.stop_signal = signal.Signals(signum)

    def _on_child(self, signum: int, frame: FrameType | None) -> None:
        """Nothing to do here: the wakeup byte makes the main loop reap."""

    def drain(self) -> None:
        """Empty the wakeup pipe (the signals it stood for are already noted)."""
        try:
            while os.read(self.wakeup_fd, 4096):
                pass
        except BlockingIOError:
            pass

    @contextmanager
    def blocked(self) -> Iterator[None]:
        """Hold FORK_BLOCKED back (around fork); they are delivered on exit."""
        signal.pthread_sigmask(signal.SIG_BLOCK, FORK_BLOCKED)
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, FORK_BLOCKED)

    def close(self) -> None:
        """The master has stopped: no more wakeups, and stop signals ignored."""
        ignore_stop_signals()
        self._close_pipe()

    def uninstall_in_child(self) -> None:
        """In a new worker: the handlers as they were before the master's, no pipe.

        Its signals are still blocked, so none is lost before its event
        loop installs its own handlers.
        """
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._close_pipe()

    def _close_pipe(self) -> None:
        signal.set_wakeup_fd(-1)
        os.close(self.wakeup_fd)
        os.close(self._write_fd)


def ignore_stop_signals() -> None:
    """For a process that has stopped and is exiting: a second SIGTERM (an
    impatient admin, systemd signalling the whole group) must not turn a clean
    exit 0 into death by signal. Python resets its own handlers to the default
    while it finalises, but leaves an ignored signal ignored."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
