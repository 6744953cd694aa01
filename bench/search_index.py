"""Indexed SEARCH, Roost beside Cyrus: indexing rate, search latency, size, delivery cost.

Both servers get the same bench/search_corpus messages into user1's
INBOX: Roost's by LMTP, Cyrus's written into its spool and reconstructed
(bench/cyrus_fill.py: its lmtpd's 26-49/s would take an hour for 100,000;
`--cyrus-lmtp` delivers by LMTP instead), checked with STATUS. Then, for each: SEARCH over IMAP with no index (median of a
few runs: each reads every body), its squatter run (messages/s), the index
size against the mail's, and SEARCH again with the index (median and p90
of many runs). Cyrus's squatter runs with -Z (its internal record of what
is indexed): without it, Cyrus 3.6 re-indexed the first batch forever on
more than one batch of messages. Each query's result count is printed for every state: an
index that changes an answer shows here (Cyrus's Xapian matches words,
so a substring inside a word is not found once indexed); when both hold
the same messages, Cyrus's unindexed counts are compared with Roost's.

Last, Roost's delivery rate with the rolling indexer (`squatter -R`, as a
cyrus.conf EVENTS entry runs it) off and on, in alternating rounds, and
how long after the last 250 the index has caught up. Before each on round
the indexer first catches up with the off round before it, so the on
round times it keeping up with what arrives, as when it is always on;
before every round the page cache is written out (sync), so no round's
syncfs pays for the writes of the one before. The indexer puts passes off
while mail keeps arriving (ROLL_DEFER): rounds shorter than that time
bursts with lulls between them, longer ones (`--delivery 6000`) a stream
that never pauses.

    python -m bench.search_index --count 100000 --cyrus-count 100000

With `--site DIR` Roost's site is kept in DIR (outside the repository):
a later run with the same DIR and --count skips the delivery, and its
squatter runs with -s (rebuilding only an index that is not current), so
a 100,000-message corpus is built once and searched by every later run
(with no unindexed state once its index is there).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.cli import free_port
from bench.cyrus_fill import fill_spool
from bench.cyrus_side import CYRUS_BIN, CyrusSide
from bench.imap_client import ImapClient
from bench.lmtp_client import LmtpClient
from bench.roost_side import REPO, RoostSide
from bench.search_corpus import messages
from bench.sides import wait_for_port, wait_for_unix
from bench.stats import percentile

if TYPE_CHECKING:
    from roost.search.index.api import FullTextIndex

PASSWORD = "bench-secret"
QUERIES = {  # name -> (criteria before the string, the string)
    "BODY common": ("BODY", "meeting"), "BODY rare": ("BODY", "server"),
    "BODY substring": ("BODY", "nvoic"), "TEXT cyrillic": ("TEXT", "привет"),
    "TEXT 2 chars": ("TEXT", "東京"), "SUBJECT": ("SUBJECT", "meeting"),
    "FUZZY common": ("FUZZY BODY", "meeting"), "FUZZY substring": ("FUZZY BODY", "nvoic"),
}
CONNECTIONS = 4
INDEX_WAIT = 600.0  # seconds the rolling indexer gets to catch up


class KeptRoost(RoostSide):
    """RoostSide in a directory that outlives the run (`--site`)."""

    def __init__(self, site: Path, password: str, imap_port: int) -> None:
        super().__init__(1, password, workers=1, imap_port=imap_port)
        self.tmp.cleanup()
        self.root = site
        self.lmtp_socket = str(site / "lmtp.sock")

    def delivered(self) -> int:
        """How many messages an earlier run delivered here (0: none, or unfinished)."""
        mark = self.root / "delivered"
        return int(mark.read_text()) if mark.exists() else 0

    def start(self) -> None:
        if (self.root / "imapd.conf").exists():
            self._write_site()  # a new port; the store and users stay
            self.spawn([sys.executable, "-m", "bench.roost_side", "serve", str(self.root)],
                       cwd=REPO)
            wait_for_port(self.imap_port, self.process)
            wait_for_unix(self.lmtp_socket, self.process)
        else:
            self.root.mkdir(parents=True, exist_ok=True)
            super().start()


class IndexedCyrus(CyrusSide):
    """Cyrus with Xapian, as its documentation sets it up (conversations on,
    one search tier), batches of 100 messages as Roost's default (Cyrus: 20)."""

    def _write_config(self) -> None:
        super()._write_config()
        (self.root / "search").mkdir(exist_ok=True)
        with open(self.root / "imapd.conf", "a") as conf:
            conf.write("conversations: yes\nsearch_engine: xapian\nsearch_batchsize: 100\n"
                       f"defaultsearchtier: t1\nt1searchpartition-default: {self.root / 'search'}\n")


