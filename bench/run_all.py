"""Roost against Cyrus, same workloads, same run, same client: ratios at the end.

One run starts each server in turn on loopback (bench.roost_side,
bench.cyrus_side), fills user1..user100's INBOXes the same way
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
from dataclasses import asdict, dataclass, field

from bench.cyrus_side import CyrusSide
from bench.idle_sessions import IdleMemory, measure_idle
from bench.imaptest import LoadConfig, install_loop, run_load
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
    load_detail: dict[str, object] = field(default_factory=dict)
    lmtp: list[LmtpResult] = field(default_factory=list)
    lmtp_note: str = ""
    idle: list[IdleMemory] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def run_loads(side: Side, args: argparse.Namespace, result: SideResult) -> None:
    for mode in args.modes:
        for clients in args.clients:
            key = f"{mode}/{clients}"
            rates = []
            for _ in range(args.repeat):
                cfg = LoadConfig(port=side.imap_port, clients=clients, users=USERS,
                                 password=PASSWORD, seconds=args.seconds,
                                 persistent=mode == "persistent")
                stats = asyncio.run(run_load(cfg))
                rates.append(stats.ops_per_second())
                result.load_detail[key] = stats.summary()
                for name, op in stats.ops.items():
                    result.errors += [f"{key} {name}: {sample} (x{sum(op.errors.values())})"
                                      for sample in op.samples]
            result.load[key] = statistics.median(rates)
            print(f"  {side.name} {key}: {result.load[key]:.0f} ops/s "
                  f"(runs: {', '.join(f'{r:.0f}' for r in rates)})", flush=True)
            if not side.alive():
                result.errors.append(f"{key}: server died\n{side.log_tail()}")
                return


def run_lmtp(side: Side, args: argparse.Namespace, result: SideResult) -> None:
    def measure(target: LmtpTarget) -> list[LmtpResult]:
        return measure_lmtp(target, USERS, [1, 10], args.lmtp_messages,
                            args.lmtp_connections, args.lmtp_rounds)

    result.lmtp = measure(LmtpTarget(unix=side.lmtp_socket))
    result.lmtp_note = "master's lmtpd, unix socket"


def run_side(side: Side, args: argparse.Namespace) -> SideResult:
    result = SideResult(side.name)
    print(f"== {side.name}", flush=True)
    side.start()
    try:
        asyncio.run(populate("127.0.0.1", side.imap_port, USERS, "user{n}", PASSWORD,
                             args.messages))
        run_loads(side, args, result)
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
    return f"{a / b:.2f}" if b else "-"


def report(roost: SideResult, cyrus: SideResult) -> str:
    rows = [f"{'measure':<32} {'roost':>10} {'cyrus':>10} {'roost/cyrus':>12}"]
    for key in dict.fromkeys([*roost.load, *cyrus.load]):
        r, c = roost.load.get(key, 0.0), cyrus.load.get(key, 0.0)
        rows.append(f"{'IMAP ops/s ' + key:<32} {r:>10.0f} {c:>10.0f} {ratio(r, c):>12}")
    for r_lmtp, c_lmtp in zip(roost.lmtp, cyrus.lmtp):
        r, c = r_lmtp.deliveries_per_s, c_lmtp.deliveries_per_s
        name = f"LMTP deliveries/s {r_lmtp.recipients} rcpt"
        rows.append(f"{name:<32} {r:>10.0f} {c:>10.0f} {ratio(r, c):>12}")
    cyrus_idle = {m.sessions: m for m in cyrus.idle}
    for idle in roost.idle:
        other = cyrus_idle.get(idle.sessions)
        c = other.held_mib if other else 0.0
        name = f"PSS MiB, {idle.sessions} idle sessions"
        rows.append(f"{name:<32} {idle.held_mib:>10.1f} {c:>10.1f} {ratio(idle.held_mib, c):>12}")
    rows.append(f"LMTP: roost via {roost.lmtp_note}; cyrus via {cyrus.lmtp_note}")
    for side in (roost, cyrus):
        for error in side.errors:
            rows.append(f"{side.name} error: {error}")
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
    parser.add_argument("--servers", nargs="+", default=["roost", "cyrus"],
                        choices=["roost", "cyrus"], help="measure only these (others: 0)")
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args(argv)
    install_loop()
    roost = run_side(RoostSide(USERS, PASSWORD, args.workers), args) \
        if "roost" in args.servers else SideResult("roost")
    cyrus = run_side(CyrusSide(USERS, PASSWORD), args) \
        if "cyrus" in args.servers else SideResult("cyrus")
    print(report(roost, cyrus))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"roost": asdict(roost), "cyrus": asdict(cyrus)}, f, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
