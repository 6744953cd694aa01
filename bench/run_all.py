"""Roost against Cyrus and Dovecot, same workloads, same run, same client: ratios at the end.

One run starts each server in turn on loopback (bench.roost_side,
bench.cyrus_side, bench.dovecot_side), fills user1..user100's INBOXes the same way
(bench.populate), then measures:

- the imaptest-like mix (bench.imaptest) at 10, 50 and 200 clients, churn
  and persistent, `--seconds` each, median of `--repeat` runs;
- LMTP deliveries/s with 1 and 10 recipients per message (bench.lmtp_phase);
- PSS of the server's process tree holding 200 idle authenticated sessions,
  and for Roost also 1,000 (bench.idle_sessions).

Errors (NO/BAD replies, dropped connections, a dead server) are kept
verbatim and printed: a failure under load is a finding, not noise.

    python -m bench.run_all --seconds 20 --json results.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from bench.cyrus_side import CyrusSide
from bench.dovecot_side import DovecotSide
from bench.idle_sessions import IdleMemory, measure_idle
from bench.imaptest import LoadConfig, install_loop, run_load
from bench.lmtp_client import LmtpError
from bench.lmtp_phase import LmtpResult, LmtpTarget, measure_lmtp
from bench.populate import populate
from bench.roost_side import RoostSide
from bench.sides import Side

USERS = 100
PASSWORD = "secret"


@dataclass
class SideResult:
    """Everything measured on one server."""

    name: str
    load: dict[str, float] = field(default_factory=dict)  # "churn/10" -> median ops/s
    cpu: dict[str, float] = field(default_factory=dict)  # "churn/10" -> CPU s per 1,000 ops
    load_detail: dict[str, object] = field(default_factory=dict)
    lmtp: list[LmtpResult] = field(default_factory=list)
    lmtp_note: str = ""
    idle: list[IdleMemory] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def run_loads(side: Side, args: argparse.Namespace, result: SideResult) -> None:
    for mode in args.modes:
        for clients in args.clients:
            key = f"{mode}/{clients}"
            rates, cpus = [], []
            for _ in range(args.repeat):
                cfg = LoadConfig(port=side.imap_port, clients=clients, users=USERS,
                                 password=PASSWORD, seconds=args.seconds,
                                 persistent=mode == "persistent")
                stats = asyncio.run(run_load(cfg, side.pid))
                rates.append(stats.ops_per_second())
                cpus.append((stats.server_cpu or 0.0) * 1000 / max(1, stats.total_ops))
                result.load_detail[key] = stats.summary()
                for name, op in stats.ops.items():
                    result.errors += [f"{key} {name}: {sample} (x{sum(op.errors.values())})"
                                      for sample in op.samples]
            result.load[key] = statistics.median(rates)
            result.cpu[key] = statistics.median(cpus)
            print(f"  {side.name} {key}: {result.load[key]:.0f} ops/s, "
                  f"{result.cpu[key]:.3f} CPU s per 1,000 ops "
                  f"(runs: {', '.join(f'{r:.0f}' for r in rates)})", flush=True)
            if not side.alive():
                result.errors.append(f"{key}: server died\n{side.log_tail()}")
                return


def run_lmtp(side: Side, args: argparse.Namespace, result: SideResult) -> None:
    def measure(target: LmtpTarget) -> list[LmtpResult]:
        return measure_lmtp(target, USERS, [1, 10], args.lmtp_messages,
                            args.lmtp_connections, args.lmtp_rounds)

    try:
        result.lmtp = measure(LmtpTarget(unix=side.lmtp_socket))
    except LmtpError as err:  # a refused delivery is a finding; idle memory still counts
        result.errors.append(f"LMTP: {err}")
        print(f"  {side.name} LMTP failed: {err}", flush=True)
        return
    result.lmtp_note = "its LMTP service, unix socket"


def run_side(side: Side, args: argparse.Namespace) -> SideResult:
    result = SideResult(side.name)
    print(f"== {side.name}", flush=True)
    try:
        side.start()
        asyncio.run(populate("127.0.0.1", side.imap_port, USERS, "user{n}", PASSWORD,
                             args.messages))
        run_loads(side, args, result)
        if args.lmtp_rounds:
            run_lmtp(side, args, result)
        for line in (f"  {side.name} LMTP {r.recipients} rcpt: {r.deliveries_per_s:.0f} "
                     f"deliveries/s, {r.failed} failed" for r in result.lmtp):
            print(line, flush=True)
        counts = args.idle + (args.roost_idle if side.name == "roost" else [])
        for sessions in counts:
            idle = asyncio.run(measure_idle("127.0.0.1", side.imap_port, side.pid, sessions,
                                            USERS, "user{n}", PASSWORD))
            result.idle.append(idle)
            print(f"  {side.name} {sessions} idle sessions: {idle.held_mib:.1f} MiB PSS "
                  f"({idle.processes} processes, {idle.failed} failed)", flush=True)
            if idle.first_error:
                result.errors.append(f"idle {sessions}: {idle.first_error}")
    except Exception as err:  # noqa: BLE001 -- a crash is a finding: record it, go on
        result.errors.append(f"{err!r}\n{side.log_tail()}")
    finally:
        side.stop()
    return result


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if a and b else "-"


def row(label: str, values: list[float], digits: int) -> str:
    """One measure: each server's figure, then Roost's over each other server's."""
    cells = "".join(f"{v:>10.{digits}f}" for v in values)
    return f"{label:<32}{cells}" + "".join(f"{ratio(values[0], v):>15}" for v in values[1:])


