"""The Prometheus endpoint: one exporter process beside the workers.

Workers are separate processes, each counting its own connections,
commands and commits. Two ways exist to show one set of numbers: the
master asks every worker and adds up, or every process writes its values
where one reader sums them. Roost takes the second, prometheus_client's
multiprocess mode: a worker that is busy, blocked or just killed cannot
delay or falsify a scrape, and a dead worker's counts stay in the totals
(counters never go down when a worker is replaced). The master:

- before any worker exists, empties `<configdirectory>/metrics/` and sets
  PROMETHEUS_MULTIPROC_DIR to it (inherited by every worker, which writes
  its values there as memory-mapped files);
- binds 127.0.0.1:`metrics_port` itself (a taken port stops the start
  with a clear error, as a service's does) and forks one exporter that
  answers `GET /metrics` by summing the directory; an exporter that ends
  is started again, like a worker;
- when a worker ends, drops its live gauges (open connections) so they
  are not counted twice.

The master serves no HTTP itself: its single loop must never wait on a
slow scraper, and it stays free of threads so that forking stays safe.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import time
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path

from roost.config import Config, ConfigError
from roost.master.signals import FORK_BLOCKED

log = logging.getLogger(__name__)

#: Pause before an exporter that ended is started again.
RESTART_PAUSE = 1.0
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def metrics_dir(conf: Config) -> Path:
    return Path(conf.configdirectory) / "metrics"


def prepare_metrics_dir(conf: Config) -> Path | None:
    """With `metrics_port` set: a fresh values directory, named in the
    environment that workers inherit. None when metrics are off."""
    if not conf.metrics_port:
        return None
    directory = metrics_dir(conf)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(directory)
    return directory


def forget_worker(directory: Path | None, pid: int) -> None:
    """A worker ended: its live gauges leave the sums (its counters stay)."""
    if directory is None:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]


def bind_metrics(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as err:
        sock.close()
        raise ConfigError(f"metrics_port {port}: {err.strerror}") from None
    sock.listen(16)
    return sock


def serve_metrics(sock: socket.socket, directory: Path) -> None:
    """In the exporter process: answer scrapes until SIGTERM."""
    from prometheus_client import CollectorRegistry, multiprocess
    from prometheus_client.exposition import MetricsHandler

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(directory))  # type: ignore[no-untyped-call]
    server = ThreadingHTTPServer(sock.getsockname()[:2], MetricsHandler.factory(registry),
                                 bind_and_activate=False)
    server.socket.close()
    server.socket = sock
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the master stops it with SIGTERM
    signal.pthread_sigmask(signal.SIG_UNBLOCK, FORK_BLOCKED)
    server.serve_forever()


class Exporter:
    """The master's handle on its exporter process."""

    def __init__(self, conf: Config, directory: Path) -> None:
        self.directory = directory
        self.sock = bind_metrics(conf.metrics_port)
        self.pid: int | None = None
        self.restart_at: float | None = None

    def start(self, forget_master: Callable[[], None]) -> None:
        """Fork the exporter (call with FORK_BLOCKED blocked)."""
        self.restart_at = None
        pid = os.fork()
        if pid:
            self.pid = pid
            log.info("metrics exporter %d serving 127.0.0.1:%d", pid,
                     self.sock.getsockname()[1])
            return
        code = 0
        try:
            forget_master()
            serve_metrics(self.sock, self.directory)
        except BaseException:
            log.exception("metrics exporter %d failed", os.getpid())
            code = 1
        finally:
            logging.shutdown()
            os._exit(code)

    def ended(self, pid: int, stopping: bool, how: str) -> bool:
        """Whether `pid` was the exporter; if so, schedule its restart."""
        if pid != self.pid:
            return False
        self.pid = None
        if not stopping:
            log.warning("metrics exporter %d %s; starting another", pid, how)
            self.restart_at = time.monotonic() + RESTART_PAUSE
        return True

    def close(self) -> None:
        self.sock.close()
