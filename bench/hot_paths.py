"""LIST of 10,000 mailboxes and FETCH HEADER.FIELDS of 10,000 messages, Roost beside Cyrus.

The two commands a mail client sends most on a big account: listing every
folder, and fetching the header fields of a message list. Each server is
started in turn on loopback (bench.roost_side, bench.cyrus_side) in the
same run, given the same folders and messages over IMAP, then timed:

- `LIST "" *` as user1, who owns the folders (100 top-level folders, each
  with 99 children: \\HasChildren matters), and as the admin, who sees
  every user's (the issue's `LIST "" *` over 6,000 mailboxes took 5 s);
- `LIST "" *` as user2, to whom user1 grants `lrs` on one folder in ten
  (SETACL, RFC 4314): a sharee who sees 1,000 of the 10,000;
- `FETCH 1:* (BODY.PEEK[HEADER.FIELDS (From To Subject Date Message-ID)])`
  over user1's INBOX of the `bench.mboxgen` corpus (EXAMINE, so nothing
  changes between runs).

Medians of `--runs` runs, then Roost's time over Cyrus's (below 1: Roost
is faster).

    python -m bench.hot_paths                          # 10,000 and 10,000, 5 runs
    python -m bench.hot_paths --mailboxes 2000 --messages 2000 --servers roost
    python -m bench.hot_paths --port 21250    # Roost on 21250, Cyrus on 21251
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable

from bench.cli import save_medians, side_parser
from bench.cyrus_side import ADMIN, CyrusSide
from bench.cyrus_side import IMAP_PORT as CYRUS_PORT
from bench.imap_client import ImapClient, quote
from bench.in_turn import ratio_table, run_in_turn
from bench.mboxgen import messages
from bench.roost_side import IMAP_PORT as ROOST_PORT
from bench.roost_side import RoostSide
from bench.sides import Side

PASSWORD = "secret"
USER = "user1"
CONNECTIONS = 8  # concurrent setup connections: the servers group-commit them
FETCH = "FETCH 1:* (BODY.PEEK[HEADER.FIELDS (From To Subject Date Message-ID)])"
CHILDREN = 99
SHAREE = "user2"
SHARE_EVERY = 10  # user1 shares one folder in ten with SHAREE


async def _login(port: int, user: str) -> ImapClient:
    imap = await ImapClient.connect("127.0.0.1", port)
    reply = await imap.login(user, PASSWORD)
    if reply.status != "OK":
        raise RuntimeError(f"LOGIN {user}: {reply.status} {reply.text}")
    return imap


async def _folder_names(port: int, count: int) -> tuple[list[str], list[str]]:
    """`count` folder names in user1's personal namespace, with its
    separator: the top-level ones, then their children."""
    imap = await _login(port, USER)
    try:
        reply = await imap.command('LIST "" ""')
        sep = reply.untagged[0].split(b'"')[1].decode()
        reply = await imap.command("NAMESPACE")
        personal = reply.untagged[0].split(b'"')[1].decode()  # "INBOX." or ""
    finally:
        await imap.close()
    tops = [f"{personal}f{top:03d}" for top in range(-(-count // (CHILDREN + 1)))]
    children = [f"{top}{sep}s{n:02d}" for top in tops for n in range(CHILDREN)]
    return tops, children[:count - len(tops)]


async def _spread(port: int, jobs: list[tuple[str, bytes | None]]) -> None:
    """Run `(command, literal)` jobs over CONNECTIONS sessions of user1."""
    queue = list(reversed(jobs))

    async def worker() -> None:
        imap = await _login(port, USER)
        try:
            while queue:
                command, literal = queue.pop()
                reply = await imap.command(command, literal)
                if reply.status != "OK":
                    raise RuntimeError(f"{command[:40]}: {reply.status} {reply.text}")
        finally:
            await imap.close()

    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))


async def fill(port: int, mailboxes: int, corpus: list[bytes]) -> None:
    tops, children = await _folder_names(port, mailboxes)
    start = time.perf_counter()
    # Parents first: a server may make a missing parent itself (Cyrus does),
    # and then refuse to create it again.
    for names in (tops, children):
        await _spread(port, [(f"CREATE {quote(name)}", None) for name in names])
    print(f"  created {len(tops) + len(children)} mailboxes in "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    start = time.perf_counter()
    await _spread(port, [("APPEND INBOX", raw) for raw in corpus])
    print(f"  appended {len(corpus)} messages in {time.perf_counter() - start:.0f} s",
          flush=True)
    shared = (tops + children)[::SHARE_EVERY]
    await _spread(port, [(f"SETACL {quote(name)} {SHAREE} lrs", None) for name in shared])
    print(f"  shared {len(shared)} mailboxes with {SHAREE}", flush=True)


async def timed(port: int, user: str, command: str, runs: int,
                select: str | None = None) -> tuple[float, int]:
    """Median seconds of `runs` runs of `command` on one session, and its reply lines."""
    imap = await _login(port, user)
    try:
        if select is not None:
            await imap.command(f"EXAMINE {select}")
        seconds = []
        lines = 0
        for _ in range(runs):
            start = time.perf_counter()
            reply = await imap.command(command)
            seconds.append(time.perf_counter() - start)
            if reply.status != "OK":
                raise RuntimeError(f"{command}: {reply.status} {reply.text}")
            lines = len(reply.untagged)
        return statistics.median(seconds), lines
    finally:
        await imap.close()


async def measure(side: Side, admin: str, args: argparse.Namespace) -> dict[str, float]:
    await fill(side.imap_port, args.mailboxes, messages(args.messages, args.seed))
    figures: dict[str, float] = {}
    for label, user, command, select in (
            (f"LIST \"\" * as {USER}", USER, 'LIST "" *', None),
            ("LIST \"\" * as admin", admin, 'LIST "" *', None),
            (f"LIST \"\" * as {SHAREE} (sharee)", SHAREE, 'LIST "" *', None),
            ("FETCH 1:* HEADER.FIELDS", USER, FETCH, "INBOX")):
        median, lines = await timed(side.imap_port, user, command, args.runs, select)
        figures[label] = median
        print(f"  {side.name} {label}: median {median * 1000:.0f} ms ({lines} replies)",
              flush=True)
    return figures


def run_side(side: Side, admin: str, args: argparse.Namespace) -> dict[str, float]:
    return run_in_turn(side, lambda started: measure(started, admin, args))


def report(results: dict[str, dict[str, float]]) -> str:
    return ratio_table(results, "measure (median ms)", scale=1000)


def main(argv: list[str] | None = None) -> int:
    parser = side_parser(__doc__, runs=5, seed=1,
                         json_help="write the medians (seconds) to this file")
    parser.add_argument("--mailboxes", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=ROOST_PORT,
                        help="Roost's IMAP port; Cyrus's is the next one (default: "
                             f"{ROOST_PORT} and {CYRUS_PORT}, where another run may be)")
    args = parser.parse_args(argv)
    cyrus_port = CYRUS_PORT if args.port == ROOST_PORT else args.port + 1
    sides: dict[str, tuple[Callable[[], Side], str]] = {
        "roost": (lambda: RoostSide(2, PASSWORD, imap_port=args.port, admin=True), "admin"),
        "cyrus": (lambda: CyrusSide(2, PASSWORD, imap_port=cyrus_port), ADMIN),
    }
    results = {name: run_side(make(), admin, args)
               for name, (make, admin) in sides.items() if name in args.servers}
    print(report(results))
    save_medians(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