async def deliver(socket: str, user: str, raws: list[bytes]) -> float:
    """Deliver `raws` to `user` over CONNECTIONS LMTP sessions; messages/s."""
    queue = list(reversed(raws))

    async def worker() -> None:
        client = await LmtpClient.connect(path=socket)
        while queue:
            replies = await client.send("bench@example.org", [user], queue.pop())
            if not replies or not replies[0].startswith("250"):
                raise RuntimeError(f"delivery refused: {replies!r}")
        await client.quit()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    return len(raws) / (time.perf_counter() - start)


async def searches(port: int, runs: int, cold_runs: int) -> dict[str, tuple[list[float], int]]:
    """Each query `runs` times over one session (`cold_runs` times when its
    string has no trigram, so even an index cannot spare the scan)."""
    imap = await ImapClient.connect("127.0.0.1", port)
    await imap.login("user1", PASSWORD)
    await imap.command("SELECT INBOX")
    found = {}
    for name, (key, text) in QUERIES.items():
        times, count = [], 0
        for _ in range(runs if len(text) >= 3 else cold_runs):
            start = time.perf_counter()
            reply = await imap.command(f"UID SEARCH CHARSET UTF-8 {key}", text.encode())
            times.append(time.perf_counter() - start)
            if reply.status != "OK":
                raise RuntimeError(f"{name}: {reply.status} {reply.text}")
            count = sum(len(line.split()) - 2 for line in reply.untagged
                        if line.startswith(b"* SEARCH"))
        if times:  # --cold-runs 0 leaves the scanned ones out
            found[name] = (times, count)
    await imap.command("LOGOUT")
    await imap.close()
    return found


async def inbox_messages(port: int) -> int:
    """user1's INBOX MESSAGES as STATUS gives it (RFC 9051 section 6.3.11)."""
    imap = await ImapClient.connect("127.0.0.1", port)
    await imap.login("user1", PASSWORD)
    reply = await imap.command("STATUS INBOX (MESSAGES)")
    await imap.command("LOGOUT")
    await imap.close()
    line = next(line for line in reply.untagged if line.startswith(b"* STATUS"))
    return int(line.rsplit(b"MESSAGES", 1)[1].strip(b" )\r\n"))


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   cwd=REPO)
    return time.perf_counter() - start


def show(side: str, state: str, results: dict[str, tuple[list[float], int]]) -> dict[str, int]:
    """Print each query's p50 and p90; its result count by name."""
    for name, (times, count) in results.items():
        ordered = sorted(times)
        print(f"  {side:<6} {state:<10} {name:<15} p50 {statistics.median(ordered) * 1e3:9.1f} ms"
              f"  p90 {percentile(ordered, 0.9) * 1e3:9.1f} ms  {count:>7} UIDs")
    return {name: count for name, (_, count) in results.items()}


Counts = dict[str, dict[str, int]]  # state -> query name -> UIDs found


