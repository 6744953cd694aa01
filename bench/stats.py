"""Per-command counters and latency percentiles of a load run.

Kept apart from the load generator so every benchmark (IMAP, LMTP) reports
the same way: completed operations per second, errors by their exact reply
(the first few of each kind are kept verbatim: they are what a bug report
needs), and p50/p90/p99 latency.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

KEEP_ERRORS = 5


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


@dataclass
class OpStats:
    """One command's outcomes: latencies of successes, errors by kind."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)

    def error(self, kind: str, sample: str) -> None:
        self.errors[kind] += 1
        if len(self.samples) < KEEP_ERRORS and sample not in self.samples:
            self.samples.append(sample)


@dataclass
class RunStats:
    """All commands of one run, measured over `seconds` of wall time."""

    ops: dict[str, OpStats] = field(default_factory=dict)
    seconds: float = 0.0
    #: CPU seconds the server's process tree used during the run, when measured.
    server_cpu: float | None = None

    def op(self, name: str) -> OpStats:
        return self.ops.setdefault(name, OpStats())

    def ok(self, name: str, latency: float) -> None:
        self.op(name).latencies.append(latency)

    @property
    def total_ops(self) -> int:
        return sum(len(op.latencies) for op in self.ops.values())

    @property
    def total_errors(self) -> int:
        return sum(sum(op.errors.values()) for op in self.ops.values())

    def ops_per_second(self) -> float:
        return self.total_ops / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, object]:
        """JSON-able figures: ops/s and latency (ms) per command and in total."""
        def figures(latencies: list[float]) -> dict[str, float]:
            ordered = sorted(latencies)
            return {"ops_per_s": round(len(ordered) / self.seconds, 1) if self.seconds else 0.0,
                    "p50_ms": round(percentile(ordered, 0.50) * 1000, 2),
                    "p90_ms": round(percentile(ordered, 0.90) * 1000, 2),
                    "p99_ms": round(percentile(ordered, 0.99) * 1000, 2)}
        commands = {name: {**figures(op.latencies), "errors": dict(op.errors),
                           "error_samples": op.samples}
                    for name, op in sorted(self.ops.items())}
        every = [lat for op in self.ops.values() for lat in op.latencies]
        cpu = {} if self.server_cpu is None else {
            "server_cpu_s": round(self.server_cpu, 2),
            "cpu_s_per_1000_ops": round(self.server_cpu * 1000 / max(1, self.total_ops), 3)}
        return {"seconds": round(self.seconds, 2), "total": figures(every),
                "errors": self.total_errors, **cpu, "commands": commands}

    def table(self) -> str:
        """The summary as aligned text for a terminal."""
        summary = self.summary()
        rows = [f"{'command':<10} {'ops/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} errors"]
        commands: dict[str, dict[str, object]] = summary["commands"]  # type: ignore[assignment]
        for name, fig in [*commands.items(), ("TOTAL", summary["total"])]:
            assert isinstance(fig, dict)
            errors = sum(fig.get("errors", {}).values()) if name != "TOTAL" else summary["errors"]
            rows.append(f"{name:<10} {fig['ops_per_s']:>9} {fig['p50_ms']:>8} "
                        f"{fig['p90_ms']:>8} {fig['p99_ms']:>8} {errors}")
        if "cpu_s_per_1000_ops" in summary:
            rows.append(f"server CPU {summary['server_cpu_s']} s, "
                        f"{summary['cpu_s_per_1000_ops']} s per 1,000 operations")
        for name, fig in commands.items():
            for sample in fig["error_samples"]:  # type: ignore[attr-defined]
                rows.append(f"  {name} error: {sample}")
        return "\n".join(rows)
