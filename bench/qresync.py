"""QRESYNC resync against a full FLAGS fetch on a 10,000-message mailbox, Roost beside Cyrus.

A disconnected client (RFC 7162 §6) that cached a mailbox comes back after
another session made changes: 1,000 flag changes and 100 expunges (seeded,
the same on both servers) in a mailbox of 10,000 small messages. It can
resynchronise two ways, both timed and their reply bytes counted:

- `EXAMINE INBOX (QRESYNC (uidvalidity modseq))`: VANISHED (EARLIER) and
  the FETCH of what changed, in the SELECT itself (ENABLE QRESYNC first);
- `EXAMINE INBOX` then `UID FETCH 1:* (FLAGS)`: everything again, which
  is what a client without CONDSTORE does.

A plain `EXAMINE INBOX` is timed too: what both ways pay before the resync.

Each server is started in turn on loopback (bench.roost_side,
bench.cyrus_side) and filled the same way over IMAP. Medians of `--runs`
runs (EXAMINE, so the mailbox stays as it is between them), then the
ratios: QRESYNC over full on each server, and Roost over Cyrus.

    python -m bench.qresync                            # 10,000 messages, 5 runs
    python -m bench.qresync --messages 2000 --servers roost
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable

from bench.cli import save_medians, side_parser
from bench.cyrus_side import CyrusSide
from bench.hot_paths import USER, _login, _spread
from bench.imap_client import Reply
from bench.in_turn import ratio_table, run_in_turn
from bench.roost_side import RoostSide
from bench.sides import Side

PASSWORD = "secret"
FLAG_CHANGES = 1000
EXPUNGES = 100
FLAGS = ("\\Seen", "\\Flagged", "\\Answered", "$Work", "$Junk")
MESSAGE = (b"From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\n"
           b"Subject: message %d\r\nMessage-ID: <%d@bench.example>\r\n\r\nBody %d.\r\n")


def reply_bytes(reply: Reply, tag_len: int = 4) -> int:
    """Octets of a reply on the wire: untagged lines as read, and the tagged line."""
    return sum(map(len, reply.untagged)) + tag_len + len(reply.status) + len(reply.text) + 4


async def fill(port: int, count: int) -> None:
    start = time.perf_counter()
    await _spread(port, [("APPEND INBOX", MESSAGE % (n, n, n)) for n in range(count)])
    print(f"  appended {count} messages in {time.perf_counter() - start:.0f} s", flush=True)


async def change(port: int, seed: int) -> None:
    """FLAG_CHANGES UID STOREs and EXPUNGES expunges, as another client."""
    rng = random.Random(seed)
    imap = await _login(port, USER)
    try:
        reply = await imap.command("SELECT INBOX")
        uids = [int(x) for x in (await imap.command("UID SEARCH ALL")).untagged[0].split()[2:]]
        assert reply.status == "OK" and uids, reply
        for _ in range(FLAG_CHANGES):
            mode = rng.choice(("+", "-", ""))
            flags = " ".join(rng.sample(FLAGS, rng.randint(1, 2)))
            await imap.command(f"UID STORE {rng.choice(uids)} {mode}FLAGS.SILENT ({flags})")
        doomed = ",".join(map(str, sorted(rng.sample(uids, EXPUNGES))))
        await imap.command(f"UID STORE {doomed} +FLAGS.SILENT (\\Deleted)")
        await imap.command(f"UID EXPUNGE {doomed}")
    finally:
        await imap.close()


def _code(reply: Reply, code: str) -> int:
    line = next(x for x in reply.untagged if code.encode() in x).decode()
    return int(line.split(code + " ")[1].split("]")[0])


async def measure(side: Side, args: argparse.Namespace) -> dict[str, float]:
    port = side.imap_port
    await fill(port, args.messages)
    imap = await _login(port, USER)
    try:
        await imap.command("ENABLE QRESYNC")
        first = await imap.command("EXAMINE INBOX")
        uidvalidity, modseq = _code(first, "UIDVALIDITY"), _code(first, "HIGHESTMODSEQ")
        await imap.command("UNSELECT")
        start = time.perf_counter()
        await change(port, args.seed)
        print(f"  {FLAG_CHANGES} flag changes and {EXPUNGES} expunges in "
              f"{time.perf_counter() - start:.0f} s", flush=True)
        figures: dict[str, float] = {}
        runs: dict[str, list[tuple[float, int]]] = {"examine": [], "qresync": [], "full": []}
        for _ in range(args.runs):
            start = time.perf_counter()
            plain = await imap.command("EXAMINE INBOX")
            runs["examine"].append((time.perf_counter() - start, reply_bytes(plain)))
            await imap.command("UNSELECT")
            start = time.perf_counter()
            resync = await imap.command(f"EXAMINE INBOX (QRESYNC ({uidvalidity} {modseq}))")
            runs["qresync"].append((time.perf_counter() - start, reply_bytes(resync)))
            await imap.command("UNSELECT")
            start = time.perf_counter()
            select = await imap.command("EXAMINE INBOX")
            full = await imap.command("UID FETCH 1:* (FLAGS)")
            runs["full"].append((time.perf_counter() - start,
                                 reply_bytes(select) + reply_bytes(full)))
            await imap.command("UNSELECT")
        vanished = sum(x.startswith(b"* VANISHED") for x in resync.untagged)
        fetches = sum(b" FETCH " in x for x in resync.untagged)
        print(f"  {side.name} QRESYNC reply: {vanished} VANISHED line(s), {fetches} FETCH",
              flush=True)
        for name, values in runs.items():
            figures[f"{name} ms"] = statistics.median(t for t, _ in values) * 1000
            figures[f"{name} KB"] = statistics.median(b for _, b in values) / 1000
        figures["qresync/full time"] = figures["qresync ms"] / figures["full ms"]
        figures["qresync/full bytes"] = figures["qresync KB"] / figures["full KB"]
        for label, value in figures.items():
            print(f"  {side.name} {label}: {value:.3f}", flush=True)
        return figures
    finally:
        await imap.close()


def main(argv: list[str] | None = None) -> int:
    parser = side_parser(__doc__, runs=5, seed=7162)
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args(argv)
    sides: dict[str, Callable[[], Side]] = {
        "roost": lambda: RoostSide(1, PASSWORD),
        "cyrus": lambda: CyrusSide(1, PASSWORD),
    }
    results = {name: run_in_turn(make(), lambda side: measure(side, args))
               for name, make in sides.items() if name in args.servers}
    print(ratio_table(results, "median", width=20, digits=2))
    save_medians(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
