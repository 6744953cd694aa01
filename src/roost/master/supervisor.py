"""The parent process: bind, run START, fork workers, keep them alive, run EVENTS.

Workers are forked after the sockets are bound so every worker accepts on
the same sockets (the kernel spreads connections over them); the parent
holds no store connection, so forking is safe. A worker that dies is
replaced after a short pause; SIGTERM stops everything and exits 0.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from pathlib import Path

from roost.config import Config
from roost.config.cyrusconf import CyrusConf
from roost.master.events import EventSchedule, run_tool_entry
from roost.master.listen import bind_listener
from roost.master.services import Service, check_service
from roost.master.worker import run_worker

log = logging.getLogger(__name__)
RESPAWN_PAUSE = 1.0


def worker_count(conf: Config) -> int:
    return conf.workers if conf.workers > 0 else (os.cpu_count() or 1)


class Supervisor:
    """Runs the services of one cyrus.conf until told to stop."""

    def __init__(self, conf: Config, cyrus: CyrusConf) -> None:
        self.conf = conf
        self.cyrus = cyrus
        self.services = [check_service(entry) for entry in cyrus.services]
        self.listeners: list[tuple[Service, socket.socket]] = []
        self.children: set[int] = set()
        self.stopping = False

    def _fork_worker(self) -> None:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            code = 0
            try:
                run_worker(self.conf, self.listeners)
            except BaseException:
                log.exception("worker failed")
                code = 1
            finally:
                os._exit(code)
        self.children.add(pid)

    def _stop(self, signum: int, frame: object) -> None:
        self.stopping = True

    def run(self) -> int:
        for entry in self.cyrus.start:
            run_tool_entry(entry, self.conf)
        self.listeners = [(service, bind_listener(service.entry)) for service in self.services]
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for _ in range(worker_count(self.conf)):
            self._fork_worker()
        events = EventSchedule(self.cyrus.events, self.conf)
        try:
            while not self.stopping:
                self._reap()
                events.run_due()
                time.sleep(0.2)
        finally:
            self._shutdown()
        return 0

    def _reap(self) -> None:
        while self.children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
            self.children.discard(pid)
            if not self.stopping:
                log.warning("worker %d exited (status %d); starting another", pid, status)
                time.sleep(RESPAWN_PAUSE)
                self._fork_worker()

    def _shutdown(self) -> None:
        for pid in self.children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while self.children and time.monotonic() < deadline:
            pid, _ = os.waitpid(-1, os.WNOHANG)
            if pid:
                self.children.discard(pid)
            else:
                time.sleep(0.05)
        for pid in self.children:
            os.kill(pid, signal.SIGKILL)
        for service, sock in self.listeners:
            if sock.family == socket.AF_UNIX:
                Path(service.entry.args["listen"]).unlink(missing_ok=True)
            sock.close()
