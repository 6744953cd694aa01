"""Repair tools at scale: reconstruct of a big mailbox, chk_cyrus over many mailboxes, Roost beside Cyrus.

Issue 11 asks for `reconstruct` of a 100,000-message mailbox and
`chk_cyrus` over 10,000 mailboxes, beside Debian's Cyrus tools
(`/usr/lib/cyrus/bin/reconstruct`, `chk_cyrus`) in the same run. Each
server gets the same store: user1's INBOX with `--messages` small messages
(seeded corpus, bench.mboxgen) and `--mailboxes` folders below it, made
over IMAP (APPEND over 8 sessions, CREATE) while the server runs, as a site
would have filled it. Then, with the server still running (both tools are
meant to run beside a live server), each tool is run `--runs` times as a
separate process and timed from exec to exit:

- `reconstruct user.user1`: rebuild INBOX's index from its files (a sound
  mailbox: the cost of the check-and-rewrite every run pays);
- `chk_cyrus`: every mailbox of the store, the INBOX's messages included.

Note what each tool does: Roost's chk_cyrus reads every body and verifies
its SHA-256 (the store is content-addressed); Cyrus's checks that each
index record's message file exists. Roost's reconstruct checks every
record's body file and reference counts; Cyrus's re-parses each message
file against cyrus.index and cyrus.cache.

Filling Cyrus over IMAP is the slow part (about a millisecond a message
on a quiet machine, more on a shared one): the fill time is printed, and
`--messages`/`--mailboxes` scale the run down; the docs say which size
the published figures used.

    python -m bench.repair                                  # 100,000 and 10,000, 3 runs
    python -m bench.repair --messages 20000 --mailboxes 2000
    python -m bench.repair --servers roost
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from bench.cyrus_side import CYRUS_BIN, CyrusSide
from bench.hot_paths import USER, _spread
from bench.in_turn import Figures, ratio_table, run_in_turn
from bench.mboxgen import messages
from bench.roost_side import REPO, RoostSide
from bench.sides import Side

PASSWORD = "secret"
CYRUS_PORT, ROOST_PORT = 21153, 21154
"""Ports of their own: other benchmarks start Cyrus on bench.cyrus_side's 21143."""


async def fill(side: Side, count: int, folders: int, seed: int) -> Figures:
    """APPEND `count` messages to user1's INBOX and CREATE `folders` below it."""
    corpus = messages(min(count, 500), seed)
    start = time.perf_counter()
    await _spread(side.imap_port,
                  [("APPEND INBOX", corpus[n % len(corpus)]) for n in range(count)])
    appended = time.perf_counter() - start
    start = time.perf_counter()
    await _spread(side.imap_port, [(f"CREATE INBOX.f{n:05d}", None) for n in range(folders)])
    created = time.perf_counter() - start
    print(f"  {side.name}: appended {count} messages in {appended:.0f} s,"
          f" created {folders} mailboxes in {created:.0f} s", flush=True)
    return {"fill: append s": appended, "fill: create s": created}


def tool_commands(side: Side) -> dict[str, list[str]]:
    """The two tool runs of `side`, as the argv to exec."""
    if isinstance(side, CyrusSide):
        conf = str(side.root / "imapd.conf")
        as_cyrus = ["runuser", "-u", "cyrus", "--"]
        return {"reconstruct": [*as_cyrus, str(CYRUS_BIN / "reconstruct"), "-C", conf,
                                f"user.{USER}"],
                "chk_cyrus": [*as_cyrus, str(CYRUS_BIN / "chk_cyrus"), "-C", conf]}
    assert isinstance(side, RoostSide)
    conf = str(side.root / "imapd.conf")
    roost = [sys.executable, "-m", "roost.cli"]
    return {"reconstruct": [*roost, "reconstruct", "-C", conf, f"user.{USER}"],
            "chk_cyrus": [*roost, "chk_cyrus", "-C", conf]}


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=REPO, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: chk_cyrus found damage, still a full run
        raise RuntimeError(f"{argv[-3:]}: exit {done.returncode}: {done.stderr[-400:]!r}")
    return elapsed


def measure(count: int, folders: int, runs: int, seed: int):  # type: ignore[no-untyped-def]
    async def run(side: Side) -> Figures:
        figures = await fill(side, count, folders, seed)
        for label, argv in tool_commands(side).items():
            times = [timed(argv) for _ in range(runs)]
            figures[f"{label} s (median)"] = statistics.median(times)
            print(f"  {side.name} {label}: " + ", ".join(f"{t:.2f}" for t in times) + " s",
                  flush=True)
        return figures
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--mailboxes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--servers", default="roost,cyrus")
    args = parser.parse_args(argv)
    makers = {"roost": lambda: RoostSide(1, PASSWORD, imap_port=ROOST_PORT),
              "cyrus": lambda: CyrusSide(1, PASSWORD, imap_port=CYRUS_PORT)}
    results: dict[str, Figures] = {}
    for name in args.servers.split(","):
        results[name] = run_in_turn(makers[name](),
                                    measure(args.messages, args.mailboxes, args.runs, args.seed))
    print(f"\n{args.messages} messages in INBOX, {args.mailboxes} mailboxes below it,"
          f" medians of {args.runs} runs")
    print(ratio_table(results, "seconds", digits=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