async def measure_side(side: RoostSide | CyrusSide, raws: list[bytes], squatter: list[str],
                       index_dir: Path, args: argparse.Namespace) -> Counts:
    """Fill `side`, search it unindexed, index it, search again; the result counts."""
    mail = sum(map(len, raws))
    kept = isinstance(side, KeptRoost) and side.delivered() == len(raws)
    if kept:
        print(f"{side.name}: {len(raws)} messages ({mail / 1e6:.0f} MB) kept in {side.root}")
        squatter = [*squatter, "-s"]
    elif isinstance(side, CyrusSide) and not args.cyrus_lmtp:
        rate = fill_spool(side, "user.user1", raws)
        status = await inbox_messages(side.imap_port)
        print(f"{side.name}: {len(raws)} messages ({mail / 1e6:.0f} MB) written to the spool "
              f"and reconstructed at {rate:.0f}/s; STATUS MESSAGES {status}")
        if status != len(raws):
            raise RuntimeError(f"cyrus holds {status} messages after the fill, not {len(raws)}")
    else:
        rate = await deliver(side.lmtp_socket, "user1", raws)
        print(f"{side.name}: {len(raws)} messages ({mail / 1e6:.0f} MB) delivered at {rate:.0f}/s")
        if isinstance(side, KeptRoost):
            (side.root / "delivered").write_text(str(len(raws)))
    counts: Counts = {}
    cold = 0 if args.no_scan and isinstance(side, RoostSide) else args.cold_runs
    if cold and not (kept and index_dir.exists()):  # with an index it would not be a scan
        counts["unindexed"] = show(side.name, "unindexed",
                                   await searches(side.imap_port, cold, cold))
    had_index = kept and index_dir.exists()  # then squatter -s only checks it
    took = timed(squatter)
    size = dir_size(index_dir)
    speed = f"{len(raws) / took:.0f} messages/s"
    if had_index:  # -s keeps a current index (then the "rate" means nothing), rebuilds another
        speed += " (-s over an index already there: a rate only if it was rebuilt)"
    print(f"  {side.name} squatter: {speed} ({took:.1f} s); index "
          f"{size / 1e6:.0f} MB = {size / mail:.2f} x the mail")
    counts["indexed"] = show(side.name, "indexed", await searches(side.imap_port, args.runs, cold))
    return counts


def compare(roost: Counts, cyrus: Counts) -> None:
    """Cyrus unindexed (it reads every message) against Roost's counts: the same
    messages must give the same answers."""
    theirs = cyrus.get("unindexed", {})
    ours = roost.get("unindexed") or roost["indexed"]
    differ = [f"{name} roost {ours[name]} cyrus {theirs[name]}" for name in theirs
              if name in ours and ours[name] != theirs[name]]
    print("\ncyrus unindexed against roost: "
          + ("; ".join(differ) if differ else f"the same counts for {len(theirs)} queries"))


def wait_indexed(index: FullTextIndex, delivered: int) -> float:
    """Seconds until user2's index holds `delivered` messages (at most INDEX_WAIT)."""
    start = time.perf_counter()
    while sum(index.marks("user2").values()) < delivered:
        if time.perf_counter() - start > INDEX_WAIT:
            break
        time.sleep(0.05)
    return time.perf_counter() - start


