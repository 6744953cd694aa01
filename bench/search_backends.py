"""The two full-text engines side by side, in one run: SQLite FTS5
(trigram, one file per owner) and PostgreSQL pg_trgm in the store's
database (a throwaway local cluster, fsync on, on a unix socket).

Own generator, not a client nobody here wrote: N messages of
bench/search_corpus.py go into one owner's index straight through
`FullTextIndex.add` (`bench/search_lookup.build`: extraction included,
batches of 500, as squatter feeds it), then each query of
`bench/search_lookup` is timed as the index lookup alone and as the whole
indexed search of `roost.search.mailbox` without the IMAP session (p50 of
`--runs`). Prints indexing messages/s, the index's size, and per query
both engines' p50 and their ratio.

    python -m bench.search_backends --count 10000
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from bench.search_corpus import messages
from bench.search_lookup import OWNER, build, measure
from roost.search.index.api import FullTextIndex
from roost.search.index.extract import TEXT_VERSION
from roost.store.postgres.fts import PgFtsIndex
from roost.store.sqlite.fts import FtsIndex


def pg_bytes(dsn: str) -> int:
    """Everything the PostgreSQL index takes: its tables, TOAST and GIN
    indexes (the bench's database holds one owner only)."""
    with psycopg.connect(dsn) as db:
        row = db.execute("SELECT sum(pg_total_relation_size(c::regclass)) FROM unnest("
                         "ARRAY['fts_docs', 'fts_places', 'fts_marks', 'fts_owners']) c"
                         ).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def run(name: str, index: FullTextIndex, raws: list[bytes], runs: int,
        size: object) -> tuple[float, int, dict[str, float]]:
    """Messages/s, index bytes, query p50s of one engine."""
    print(f"{name}:")
    start = time.perf_counter()
    records = build(index, raws)
    rate = len(raws) / (time.perf_counter() - start)
    assert callable(size)
    taken = int(size())
    index.close()
    return rate, taken, asyncio.run(measure(index, records, runs, False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    raws = messages(args.count, args.seed)
    mail = sum(len(r) for r in raws)
    from tests.harness.postgres import Postgres, start_cluster  # the test run's cluster
    with tempfile.TemporaryDirectory() as tmp, start_cluster(None, "-c fsync=on") as home:
        fts = FtsIndex(Path(tmp), TEXT_VERSION)
        dsn = Postgres(home).dsn
        results = {
            "sqlite": run("sqlite (FTS5 trigram)", fts, raws, args.runs,
                          lambda: fts.size(OWNER)),
            "postgres": run("postgres (pg_trgm)", PgFtsIndex(dsn, TEXT_VERSION), raws,
                            args.runs, lambda: pg_bytes(dsn)),
        }
    print(f"\n{args.count} messages, {mail / 1e6:.0f} MB of mail; p50 of {args.runs} runs")
    print(f"{'':<16}{'sqlite':>12}{'postgres':>12}{'pg/sqlite':>11}")
    (s_rate, s_size, s_q), (p_rate, p_size, p_q) = results["sqlite"], results["postgres"]
    print(f"{'indexing msg/s':<16}{s_rate:>12.0f}{p_rate:>12.0f}{p_rate / s_rate:>11.2f}")
    print(f"{'index / mail':<16}{s_size / mail:>12.2f}{p_size / mail:>12.2f}"
          f"{p_size / s_size:>11.2f}")
    for query in s_q:
        print(f"{query + ' ms':<16}{s_q[query]:>12.1f}{p_q[query]:>12.1f}"
              f"{p_q[query] / s_q[query]:>11.2f}")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
