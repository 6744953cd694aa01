"""The store API on each index backend, in one run: SQLite against
PostgreSQL (a throwaway local cluster, fsync on, on a unix socket).

Own generator, not a client nobody here wrote: it calls the store API
directly (no protocol), so it shows what the index costs. Bodies are
files (fsync on) for both. Workloads, each `--runs` times, median shown:

- append, one writer: `--messages` APPENDs one after another;
- append, `--writers` writers at once (asyncio tasks of one process): what
  SQLite's group commit and PostgreSQL's pool each make of concurrency;
- STORE +FLAGS on every message, one call per message;
- `messages()` of the whole mailbox and `status()`.

    python -m bench.store_backends
    python -m bench.store_backends --messages 500 --writers 16 --runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from roost.store.postgres import PostgresStore
from roost.store.sqlite import SqliteStore
from roost.store.sqlite.blobs import BlobFiles

AnyStore = SqliteStore | PostgresStore


def message(n: int) -> bytes:
    return (f"From: a@example.com\r\nTo: bob@example.com\r\nSubject: bench {n}\r\n"
            f"Message-ID: <{n}.bench@example.com>\r\n\r\n" + "body line\r\n" * 200).encode()


async def timed(work: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await work()
    return time.perf_counter() - started


async def one_round(store: AnyStore, name: str, count: int, writers: int) -> dict[str, float]:
    """Seconds of each workload on a fresh mailbox of `store`."""
    box = (await store.create_mailbox(f"user.{name}")).id
    wide = (await store.create_mailbox(f"user.{name}.wide")).id

    async def serial() -> None:
        for n in range(count):
            await store.append(box, message(n))

    async def concurrent() -> None:
        async def lane(k: int) -> None:
            for n in range(k, count, writers):
                await store.append(wide, message(count + n))
        await asyncio.gather(*(lane(k) for k in range(writers)))

    async def flags() -> None:
        for uid in range(1, count + 1):
            await store.store_flags(box, [uid], "add", ["\\Seen"])

    async def read() -> None:
        await store.messages(box)
        await store.status(box)

    return {"append x1": await timed(serial), f"append x{writers}": await timed(concurrent),
            "store flags": await timed(flags), "read": await timed(read)}


async def run(backend: str, index: str, spool: Path, args: argparse.Namespace
              ) -> dict[str, list[float]]:
    blobs = BlobFiles({"default": spool}, True)
    store: AnyStore = (SqliteStore(Path(index), {"default": spool}, blobs=blobs)
                       if backend == "sqlite" else PostgresStore(index, blobs))
    found: dict[str, list[float]] = {}
    try:
        for n in range(args.runs):
            for key, seconds in (await one_round(store, f"r{n}", args.messages,
                                                 args.writers)).items():
                found.setdefault(key, []).append(seconds)
    finally:
        await store.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from tests.harness.postgres import Postgres, start_cluster  # the test run's cluster
    with tempfile.TemporaryDirectory() as tmp, start_cluster(None, "-c fsync=on") as home:
        top = Path(tmp)
        (top / "a").mkdir()
        (top / "b").mkdir()
        results = {
            "sqlite": asyncio.run(run("sqlite", str(top / "m.db"), top / "a", args)),
            "postgres": asyncio.run(run("postgres", Postgres(home).dsn, top / "b", args)),
        }
    print(f"{args.messages} messages of {len(message(0))} octets, medians of {args.runs} runs")
    print(f"{'workload':<14}{'sqlite ops/s':>14}{'postgres ops/s':>16}{'pg/sqlite':>11}")
    for key in results["sqlite"]:
        ops = args.messages if key != "read" else 1
        rates = [ops / statistics.median(results[b][key]) for b in ("sqlite", "postgres")]
        print(f"{key:<14}{rates[0]:>14.1f}{rates[1]:>16.1f}{rates[1] / rates[0]:>11.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
