"""FETCH and SEARCH over a large mailbox: medians of several runs.

    python -m bench.fetch_search                    # 10,000 messages, 5 runs
    python -m bench.fetch_search --count 2000 --runs 3 --word budget

A throwaway site in a temp directory gets one user whose INBOX is filled
straight through the store API with the seeded `bench.mboxgen` corpus
(plain, alternative, mixed with attachments, forwarded messages). The IMAP
server then runs in this process on 127.0.0.1 and imaplib drives it from a
thread, so the client never holds up the server's event loop. Timed:

- `FETCH 1:* (FLAGS ENVELOPE)`: the parse-once cache, no body file read;
- `SEARCH BODY <word>`: every body read and decoded.

Loopback only; the temp directory is removed afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import imaplib
import socket
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.mboxgen import messages

USER = "bench"
PASSWORD = "bench-secret"
APPEND_BATCH = 200  # appends in flight at once: the store group-commits them


def timed(run: Callable[[], int], runs: int) -> tuple[float, int]:
    """Median seconds of `runs` calls, and what the last call returned."""
    seconds: list[float] = []
    result = 0
    for _ in range(runs):
        start = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), result


def client_runs(port: int, runs: int, word: str) -> None:
    """imaplib side (in a thread): select, then time the two commands."""
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login(USER, PASSWORD)
    client.select("INBOX", readonly=True)

    def fetch() -> int:
        status, data = client.fetch("1:*", "(FLAGS ENVELOPE)")
        assert status == "OK", data
        return len(data)

    def search() -> int:
        status, data = client.search(None, "BODY", word)
        assert status == "OK", data
        return len(data[0].split())

    fetch_s, fetched = timed(fetch, runs)
    print(f"FETCH 1:* (FLAGS ENVELOPE): median {fetch_s * 1000:9.1f} ms"
          f"  ({fetched} replies, {fetched / fetch_s:,.0f} msg/s)")
    search_s, found = timed(search, runs)
    print(f"SEARCH BODY {word}:{' ' * max(0, 14 - len(word))}median {search_s * 1000:9.1f} ms"
          f"  ({found} matches)")
    client.logout()


async def bench(root: Path, count: int, runs: int, word: str, seed: int) -> None:
    from roost.auth.open_credentials import open_credential_store
    from roost.config import parse_config
    from roost.imap.server import start_imap
    from roost.master.context import open_context
    from roost.store.names import user_inbox

    (root / "config").mkdir()
    (root / "spool").mkdir()
    conf = parse_config(f"configdirectory: {root / 'config'}\n"
                        f"partition-default: {root / 'spool'}\n"
                        "allowplaintext: yes\nservername: roost.bench\nfsync: no\n")
    creds = open_credential_store(conf)
    creds.set_password(USER, PASSWORD)
    creds.close()
    ctx = await open_context(conf)
    inbox = (await ctx.store.create_mailbox(user_inbox(USER))).id
    corpus = messages(count, seed)
    start = time.perf_counter()
    for first in range(0, count, APPEND_BATCH):
        await asyncio.gather(*(ctx.store.append(inbox, raw)
                               for raw in corpus[first:first + APPEND_BATCH]))
    megabytes = sum(map(len, corpus)) / 1e6
    print(f"appended {count} messages ({megabytes:.0f} MB) in "
          f"{time.perf_counter() - start:.1f} s")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    server = await start_imap(ctx, sock, implicit_tls=False)
    try:
        await asyncio.to_thread(client_runs, sock.getsockname()[1], runs, word)
    finally:
        server.close()
        await ctx.store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="messages in the mailbox")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command")
    parser.add_argument("--word", default="deadline", help="the SEARCH BODY word")
    parser.add_argument("--seed", type=int, default=1, help="bench.mboxgen corpus seed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="roost-fetch-search-") as tmp:
        asyncio.run(bench(Path(tmp), args.count, args.runs, args.word, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
