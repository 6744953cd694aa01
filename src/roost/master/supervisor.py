"""The parent process: run START, bind, fork workers, keep them alive, run EVENTS.

Workers are forked after the sockets are bound so every worker accepts on
the same sockets (the kernel spreads connections over them); the parent
holds no store connection, so forking is safe. Jobs (START and EVENTS
entries) are other programs, tracked apart from the workers: a job's end
is logged with its status, and only a worker's end starts a worker.

The master sleeps in one select() over its signal pipe and the workers'
heartbeat pipes, so SIGTERM is acted on at once at every stage: during a
START job (the job is stopped), before binding, between forks. Stopping
sends SIGTERM to every child and waits for them; a child still running
SHUTDOWN_GRACE seconds later is the one case for SIGKILL, and the log
says so loudly. A worker whose heartbeat stops for
`worker_heartbeat_timeout` seconds is killed and replaced.
"""

from __future__ import annotations

import logging
import os
import selectors
import signal
import socket
import time
from pathlib import Path

from roost.config import Config
from roost.config.cyrusconf import CyrusConf, Entry
from roost.master.events import EventSchedule, job_label, spawn_job, tool_command
from roost.master.exporter import Exporter, forget_worker, prepare_metrics_dir
from roost.master.heartbeat import HEARTBEAT_INTERVAL, HeartbeatMonitor
from roost.master.listen import bind_listener
from roost.master.services import Service, check_service
from roost.master.signals import MasterSignals
from roost.master.worker import fork_worker

log = logging.getLogger(__name__)
#: Pause before replacing a worker that ended, so a worker that cannot start does not spin;
#: it doubles with each worker in a row that dies within QUICK_DEATH of its start
#: (a broken store, a full disk), up to MAX_RESPAWN_PAUSE, and is back to this
#: once a worker lives longer.
RESPAWN_PAUSE = 1.0
QUICK_DEATH = 10.0
MAX_RESPAWN_PAUSE = 60.0
#: How long children may take to finish after SIGTERM before SIGKILL.
SHUTDOWN_GRACE = 10.0


def worker_count(conf: Config) -> int:
    return conf.workers if conf.workers > 0 else (os.cpu_count() or 1)


def describe_exit(status: int) -> str:
    """`exited with status 1` or `was killed by SIGKILL`, from a waitpid status."""
    code = os.waitstatus_to_exitcode(status)
    if code >= 0:
        return f"exited with status {code}"
    return f"was killed by {signal.Signals(-code).name}"


