"""Run by test_sqlite_crash: append forever, printing each acknowledged append.

argv: database, partition directory, run number. Lines printed: `uid sha256`
for an append whose await returned (acknowledged as durable),
`expunging uid` before an expunge is asked for, `expunged uid` after it
is acknowledged.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
from pathlib import Path

from roost.store.api import MailboxNotFound
from roost.store.sqlite import SqliteStore


async def writer(store: SqliteStore, bob: int, run: str, lane: int) -> None:
    count = 0
    while True:
        count += 1
        shared = count % 5 == 0  # some bodies repeat, to exercise refcounts
        tag = f"shared {count % 3}" if shared else f"{run}-{lane}-{count}"
        raw = f"Subject: crash {tag}\r\n\r\n{'x' * (count % 7) * 300}\r\n".encode()
        result = await store.append(bob, raw, flags=["\\Seen"] if lane else [])
        print(result.uid, hashlib.sha256(raw).hexdigest(), flush=True)
        if count % 4 == 0:
            print("expunging", result.uid, flush=True)
            await store.store_flags(bob, [result.uid], "add", ["\\Deleted"])
            await store.expunge(bob, [result.uid])
            print("expunged", result.uid, flush=True)


async def main() -> None:
    database, spool, run = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    store = SqliteStore(database, {"default": spool})
    try:
        bob = (await store.get_mailbox("user.bob")).id
    except MailboxNotFound:
        bob = (await store.create_mailbox("user.bob")).id
    print("ready", flush=True)
    await asyncio.gather(*(writer(store, bob, run, lane) for lane in range(6)))


asyncio.run(main())