def delivery_cost(args: argparse.Namespace, raws: list[bytes]) -> None:
    """Roost's LMTP rate with the rolling indexer off and on, alternating."""
    from roost.config import load_config
    from roost.search.index.feed import ROLL_DEFER
    from roost.search.index.open import open_index

    side = RoostSide(2, PASSWORD, workers=1, imap_port=free_port())
    side.start()
    try:
        conf = load_config(str(side.root / "imapd.conf"))
        index = open_index(conf)
        assert index is not None
        rates: dict[str, list[float]] = {"off": [], "on": []}
        lags = []
        batch = args.delivery
        for round_no in range(args.rounds * 2):
            state = "off" if round_no % 2 == 0 else "on"
            part = raws[round_no * batch % len(raws):][:batch]
            roll = None
            if state == "on":
                roll = subprocess.Popen([sys.executable, "-m", "roost.cli", "squatter", "-C",
                                         str(side.root / "imapd.conf"), "-R"], cwd=REPO)
                # The off round's messages first: the on round then times the indexer
                # keeping up with what arrives, as it does when always on.
                wait_indexed(index, round_no * batch)
            os.sync()  # no round pays for writes of the one before it in its syncfs
            rates[state].append(asyncio.run(deliver(side.lmtp_socket, "user2", part)))
            if roll is not None:
                lags.append(wait_indexed(index, (round_no + 1) * batch))
                roll.terminate()
                roll.wait()
        off, on = statistics.median(rates["off"]), statistics.median(rates["on"])
        print(f"\nroost delivery, {args.rounds} rounds of {batch}: indexer off {off:.0f}/s, "
              f"rolling indexer on {on:.0f}/s: cost {(1 - on / off) * 100:.1f}%; index caught "
              f"up {statistics.median(lags):.1f} s (median) after the last 250")
        for state, measured in rates.items():
            print(f"  {state:<3} rounds: " + ", ".join(f"{rate:.0f}/s" for rate in measured))
        print(f"  rounds of about {batch / off:.0f} s; while mail keeps arriving the indexer puts"
              f" its passes off for up to {ROLL_DEFER:.0f} s, so rounds longer than that show"
              " it indexing alongside delivery")
    finally:
        side.stop()


def measure_roost(args: argparse.Namespace, raws: list[bytes]) -> Counts:
    """Roost's half of the run, in a temp site or the kept `--site`."""
    roost = (KeptRoost(args.site, PASSWORD, free_port()) if args.site
             else RoostSide(1, PASSWORD, workers=1, imap_port=free_port()))
    roost.start()
    try:
        conf = str(roost.root / "imapd.conf")
        return asyncio.run(measure_side(
            roost, raws, [sys.executable, "-m", "roost.cli", "squatter", "-C", conf],
            roost.root / "config" / "search", args))
    finally:
        roost.stop()


def run(args: argparse.Namespace) -> None:
    # Each delivery round its own messages: a Message-ID delivered again is suppressed.
    rounds = args.delivery * args.rounds * 2
    raws = messages(max(args.count, args.cyrus_count, rounds), args.seed)
    roost_counts = measure_roost(args, raws[:args.count]) if args.count else None
    if args.cyrus_count:
        cyrus = IndexedCyrus(1, PASSWORD, imap_port=free_port())
        cyrus.start()
        try:
            conf = str(cyrus.root / "imapd.conf")
            cyrus_counts = asyncio.run(measure_side(
                cyrus, raws[:args.cyrus_count],
                [str(CYRUS_BIN / "squatter"), "-C", conf, "-Z", "user.user1"],
                cyrus.root / "search", args))
        finally:
            cyrus.stop()
        if roost_counts is not None and args.cyrus_count == args.count:
            compare(roost_counts, cyrus_counts)
    if args.rounds:
        delivery_cost(args, raws)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="messages for Roost (0: Cyrus alone)")
    parser.add_argument("--cyrus-count", type=int, default=100_000, help="0: no Cyrus")
    parser.add_argument("--cyrus-lmtp", action="store_true",
                        help="deliver to Cyrus by LMTP (slow) instead of its spool and reconstruct")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=15, help="runs of each indexed query")
    parser.add_argument("--cold-runs", type=int, default=3, help="runs of each unindexed query")
    parser.add_argument("--no-scan", action="store_true",
                        help="skip Roost's scans: the unindexed state and the 2-character query")
    parser.add_argument("--site", type=Path, help="keep Roost's site here for later runs")
    parser.add_argument("--delivery", type=int, default=2000, help="messages per delivery round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds with the indexer off and on")
    args = parser.parse_args(argv)
    run(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
