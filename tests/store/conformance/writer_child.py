"""Run by test_concurrent_writers: write to the store as fast as it can.

argv: backend, index (file or DSN), partition directory, bucket (its
imapd.conf lines, or empty), go-file, mode,
then the mode's arguments. Opens its store, prints `ready`, waits for
the go-file (so every child starts at once), then:

- `append MAILBOX LANE COUNT`: `COUNT` appends to MAILBOX, every odd one a
  batch of two, several at a time; prints each acknowledged `uid modseq`;
- `move SOURCE DEST COUNT`: `COUNT` times MOVE the lowest message of
  SOURCE to DEST (none left: nothing moves); prints `moved N` at the end.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from backends import AnyStore, open_store

from roost.store.api import AppendMessage

IN_FLIGHT = 4


async def append(store: AnyStore, mailbox: int, lane: int, count: int) -> None:
    async def one(n: int) -> None:
        raws = [f"Subject: lane {lane} n {n} part {p}\r\n\r\nbody {lane} {n}\r\n".encode()
                for p in range(1 + n % 2)]
        results = await store.append_messages(mailbox, [AppendMessage(raw) for raw in raws])
        for result in results:
            print(result.uid, result.modseq, flush=True)

    for start in range(0, count, IN_FLIGHT):
        await asyncio.gather(*(one(n) for n in range(start, min(start + IN_FLIGHT, count))))


async def move(store: AnyStore, source: int, dest: int, count: int) -> None:
    moved = 0
    for _ in range(count):
        records = await store.messages(source)
        if records:
            moved += len((await store.move(source, [records[0].uid], dest)).dest_uids)
    print("moved", moved, flush=True)


async def main(backend: str, index: str, spool: str, bucket: str, go: Path, mode: str,
               numbers: list[int]) -> None:
    store = open_store(backend, index, {"default": Path(spool)}, bucket)
    await store.mailbox_by_id(numbers[0])  # connected (and migrated) before the start
    print("ready", flush=True)
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
    await (append if mode == "append" else move)(store, *numbers)
    await store.close()


if __name__ == "__main__":
    backend, index, spool, bucket, go, mode, *numbers = sys.argv[1:]
    asyncio.run(main(backend, index, spool, bucket, Path(go), mode, [int(n) for n in numbers]))
