"""One node on SQLite and files, one node on PostgreSQL + S3, two nodes on
PostgreSQL + S3 (clients split over both), in one run.

Own generator, built from the existing load generators: the mixed IMAP
workload is bench/imaptest.py (imaptest's default profile, `--clients`
persistent clients for `--seconds`), LMTP is bench/lmtp_delivery.py's
round (`--messages` over `--connections`, one recipient each). Each
figure is the median of `--runs`. Per configuration:

- FETCH BODY.PEEK[] of `--fetch-messages` bodies of `--fetch-size`, one
  at a time, p50/p99: cold (the node's configdirectory/blobcache emptied;
  with two nodes, read on the node that did not append them) and warm (the
  same bodies again). PEEK, so the figure is the body read and not also
  the \\Seen write BODY[] makes the first time. On files there is no
  cache layer: both passes read the spool (the OS page cache is warm).
- LMTP deliveries/s (with two nodes, the connections split over both).
- the mix: ops/s and the CPU seconds per 1,000 ops of the Roost nodes,
  PostgreSQL's server processes and the S3 server, each apart.

PostgreSQL is a throwaway local cluster started as bench/store_backends.py
starts it (fsync on, unix socket). The S3 server is moto (PyPI
`moto[server]`, its `moto_server` in a process of its own on loopback): an
in-process Python stand-in for S3 that keeps objects in memory, far slower
per request than a real S3 service's CPU but with none of its network
latency (a real bucket is 10-30 ms a request away), so the PostgreSQL + S3
figures show Roost's overheads, not what a real bucket would give.

Everything runs on this one machine: two nodes share its cores with each
other, PostgreSQL, moto and the load generators, so the two-node figure
shows what a second node costs and that it serves correctly under load,
not scale-out.

    python -m bench.nodes
    python -m bench.nodes --clients 10 --seconds 20 --runs 3 --json nodes.json
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import shutil
import statistics
import subprocess
import time

from bench.cli import free_port, save_medians, side_parser
from bench.imap_client import ImapClient
from bench.imaptest import LoadConfig, install_loop, run_load
from bench.lmtp_delivery import make_message, one_round
from bench.memory import tree_cpu_seconds
from bench.roost_side import RoostSide
from bench.sides import wait_for_port
from bench.stats import percentile

PASSWORD = "secret"
CONFIGS = ("sqlite", "pg+s3 x1", "pg+s3 x2")


class Node(RoostSide):
    """A Roost master with user1..user(N+1); a node after the first (`first=False`) shares the
    first one's store, so it only writes its own passwords (each node keeps
    its credentials in its own configdirectory until they move to PostgreSQL)."""

    def __init__(self, users: int, workers: int, extra_conf: str, first: bool) -> None:
        super().__init__(users + 1, PASSWORD, workers, imap_port=free_port(),
                         extra_conf=extra_conf)
        self.first = first

    async def _create_users(self) -> None:
        if self.first:
            await super()._create_users()
            return
        from roost.auth.open_credentials import open_credential_store
        from roost.config import load_config

        (self.root / "config").mkdir()
        creds = open_credential_store(load_config(str(self.root / "imapd.conf")))
        try:
            for n in range(1, self.users + 1):
                creds.set_password(f"user{n}", PASSWORD)
        finally:
            creds.close()


async def fetch_latencies(writer: Node, reader: Node, args: argparse.Namespace
                          ) -> dict[str, float]:
    """APPEND the bodies through `writer`, read them on `reader`, cold then warm (ms)."""
    user = f"user{args.users + 1}"  # a mailbox of its own: LMTP and the mix use 1..users
    imap = await ImapClient.connect("127.0.0.1", writer.imap_port)
    await imap.login(user, PASSWORD)
    for n in range(args.fetch_messages):
        assert (await imap.command("APPEND INBOX", make_message(n, args.fetch_size))).status == "OK"
    await imap.close()
    shutil.rmtree(reader.root / "config" / "blobcache", ignore_errors=True)
    imap = await ImapClient.connect("127.0.0.1", reader.imap_port)
    await imap.login(user, PASSWORD)
    await imap.command("SELECT INBOX")
    found: dict[str, float] = {}
    for label in ("cold", "warm"):
        latencies = []
        for seq in range(1, args.fetch_messages + 1):
            started = time.perf_counter()
            assert (await imap.command(f"FETCH {seq} BODY.PEEK[]")).status == "OK"
            latencies.append(time.perf_counter() - started)
        latencies.sort()
        found[f"fetch {label} p50 ms"] = percentile(latencies, 0.50) * 1000
        found[f"fetch {label} p99 ms"] = percentile(latencies, 0.99) * 1000
    await imap.command("STORE 1:* +FLAGS.SILENT (\\Deleted)")  # the next run starts empty
    await imap.command("EXPUNGE")
    await imap.close()
    return found


async def deliveries(nodes: list[Node], args: argparse.Namespace) -> float:
    """LMTP deliveries/s of one round, its connections split over the nodes."""
    counter = itertools.count()
    share = argparse.Namespace(host="127.0.0.1", port=None, users=args.users, domain="",
                               messages=args.messages // len(nodes), size=4096,
                               connections=max(1, args.connections // len(nodes)),
                               lock_step=False)
    started = time.perf_counter()
    rounds = await asyncio.gather(*(one_round(argparse.Namespace(**vars(share),
                                                                 unix=node.lmtp_socket),
                                              1, counter) for node in nodes))
    assert all(failed == 0 for _, _, failed in rounds), rounds
    return int(share.messages) * len(nodes) / (time.perf_counter() - started)


async def mix(config: str, nodes: list[Node], args: argparse.Namespace,
              others: dict[str, int]) -> dict[str, float]:
    """imaptest's mix, its clients split over the nodes; ops/s and CPU per 1,000 ops."""
    before = {name: tree_cpu_seconds(pid) for name, pid in others.items()}
    runs = await asyncio.gather(*(run_load(LoadConfig(
        port=node.imap_port, clients=args.clients // len(nodes), users=args.users,
        password=PASSWORD, seconds=args.seconds, persistent=True, seed=args.seed + k),
        node.pid) for k, node in enumerate(nodes)))
    ops = sum(run.total_ops for run in runs)
    per = 1000 / max(1, ops)
    for sample in sorted({f"{name}: {s}" for run in runs for name, op in run.ops.items()
                          for s in op.samples}):
        print(f"  {config}: {sample}")
    # NO replies count (EXPUNGEISSUED when two clients of one user race is
    # correct IMAP), so they are shown (and the first of each kind printed), not fatal
    found = {"mix ops/s": ops / args.seconds,
             "mix NO/BAD replies": float(sum(run.total_errors for run in runs)),
             "roost CPU s/1000 ops": sum(run.server_cpu or 0.0 for run in runs) * per}
    for name, pid in others.items():
        found[f"{name} CPU s/1000 ops"] = (tree_cpu_seconds(pid) - before[name]) * per
    return found


