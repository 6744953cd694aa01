"""SORT and THREAD on 10,000 and 100,000 messages, Roost beside Cyrus.

Each server is started in turn on loopback (bench.roost_side,
bench.cyrus_side) in the same run and given the same generated mailbox
over IMAP APPEND: small messages in threads (Message-ID, References or
only In-Reply-To, "Re:"/"Fwd:"/"[list]" subjects, some without Date:),
so REFERENCES has real work. The INBOX is filled to each size in turn
and, EXAMINEd, timed with SORT (SUBJECT), SORT (REVERSE DATE), SORT
(FROM), SORT (DISPLAYFROM) where offered, THREAD REFERENCES and THREAD
ORDEREDSUBJECT. While the biggest THREAD runs, a second session sends
NOOPs: its slowest answer is what other sessions of the worker wait.

The first run (Roost then fills its worker's sort-key cache from the
parse cache) and the median of `--runs` runs, then Roost's time over
Cyrus's (below 1: Roost is faster). The replies are not compared here:
concurrent APPENDs land in a different order on each server, and ties
go by that order; tests/e2e/test_sort_thread_cyrus.py compares them.

    python -m bench.sort_thread                        # 10,000 and 100,000, 3 runs
    python -m bench.sort_thread --sizes 2000 --servers roost
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from bench.cli import side_parser
from bench.cyrus_side import CyrusSide
from bench.hot_paths import PASSWORD, USER, _login, _spread, report
from bench.roost_side import RoostSide
from bench.sides import Side

COMMANDS = (
    ("SORT (SUBJECT)", "SORT (SUBJECT) UTF-8 ALL"),
    ("SORT (REVERSE DATE)", "SORT (REVERSE DATE) UTF-8 ALL"),
    ("SORT (FROM)", "SORT (FROM) UTF-8 ALL"),
    ("SORT (DISPLAYFROM)", "SORT (DISPLAYFROM) UTF-8 ALL"),
    ("THREAD REFERENCES", "THREAD REFERENCES UTF-8 ALL"),
    ("THREAD ORDEREDSUBJECT", "THREAD ORDEREDSUBJECT UTF-8 ALL"),
)
NAMES = ("Alice Martin", "bob", "Chloé Bernard", "=?UTF-8?Q?=C3=89va?=", "")
PREFIXES = ("", "Re: ", "RE: re: ", "Fwd: ", "[list] Re: ", "Re[2]: ")
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def corpus(count: int, seed: int) -> list[bytes]:
    """`count` small messages in threads of 1-30, reproducible from `seed`."""
    rng = random.Random(seed)
    out: list[bytes] = []
    topic = 0
    while len(out) < count:
        topic += 1
        ids: list[str] = []
        for _ in range(min(rng.randint(1, 30), count - len(out))):
            n = len(out)
            mid = f"<{n}.{seed}@bench.example>"
            head = [f"Message-ID: {mid}",
                    f"Subject: {rng.choice(PREFIXES) if ids else ''}topic {topic % 5000}"]
            name = rng.choice(NAMES)
            head.append(f"From: {name} <u{rng.randint(0, 300)}@example.org>" if name
                        else f"From: u{rng.randint(0, 300)}@example.org")
            if rng.random() > 0.05:
                when = EPOCH + timedelta(minutes=rng.randint(0, 10**6))
                head.append(f"Date: {format_datetime(when)}")
            if ids:
                parent = rng.choice(ids)
                if rng.random() < 0.8:
                    head.append(f"References: {ids[0]} {parent}")
                head.append(f"In-Reply-To: {parent}")
            ids.append(mid)
            out.append(("\r\n".join(head) + "\r\n\r\nbody\r\n").encode())
    return out


async def timed(port: int, command: str, runs: int) -> tuple[float, float, str]:
    """First-run and median seconds, and the status."""
    imap = await _login(port, USER)
    try:
        await imap.command("EXAMINE INBOX")
        seconds, status = [], ""
        for _ in range(runs):
            start = time.perf_counter()
            reply = await imap.command(command)
            seconds.append(time.perf_counter() - start)
            status = reply.status
        return seconds[0], statistics.median(seconds), status
    finally:
        await imap.close()


async def stall_during(port: int, command: str) -> float:
    """The slowest NOOP of a second session while `command` runs."""
    busy, idle = await _login(port, USER), await _login(port, USER)
    try:
        await busy.command("EXAMINE INBOX")
        task = asyncio.ensure_future(busy.command(command))
        worst = 0.0
        while not task.done():
            start = time.perf_counter()
            await idle.command("NOOP")
            worst = max(worst, time.perf_counter() - start)
            await asyncio.sleep(0.01)
        await task
        return worst
    finally:
        await busy.close()
        await idle.close()


async def measure(side: Side, args: argparse.Namespace) -> dict[str, float]:
    figures: dict[str, float] = {}
    messages = corpus(max(args.sizes), args.seed)
    have = 0
    for size in sorted(args.sizes):
        start = time.perf_counter()
        await _spread(side.imap_port, [("APPEND INBOX", raw) for raw in messages[have:size]])
        print(f"  appended {size - have} in {time.perf_counter() - start:.0f} s", flush=True)
        have = size
        for label, command in COMMANDS:
            first, median, status = await timed(side.imap_port, command, args.runs)
            key = f"{label} {size // 1000}k"
            if status != "OK":
                print(f"  {side.name} {key}: {status}", flush=True)
                continue
            figures[key] = median
            figures[f"{key} first"] = first
            print(f"  {side.name} {key}: first {first * 1000:.0f} ms, median "
                  f"{median * 1000:.0f} ms", flush=True)
    worst = await stall_during(side.imap_port, COMMANDS[4][1])
    figures[f"NOOP stall {max(args.sizes) // 1000}k"] = worst
    print(f"  {side.name} slowest NOOP during THREAD REFERENCES: {worst * 1000:.0f} ms",
          flush=True)
    return figures


def run_side(side: Side, args: argparse.Namespace) -> dict[str, float]:
    print(f"== {side.name}", flush=True)
    try:
        side.start()
        return asyncio.run(measure(side, args))
    except Exception as err:  # noqa: BLE001 -- a failure is a finding: print it, go on
        print(f"  {side.name} failed: {err!r}\n{side.log_tail()}", flush=True)
        return {}
    finally:
        side.stop()


def main(argv: list[str] | None = None) -> int:
    parser = side_parser(__doc__, runs=3, seed=1, json_help=None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args(argv)
    sides: dict[str, Callable[[], Side]] = {
        "roost": lambda: RoostSide(2, PASSWORD),
        "cyrus": lambda: CyrusSide(2, PASSWORD),
    }
    results = {name: run_side(make(), args)
               for name, make in sides.items() if name in args.servers}
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
