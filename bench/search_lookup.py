"""Where an indexed SEARCH spends its time, without a server around it.

Builds one owner's FTS5 index of N bench/search_corpus messages in one
mailbox straight through `FtsIndex.add` (kept in --dir for later runs),
then times, per query, the index lookup alone and the whole indexed
search of `roost.search.mailbox` minus the IMAP session: lookup, the
narrowing of the key (`roost.search.indexed`) and the run over the
mailbox's records (`roost.search.run`). With --profile, a cProfile of
the whole search for each query, sorted by own time.

    python -m bench.search_lookup --count 100000 --dir /tmp/lookup
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import hashlib
import pstats
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.search_corpus import messages
from roost.message import ParsedMessage, parse_message
from roost.search import query as q
from roost.search.evaluate import Mailbox
from roost.search.index.api import FullTextIndex, Needle
from roost.search.index.extract import TEXT_VERSION, document
from roost.search.indexed import needles
from roost.search.mailbox import search_mailbox
from roost.store.api import MailboxInfo, MessageRecord
from roost.store.sqlite.fts import FtsIndex

OWNER, MAILBOX = "user1", 1
QUERIES: dict[str, q.Key] = {"BODY common": q.Body("meeting"), "BODY rare": q.Body("server"),
           "BODY substring": q.Body("nvoic"), "TEXT cyrillic": q.Text("привет"),
           "BODY absent": q.Body("zzqxj"), "SUBJECT common": q.Header("subject", "meeting"),
           "FROM name": q.Header("from", "martin"), "FROM address": q.Header("from", "alice@")}
BATCH = 500


def build(index: FullTextIndex, raws: list[bytes]) -> list[MessageRecord]:
    """Index `raws` as UIDs 1..N of MAILBOX (unless already indexed; else
    print the rate, extraction included, as squatter does it)."""
    when = datetime(2026, 1, 1, tzinfo=UTC)
    records = [MessageRecord(uid, uid, frozenset(), when, len(raw),
                             hashlib.sha256(raw).hexdigest())
               for uid, raw in enumerate(raws, 1)]
    if index.marks(OWNER).get(MAILBOX, 0) >= len(raws):
        return records
    start = time.perf_counter()
    for at in range(0, len(raws), BATCH):
        part = records[at:at + BATCH]
        docs = [document(r.blob, raw, parse_message(raw))
                for r, raw in zip(part, raws[at:at + BATCH], strict=True)]
        index.add(OWNER, MAILBOX, part[-1].uid, docs, [(r.uid, r.blob) for r in part])
    index.optimize(OWNER)
    took = time.perf_counter() - start
    print(f"indexed {len(raws)} messages in {took:.0f} s ({len(raws) / took:.0f}/s)")
    return records


class ParseStore:
    """The store as a search over the index reads it: parses only (the
    parse-once cache, here in memory), for the header keys the index can
    only narrow; a body read means the index did not decide BODY / TEXT."""

    def __init__(self, raws: list[bytes], records: list[MessageRecord]) -> None:
        self.raws = {r.blob: raw for r, raw in zip(records, raws, strict=True)}
        self.parses: dict[str, ParsedMessage] = {}
        self.asked = 0

    async def parsed_many(self, blobs: Sequence[str]) -> dict[str, ParsedMessage]:
        self.asked += len(blobs)
        for blob in blobs:
            if blob not in self.parses:
                self.parses[blob] = parse_message(self.raws[blob])
        return {b: self.parses[b] for b in blobs}

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the indexed search read a body ({name})")


def needle_of(key: q.Key) -> Needle:
    """The key's needle, as `roost.search.indexed` asks it of the index."""
    found = needles(key)
    assert len(found) == 1
    return found[0]


async def measure(index: FullTextIndex, store: ParseStore, records: list[MessageRecord],
                  runs: int, profile: bool) -> dict[str, float]:
    """Print each query's lookup and whole-search p50 (parses the search
    asked for: kept in memory after the first run, as the parse-once cache
    keeps them on disk); return the latter (ms)."""
    medians = {}
    info = MailboxInfo(MAILBOX, "user.user1", 1, len(records) + 1, 1, "default", OWNER)
    by_uid = {r.uid: r for r in records}
    uids = [r.uid for r in records]
    for name, key in QUERIES.items():
        needle = needle_of(key)
        lookup, whole, found = [], [], 0
        await search_mailbox(store, index, info, by_uid, uids,  # type: ignore[arg-type]
                             key, Mailbox(datetime.now(UTC)))  # warm the parses
        store.asked = 0
        for _ in range(runs):
            t0 = time.perf_counter()
            await index.lookup(OWNER, MAILBOX, [needle])
            t1 = time.perf_counter()
            found = len(await search_mailbox(store, index, info, by_uid, uids,  # type: ignore[arg-type]
                                             key, Mailbox(datetime.now(UTC))))
            t2 = time.perf_counter()
            lookup.append(t1 - t0)
            whole.append(t2 - t1)
        medians[name] = statistics.median(whole) * 1e3
        print(f"  {name:<15} lookup p50 {statistics.median(lookup) * 1e3:7.1f} ms   "
              f"search p50 {medians[name]:7.1f} ms   {found:>6} UIDs   "
              f"{store.asked // runs:>6} parses")
        if profile:
            prof = cProfile.Profile()
            prof.enable()
            await search_mailbox(store, index, info, by_uid, uids,  # type: ignore[arg-type]
                                 key, Mailbox(datetime.now(UTC)))
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(8)
    return medians


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--dir", type=Path, required=True, help="where the index is kept")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    index = FtsIndex(args.dir, TEXT_VERSION)
    raws = messages(args.count, args.seed)
    records = build(index, raws)
    index.close()
    asyncio.run(measure(index, ParseStore(raws, records), records, args.runs, args.profile))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