def measure(config: str, extra: str, args: argparse.Namespace,
            others: dict[str, int]) -> dict[str, list[float]]:
    count = 2 if config.endswith("x2") else 1
    nodes = [Node(args.users, args.workers, extra, first=(k == 0)) for k in range(count)]
    results: dict[str, list[float]] = {}
    try:
        for node in nodes:
            node.start()
        for _ in range(args.runs):
            figures = asyncio.run(fetch_latencies(nodes[0], nodes[-1], args))
            figures["LMTP deliveries/s"] = asyncio.run(deliveries(nodes, args))
            figures.update(asyncio.run(mix(config, nodes, args, others)))
            for key, value in figures.items():
                results.setdefault(key, []).append(value)
    finally:
        for node in nodes:
            node.stop()
    return results


def moto_server(port: int) -> subprocess.Popen[bytes]:
    """moto's S3 server in a process of its own, so its CPU is its own."""
    process = subprocess.Popen([shutil.which("moto_server") or "moto_server",
                                "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process)
    return process


def print_table(results: dict[str, dict[str, list[float]]], args: argparse.Namespace) -> None:
    print(f"{args.clients} clients, {args.seconds:.0f} s mix, {args.messages} LMTP messages, "
          f"{args.fetch_messages} bodies of {args.fetch_size} octets, {args.workers} worker(s)"
          f" per node, medians of {args.runs} run(s)")
    print(f"{'':<24}" + "".join(f"{c:>12}" for c in CONFIGS))
    def median(config: str, key: str) -> str:
        values = results[config].get(key)
        return f"{statistics.median(values):>12.2f}" if values else f"{'-':>12}"
    for key in dict.fromkeys(k for c in CONFIGS for k in results[c]):
        print(f"{key:<24}" + "".join(median(c, key) for c in CONFIGS))


def main() -> None:
    parser = side_parser(__doc__.split("\n\n")[0], runs=1, seed=1, servers=("roost",))
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--messages", type=int, default=200, help="LMTP messages per round")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--fetch-messages", type=int, default=100)
    parser.add_argument("--fetch-size", type=int, default=32768)
    parser.add_argument("--workers", type=int, default=1, help="worker processes per node")
    args = parser.parse_args()
    install_loop()
    from tests.harness.postgres import Postgres, start_cluster  # the test run's cluster
    from tests.harness.s3 import new_bucket

    s3_port = free_port()
    moto = moto_server(s3_port)
    try:
        with start_cluster(None, "-c fsync=on") as home:
            postmaster = int((home / "data" / "postmaster.pid").read_text().split()[0])
            others = {"postgres": postmaster, "s3 (moto)": moto.pid}
            results = {"sqlite": measure("sqlite", "", args, {})}
            for config in CONFIGS[1:]:
                bucket = new_bucket(f"http://127.0.0.1:{s3_port}")
                shared = (f"store_backend: postgres\nstore_dsn: {Postgres(home).new_schema()}\n"
                          + bucket.config())
                results[config] = measure(config, shared, args, others)
    finally:
        moto.terminate()
        moto.wait(timeout=10)
    print_table(results, args)
    save_medians(args.json, {c: {k: statistics.median(v) for k, v in r.items()}
                             for c, r in results.items()})


if __name__ == "__main__":
    main()
