"""The Prometheus metrics of a Roost process.

Workers are separate processes (roost.master), so the metrics use
prometheus_client's multiprocess mode when the master turned it on (it
sets PROMETHEUS_MULTIPROC_DIR before any worker exists, see
roost.master.exporter): each process writes its values to memory-mapped
files in that directory and the exporter sums them at every scrape. This
is why prometheus_client is imported here lazily, at the first metric
used: the mode is fixed when the library is first imported. Without the
master (tests, tools) the same metrics live in the process's default
registry.
"""

from __future__ import annotations

import asyncio
import logging
import time
from functools import lru_cache
from typing import TYPE_CHECKING

from roost.store.observe import set_store_observer

if TYPE_CHECKING:
    from prometheus_client import Counter, Gauge, Histogram

log = logging.getLogger(__name__)

#: Seconds between two event-loop lag probes.
LAG_PROBE_INTERVAL = 0.5
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                   2.5, 5.0, 10.0, 30.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000)
RATIO_BUCKETS = (0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0)


class Metrics:
    """Every metric Roost exports; one instance per process (`metrics()`)."""

    def __init__(self) -> None:
        from prometheus_client import Counter, Gauge, Histogram

        self.connections: Counter = Counter(
            "roost_connections", "Client connections accepted", ["service"])
        self.connections_open: Gauge = Gauge(
            "roost_connections_open", "Client connections open now", ["service"],
            multiprocess_mode="livesum")
        self.commands: Counter = Counter(
            "roost_commands", "Commands handled", ["service", "command"])
        self.command_seconds: Histogram = Histogram(
            "roost_command_seconds", "Time to handle one command", ["service", "command"],
            buckets=LATENCY_BUCKETS)
        self.logins: Counter = Counter("roost_logins", "Successful logins", ["service"])
        self.auth_failures: Counter = Counter(
            "roost_auth_failures", "Failed logins (wrong credentials or exchange)", ["service"])
        self.deliveries: Counter = Counter(
            "roost_deliveries", "Recipients of LMTP deliveries, by outcome", ["outcome"])
        self.quota_usage: Histogram = Histogram(
            "roost_quota_usage_ratio",
            "Storage used over the limit of a recipient's quota root, at delivery",
            buckets=RATIO_BUCKETS)
        self.loop_lag: Histogram = Histogram(
            "roost_event_loop_lag_seconds", "How late a worker's event loop ran a timer",
            buckets=LATENCY_BUCKETS)
        self.commit_batch: Histogram = Histogram(
            "roost_store_commit_batch_size", "Operations in one group commit",
            buckets=BATCH_BUCKETS)
        self.commit_seconds: Histogram = Histogram(
            "roost_store_commit_seconds", "Time of one COMMIT (with its log fsync)",
            buckets=LATENCY_BUCKETS)
        self.body_sync_seconds: Histogram = Histogram(
            "roost_store_body_sync_seconds", "Time to make one commit's body files durable",
            buckets=LATENCY_BUCKETS)
        self._per_command: dict[tuple[str, str], tuple[Counter, Histogram]] = {}

    def command(self, service: str, name: str) -> tuple[Counter, Histogram]:
        """The counter and histogram of one command, looked up once (labels() locks)."""
        key = (service, name)
        found = self._per_command.get(key)
        if found is None:
            found = (self.commands.labels(service, name),
                     self.command_seconds.labels(service, name))
            self._per_command[key] = found
        return found


@lru_cache(maxsize=1)
def metrics() -> Metrics:
    """This process's metrics, made at first use."""
    return Metrics()


class StoreMetrics:
    """The store's observer (roost.store.observe) that feeds the metrics."""

    def __init__(self, m: Metrics) -> None:
        self.m = m

    def committed(self, batch_size: int, seconds: float) -> None:
        self.m.commit_batch.observe(batch_size)
        self.m.commit_seconds.observe(seconds)

    def bodies_synced(self, seconds: float) -> None:
        self.m.body_sync_seconds.observe(seconds)


def watch_store() -> None:
    """Feed this process's store measurements into the metrics."""
    set_store_observer(StoreMetrics(metrics()))


async def probe_loop_lag(stop: asyncio.Event) -> None:
    """Until `stop`: sleep LAG_PROBE_INTERVAL and record how late the wake-up came.

    A blocked event loop (a slow synchronous call in a handler) shows here
    as lag long before the master's heartbeat timeout kills the worker.
    """
    lag = metrics().loop_lag
    while not stop.is_set():
        started = time.monotonic()
        try:
            async with asyncio.timeout(LAG_PROBE_INTERVAL):
                await stop.wait()
        except TimeoutError:
            late = time.monotonic() - started - LAG_PROBE_INTERVAL
            lag.observe(max(0.0, late))
