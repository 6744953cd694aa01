"""Run by test_concurrent_writers: append to one mailbox as fast as it can.

argv: backend, index (file or DSN), partition directory, mailbox id,
lane, count, go-file. Opens its store, prints `ready`, waits for the
go-file (so every child starts at once), then appends `count` messages,
some as batches of two, several at a time, and prints each acknowledged
`uid modseq`.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from backends import open_store

from roost.store.api import AppendMessage

IN_FLIGHT = 4


async def main(backend: str, index: str, spool: str, mailbox: int, lane: int, count: int,
               go: Path) -> None:
    store = open_store(backend, index, {"default": Path(spool)})
    await store.mailbox_by_id(mailbox)  # connected (and migrated) before the start
    print("ready", flush=True)
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        await asyncio.sleep(0.005)

    async def one(n: int) -> None:
        raws = [f"Subject: lane {lane} n {n} part {p}\r\n\r\nbody {lane} {n}\r\n".encode()
                for p in range(1 + n % 2)]
        results = await store.append_messages(mailbox, [AppendMessage(raw) for raw in raws])
        for result in results:
            print(result.uid, result.modseq, flush=True)

    for start in range(0, count, IN_FLIGHT):
        await asyncio.gather(*(one(n) for n in range(start, min(start + IN_FLIGHT, count))))
    await store.close()


if __name__ == "__main__":
    backend, index, spool, mailbox, lane, count, go = sys.argv[1:]
    asyncio.run(main(backend, index, spool, int(mailbox), int(lane), int(count), Path(go)))