class Supervisor:
    """Runs the services of one cyrus.conf until told to stop."""

    def __init__(self, conf: Config, cyrus: CyrusConf) -> None:
        self.conf = conf
        self.cyrus = cyrus
        self.services = [check_service(entry) for entry in cyrus.services]
        for service in self.services:
            service.starter()  # import the protocol code once, before forking
        self.listeners: list[tuple[Service, socket.socket]] = []
        self.workers: set[int] = set()
        self.jobs: dict[int, str] = {}         # pid -> "START entry 'name'", for the log
        self.replace_at: list[float] = []      # when to fork a worker for one that ended
        self.started_at: dict[int, float] = {}  # worker pid -> monotonic time of its fork
        self.quick_deaths = 0                  # workers in a row that died soon after start
        self.selector = selectors.DefaultSelector()
        self.signals = MasterSignals()
        self.heartbeats = HeartbeatMonitor(self.selector, conf.worker_heartbeat_timeout)
        self.metrics_dir = prepare_metrics_dir(conf)  # before any worker: they inherit it
        self.exporter: Exporter | None = None

    @property
    def stopping(self) -> bool:
        return self.signals.stop_requested

    def run(self) -> int:
        """Serve until SIGTERM or SIGINT; 0 once every child has ended."""
        self.signals.install(self.selector)
        log.info("master %d: starting", os.getpid())
        try:
            self._start()
            events = EventSchedule(self.cyrus.events, time.time())
            while not self.stopping:
                self._serve_once(events)
        finally:
            self._shutdown()
        return 0

    def _start(self) -> None:
        """START entries one after another, then bind, then fork: each step checks for a stop."""
        for entry in self.cyrus.start:
            pid = self._spawn(entry)
            while pid in self.jobs and not self.stopping:
                self._wait(1.0)
            if self.stopping:
                return
        self.listeners = [(service, bind_listener(service.entry)) for service in self.services]
        if self.metrics_dir is not None:
            self.exporter = Exporter(self.conf, self.metrics_dir)
            self._start_exporter()
        for _ in range(worker_count(self.conf)):
            if self.stopping:
                return
            self._fork_worker()

    def _serve_once(self, events: EventSchedule) -> None:
        """Sleep until something needs doing, then do it."""
        now = time.time()
        waits = [HEARTBEAT_INTERVAL, *(when - time.monotonic() for when in self.replace_at)]
        if self.exporter is not None and self.exporter.restart_at is not None:
            waits.append(self.exporter.restart_at - time.monotonic())
        next_event = events.seconds_to_next(now)
        if next_event is not None:
            waits.append(next_event)
        self._wait(max(0.0, min(waits)))
        if self.stopping:
            return
        for entry in events.take_due(time.time(), set(self.jobs.values())):
            self._spawn(entry)
        self._kill_silent_workers()
        due = [when for when in self.replace_at if when <= time.monotonic()]
        for when in due:
            self.replace_at.remove(when)
            self._fork_worker()
        exporter = self.exporter
        if exporter is not None and exporter.restart_at is not None \
                and exporter.restart_at <= time.monotonic():
            self._start_exporter()

    def _wait(self, timeout: float) -> None:
        """Sleep until a signal, a heartbeat or `timeout`; then reap ended children."""
        for key, _ in self.selector.select(timeout):
            if key.data is self.signals:
                self.signals.drain()
            else:
                self.heartbeats.read(key.fd)
        self._reap()

    def _spawn(self, entry: Entry) -> int | None:
        """Start a START or EVENTS job; None if it is skipped or cannot start."""
        command = tool_command(entry, self.conf)
        if command is None:
            return None
        try:
            pid = spawn_job(command)
        except OSError as err:
            log.error("%s: %s %r could not start: %s", entry.where(), entry.section, entry.name,
                      err.strerror)
            return None
        self.jobs[pid] = job_label(entry)
        log.info("%s started (pid %d)", self.jobs[pid], pid)
        return pid

    def _start_exporter(self) -> None:
        assert self.exporter is not None

        def forget_master() -> None:
            self.heartbeats.close_in_child()
            self.selector.close()
            self.signals.uninstall_in_child()
            for _, sock in self.listeners:
                sock.close()

        with self.signals.blocked():
            self.exporter.start(forget_master)

    def _fork_worker(self) -> None:
        read_fd, write_fd = os.pipe()

        def forget_master() -> None:
            os.close(read_fd)
            self.heartbeats.close_in_child()
            self.selector.close()
            self.signals.uninstall_in_child()

        with self.signals.blocked():
            pid = fork_worker(self.conf, self.listeners, write_fd, forget_master)
            self.workers.add(pid)
        os.close(write_fd)
        self.heartbeats.watch(pid, read_fd)
        self.started_at[pid] = time.monotonic()
        log.info("worker %d started", pid)

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self._ended(pid, status)

    def _ended(self, pid: int, status: int) -> None:
        if pid in self.jobs:
            what = self.jobs.pop(pid)
            level = logging.INFO if status == 0 else logging.WARNING
            log.log(level, "%s (pid %d) %s", what, pid, describe_exit(status))
        elif self.exporter is not None and self.exporter.ended(pid, self.stopping,
                                                                describe_exit(status)):
            pass
        elif pid in self.workers:
            self.workers.discard(pid)
            forget_worker(self.metrics_dir, pid)
            self.heartbeats.forget(pid)
            lived = time.monotonic() - self.started_at.pop(pid, 0.0)
            if self.stopping:
                log.info("worker %d %s", pid, describe_exit(status))
            else:
                log.warning("worker %d %s; starting another", pid, describe_exit(status))
                self.replace_at.append(time.monotonic() + self._respawn_pause(lived))

    def _respawn_pause(self, lived: float) -> float:
        """How long to wait before replacing a worker that lived `lived` seconds."""
        self.quick_deaths = self.quick_deaths + 1 if lived < QUICK_DEATH else 0
        pause = min(RESPAWN_PAUSE * 2.0 ** max(0, self.quick_deaths - 1), MAX_RESPAWN_PAUSE)
        if self.quick_deaths >= 3:
            log.error("%d workers in a row ended within %.0f s of starting (the log above says"
                      " why); the next starts in %.0f s", self.quick_deaths, QUICK_DEATH, pause)
        return pause

    def _kill_silent_workers(self) -> None:
        for pid, silence in self.heartbeats.silent():
            log.error("worker %d sent no heartbeat for %.0f s (its event loop is blocked or "
                      "hung): killing it with SIGKILL", pid, silence)
            self.heartbeats.forget(pid)
            os.kill(pid, signal.SIGKILL)

    def _shutdown(self) -> None:
        """Stop accepting, SIGTERM every child, wait; SIGKILL only past the grace period."""
        if self.signals.stop_signal is not None:
            log.info("%s: stopping", self.signals.stop_signal.name)
        self._close_listeners()
        for pid in self._children():
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + SHUTDOWN_GRACE
        while self._children() and time.monotonic() < deadline:
            self._wait(deadline - time.monotonic())
        for pid in self._children():
            log.error("pid %d still running %.0f s after SIGTERM: killing it with SIGKILL",
                      pid, SHUTDOWN_GRACE)
            os.kill(pid, signal.SIGKILL)
            self._ended(pid, os.waitpid(pid, 0)[1])
        self.heartbeats.close()
        self.selector.close()
        self.signals.close()
        if self.exporter is not None:
            self.exporter.close()
        log.info("master %d: stopped", os.getpid())

    def _children(self) -> set[int]:
        exporter = self.exporter.pid if self.exporter is not None else None
        return self.workers | set(self.jobs) | ({exporter} if exporter else set())

    def _close_listeners(self) -> None:
        """New connections are refused from now on (unix sockets disappear)."""
        for service, sock in self.listeners:
            if sock.family == socket.AF_UNIX:
                Path(service.entry.args["listen"]).unlink(missing_ok=True)
            sock.close()
        self.listeners = []
