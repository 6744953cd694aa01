"""`roost migrate` on a site of `--messages` messages: SQLite to PostgreSQL
(a throwaway local cluster, fsync on, on a unix socket) and back, in one
run, verify step included (it reads the whole target back).

The site is filled through the store API in batches (`append_messages`,
every third message flagged), over `--mailboxes` mailboxes, with bodies
as files; what is timed is the tool's own work: read, body check, load,
commit, verify. Printed: seconds, rows/s and microseconds per message of
each direction (the median of `--runs`).

    python -m bench.migrate
    python -m bench.migrate --messages 50000 --runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import statistics
import tempfile
import time
from pathlib import Path

from roost.config import Config, parse_config
from roost.store.api import AppendMessage
from roost.store.open import DATABASE, open_store
from roost.tools.migrate import migrate

BATCH = 500


def message(n: int) -> bytes:
    return (f"From: a@example.com\r\nTo: bob@example.com\r\nSubject: bench {n}\r\n"
            f"Message-ID: <{n}.migrate@example.com>\r\n\r\n" + "body line\r\n" * 40).encode()


async def populate(conf: Config, messages: int, mailboxes: int) -> None:
    store = open_store(conf)
    try:
        boxes = [(await store.create_mailbox(f"user.u{k}")).id for k in range(mailboxes)]
        for start in range(0, messages, BATCH):
            batch = [AppendMessage(message(n), ("\\Flagged",) if n % 3 == 0 else ())
                     for n in range(start, min(start + BATCH, messages))]
            await store.append_messages(boxes[(start // BATCH) % mailboxes], batch)
    finally:
        await store.close()


def timed_move(conf: Config, source: str, target: str) -> tuple[float, int]:
    """Seconds of one move, and the rows it reported."""
    out = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out):
        status = asyncio.run(migrate(conf, source, target, False, 5000))
    seconds = time.perf_counter() - started
    assert status == 0, out.getvalue()
    rows = next(int(line.split()[1]) for line in out.getvalue().splitlines()
                if line.startswith("moved "))
    return seconds, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--mailboxes", type=int, default=20)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    from tests.harness.postgres import Postgres, start_cluster  # the test run's cluster
    times: dict[str, list[float]] = {"sqlite -> postgres": [], "postgres -> sqlite": []}
    rows = 0
    with tempfile.TemporaryDirectory() as tmp, start_cluster(None, "-c fsync=on") as home:
        cluster = Postgres(home)
        for run in range(args.runs):
            top = Path(tmp) / f"r{run}"
            text = (f"configdirectory: {top / 'config'}\npartition-default: {top / 'spool'}\n"
                    f"store_dsn: {cluster.new_schema()}\n")
            conf = parse_config(text, top / "imapd.conf")
            asyncio.run(populate(conf, args.messages, args.mailboxes))
            seconds, rows = timed_move(conf, "sqlite", "postgres")
            times["sqlite -> postgres"].append(seconds)
            (top / "config" / DATABASE).rename(top / "config" / "moved-away.db")
            times["postgres -> sqlite"].append(timed_move(conf, "postgres", "sqlite")[0])
    print(f"{args.messages} messages in {args.mailboxes} mailboxes ({rows} index rows),"
          f" median of {args.runs} runs")
    print(f"{'direction':<20}{'seconds':>9}{'rows/s':>10}{'us/message':>12}")
    for direction, found in times.items():
        median = statistics.median(found)
        print(f"{direction:<20}{median:>9.2f}{rows / median:>10.0f}"
              f"{median / args.messages * 1e6:>12.1f}")


if __name__ == "__main__":
    main()
