"""IMAP STORE and EXPUNGE with flag changes synced before their OK, and not.

    python -m bench.flag_sync                     # Roost (delay 0, then 1), then Dovecot
    python -m bench.flag_sync --no-dovecot --clients 1 4

Roost runs twice (bench/roost_side.py): `flag_sync_delay: 0` (each flag
change and expunge synced to disk before its OK, the default) and
`flag_sync_delay: 1` (answered once committed, synced within a second);
Dovecot (bench/dovecot_side.py, its defaults: `mail_fsync = optimized`,
which does not fsync flag changes) runs beside them. Each client logs in
as its own user, APPENDs `--messages` messages to its INBOX, selects it
and then sends `--stores` single-message `STORE n +FLAGS.SILENT (\\Flagged)`
/ `-FLAGS` in lock step, then a tenth as many `STORE 1 +FLAGS.SILENT
(\\Deleted)` + `EXPUNGE` pairs. Figures: STOREs per second over all
clients, and the median STORE latency. Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from bench.cli import free_port
from bench.imap_client import ImapClient
from bench.sides import Side

PASSWORD = "bench-pass"
MESSAGE = b"From: a@example.org\r\nSubject: flags\r\n\r\n" + b"body line\r\n" * 300


async def client(side: Side, user: str, args: argparse.Namespace) -> tuple[list[float], int]:
    """One user's session: its STORE latencies (s) and how many expunges it made."""
    imap = await ImapClient.connect("127.0.0.1", side.imap_port)
    try:
        await imap.login(user, PASSWORD)
        for _ in range(args.messages):
            await imap.command("APPEND INBOX", MESSAGE)
        await imap.command("SELECT INBOX")
        latencies = []
        for n in range(args.stores):
            seq = n % args.messages + 1
            sign = "+" if n // args.messages % 2 == 0 else "-"
            started = time.perf_counter()
            reply = await imap.command(f"STORE {seq} {sign}FLAGS.SILENT (\\Flagged)")
            latencies.append(time.perf_counter() - started)
            if reply.status != "OK":
                raise RuntimeError(f"STORE: {reply.text}")
        expunged = 0
        for _ in range(args.stores // 10):
            await imap.command("STORE 1 +FLAGS.SILENT (\\Deleted)")
            await imap.command("EXPUNGE")
            expunged += 1
        await imap.command("LOGOUT")
        return latencies, expunged
    finally:
        await imap.close()


async def measure(side: Side, args: argparse.Namespace, clients: int) -> tuple[float, float]:
    """(STOREs per second, median STORE latency in ms) with `clients` sessions."""
    runs = await asyncio.gather(*(client(side, f"user{k}", args)
                                  for k in range(1, clients + 1)))
    latencies = [value for run, _ in runs for value in run]
    # clients run side by side: the STORE phase lasts about their mean total
    store_time = sum(latencies) / clients
    return len(latencies) / store_time, statistics.median(latencies) * 1000


def main() -> None:
    from bench.dovecot_side import DovecotSide
    from bench.roost_side import RoostSide

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--stores", type=int, default=300, help="STOREs per client")
    parser.add_argument("--delay", type=int, default=1, help="the lazy flag_sync_delay")
    parser.add_argument("--no-dovecot", action="store_true")
    args = parser.parse_args()
    users = max(args.clients)
    sides: list[tuple[str, Side]] = [
        (f"roost delay {delay}", RoostSide(users, PASSWORD, imap_port=free_port(),
                                           extra_conf=f"flag_sync_delay: {delay}\n"))
        for delay in (0, args.delay)]
    if not args.no_dovecot:
        sides.append(("dovecot", DovecotSide(users, PASSWORD, imap_port=free_port())))
    for label, side in sides:
        print(f"== {label}", flush=True)
        try:
            side.start()
            for clients in args.clients:
                rate, latency = asyncio.run(measure(side, args, clients))
                print(f"  {label}, {clients} clients: {rate:8.1f} STORE/s, "
                      f"median {latency:.2f} ms", flush=True)
        except Exception as err:  # noqa: BLE001 -- a failure is a finding: print it, go on
            print(f"  {label} failed: {err!r}\n{side.log_tail()}", flush=True)
        finally:
            side.stop()


if __name__ == "__main__":
    main()
