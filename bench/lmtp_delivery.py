"""LMTP deliveries per second, 1 and 10 recipients per message; medians of rounds.

    python -m bench.lmtp_delivery                      # starts Roost in a subprocess
    python -m bench.lmtp_delivery --host 127.0.0.1 --port 24 --users 100
                                                       # any running LMTP server

Without --port a throwaway Roost site (store, users user1..userN with an
INBOX) is made in a temp directory and its LMTP service runs in a
subprocess on uvloop (`serve`), so client and server never share a loop.
Each round sends a bounded number of messages over several connections;
the figures are medians over the rounds. Loopback only. `--lock-step`
sends one command at a time as Postfix's smtp-source does
(bench/lmtp_smtp_source.py; docs/benchmarks.md says how the two agree).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.cli import free_port
from bench.lmtp_client import LmtpClient
from bench.sides import wait_for_port

try:
    from uvloop import run
except ImportError:  # bench/__init__: uvloop when present
    from asyncio import run  # type: ignore[assignment]

BODY_LINE = b"The quick brown fox jumps over the lazy dog. 0123456789 abcdefghij\r\n"


def make_message(n: int, size: int) -> bytes:
    """A distinct message (its own Message-ID: duplicate suppression stays out) of ~size bytes."""
    head = (f"From: bench@example.org\r\nTo: users@example.org\r\nSubject: bench {n}\r\n"
            f"Message-ID: <bench-{n}-{time.monotonic_ns()}@example.org>\r\n\r\n").encode()
    return head + BODY_LINE * max(1, (size - len(head)) // len(BODY_LINE))


async def one_round(args: argparse.Namespace, recipients: int, counter: itertools.count[int]
                    ) -> tuple[float, float, int]:
    """(messages/s, median latency in s, failed recipient replies) of one round."""
    per_connection = args.messages // args.connections
    latencies: list[float] = []
    failures = 0

    async def worker(slot: int) -> None:
        nonlocal failures
        client = await LmtpClient.connect(args.host, args.port, args.unix)
        client.lock_step = getattr(args, "lock_step", False)
        for _ in range(per_connection):
            n = next(counter)
            rcpts = [f"user{(n + i) % args.users + 1}{args.domain}" for i in range(recipients)]
            started = time.perf_counter()
            replies = await client.send("bench@example.org", rcpts, make_message(n, args.size))
            latencies.append(time.perf_counter() - started)
            failures += sum(not r.startswith("250") for r in replies)
            failures += recipients - len(replies)
        await client.quit()

    started = time.perf_counter()
    await asyncio.gather(*(worker(slot) for slot in range(args.connections)))
    elapsed = time.perf_counter() - started
    return per_connection * args.connections / elapsed, statistics.median(latencies), failures


async def measure(args: argparse.Namespace) -> None:
    counter = itertools.count()
    print(f"{args.messages} messages/round over {args.connections} connections, "
          f"{args.size} bytes, {args.rounds} rounds, target "
          f"{args.unix or f'{args.host}:{args.port}'}")
    for recipients in args.recipients:
        rates, latencies, failed = [], [], 0
        for _ in range(args.rounds):
            rate, latency, failures = await one_round(args, recipients, counter)
            rates.append(rate)
            latencies.append(latency)
            failed += failures
        rate = statistics.median(rates)
        print(f"{recipients:3d} rcpt/msg: {rate:8.1f} msg/s  {rate * recipients:8.1f} "
              f"deliveries/s  median latency {statistics.median(latencies) * 1000:7.2f} ms"
              f"  failed replies {failed}")


# -- the Roost side: a throwaway site and its LMTP service in a subprocess ----

async def serve(site: Path, port: int, users: int, fsync: bool) -> None:
    """Subprocess: make the site's store and users, serve LMTP until killed."""
    from roost.config import parse_config
    from roost.lmtp import LmtpService
    from roost.store.names import user_inbox
    from roost.store.open import open_scripts, open_store

    conf = parse_config(f"configdirectory: {site / 'config'}\n"
                        f"partition-default: {site / 'spool'}\n"
                        f"servername: roost.bench\nfsync: {'yes' if fsync else 'no'}\n")
    store = open_store(conf)
    for i in range(1, users + 1):
        await store.create_mailbox(user_inbox(f"user{i}"))
    # With the site's script store, as the master runs it: every recipient's
    # delivery asks for an active Sieve script (these users have none).
    service = LmtpService(conf, store, scripts=open_scripts(conf, store))
    await service.start_tcp("127.0.0.1", port)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, help="an LMTP server already running (else: Roost)")
    parser.add_argument("--unix", help="unix socket path of an LMTP server instead of TCP")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--domain", default="", help="appended to user names, e.g. @example.com")
    parser.add_argument("--messages", type=int, default=200, help="messages per round")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", type=int, default=4096, help="message size in bytes")
    parser.add_argument("--recipients", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--no-fsync", action="store_true", help="Roost side: fsync: no")
    parser.add_argument("--lock-step", action="store_true",
                        help="one command per reply, as smtp-source (default: pipelined)")
    sub = parser.add_subparsers(dest="command")
    serve_cmd = sub.add_parser("serve", help="(internal) run the Roost side")
    serve_cmd.add_argument("site", type=Path)
    serve_cmd.add_argument("serve_port", type=int)
    args = parser.parse_args()

    if args.command == "serve":
        run(serve(args.site, args.serve_port, args.users, not args.no_fsync))
        return
    if args.port or args.unix:
        run(measure(args))
        return
    with tempfile.TemporaryDirectory(prefix="roost-lmtp-bench-") as site:
        args.port = free_port()
        command = [sys.executable, "-m", "bench.lmtp_delivery", "--users", str(args.users)]
        if args.no_fsync:
            command.append("--no-fsync")
        process = subprocess.Popen([*command, "serve", site, str(args.port)])
        try:
            wait_for_port(args.port, process)
            run(measure(args))
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