def report(roost: SideResult, others: list[SideResult]) -> str:
    sides = [roost, *others]
    rows = [f"{'measure':<32}" + "".join(f"{s.name:>10}" for s in sides)
            + "".join(f"{'roost/' + s.name:>15}" for s in others)]
    for key in dict.fromkeys(k for s in sides for k in s.load):
        rows.append(row(f"IMAP ops/s {key}", [s.load.get(key, 0.0) for s in sides], 0))
        rows.append(row(f"CPU s/1,000 ops {key}", [s.cpu.get(key, 0.0) for s in sides], 3))
    lmtp = [{r.recipients: r.deliveries_per_s for r in s.lmtp} for s in sides]
    for count in dict.fromkeys(n for by_count in lmtp for n in by_count):
        rows.append(row(f"LMTP deliveries/s {count} rcpt",
                        [by_count.get(count, 0.0) for by_count in lmtp], 0))
    idle = [{m.sessions: m.held_mib for m in s.idle} for s in sides]
    for sessions in sorted({n for by_count in idle for n in by_count}):
        rows.append(row(f"PSS MiB, {sessions} idle sessions",
                        [by_count.get(sessions, 0.0) for by_count in idle], 1))
    notes = [f"{s.name} via {s.lmtp_note}" for s in sides if s.lmtp]
    rows += [f"LMTP: {'; '.join(notes)}"] if notes else []
    rows += [f"{s.name} error: {error}" for s in sides for error in s.errors]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="per load run")
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--modes", nargs="+", default=["churn", "persistent"],
                        choices=["churn", "persistent"])
    parser.add_argument("--repeat", type=int, default=1, help="load runs per point (median)")
    parser.add_argument("--messages", type=int, default=20, help="initial INBOX size")
    parser.add_argument("--lmtp-messages", type=int, default=200, help="per LMTP round")
    parser.add_argument("--lmtp-connections", type=int, default=4)
    parser.add_argument("--lmtp-rounds", type=int, default=3)
    parser.add_argument("--idle", type=int, nargs="*", default=[200])
    parser.add_argument("--roost-idle", type=int, nargs="*", default=[1000])
    parser.add_argument("--workers", type=int, default=0, help="Roost workers (0: per core)")
    parser.add_argument("--servers", nargs="+", default=["roost", "cyrus", "dovecot"],
                        choices=["roost", "cyrus", "dovecot"],
                        help="measure only these (others: 0)")
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args(argv)
    install_loop()
    sides: dict[str, Callable[[], Side]] = {
        "roost": lambda: RoostSide(USERS, PASSWORD, args.workers),
        "cyrus": lambda: CyrusSide(USERS, PASSWORD),
        "dovecot": lambda: DovecotSide(USERS, PASSWORD),
    }
    results = [run_side(make(), args) if name in args.servers else SideResult(name)
               for name, make in sides.items()]
    print(report(results[0], results[1:]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({r.name: asdict(r) for r in results}, f, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
