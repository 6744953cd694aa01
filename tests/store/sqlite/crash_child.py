"""Run by test_sqlite_crash: append forever, printing each acknowledged append.

argv: database, partition directory, run number, flag_sync_delay (0: flag
changes and expunges synced before their OK; more: committed unsynced,
which must survive a kill -9 all the same). Lines printed: `uid sha256`
for an append whose await returned (acknowledged as durable),
`expunging uid` before an expunge is asked for, `expunged uid` after it
is acknowledged; `batch TAG` once a MULTIAPPEND-style batch of BATCH
messages (subjects `crash batch TAG n`) is acknowledged; `tree NAME` once
NAME and its two children exist, `untree NAME` once the tree's one-call
delete is acknowledged.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
from pathlib import Path

from roost.store.api import AppendMessage, MailboxNotFound
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


BATCH = 3


async def batches(store: SqliteStore, bob: int, run: str) -> None:
    """All-or-nothing appends: after a crash a batch is there whole or not at all."""
    count = 0
    while True:
        count += 1
        tag = f"{run}-{count}"
        await store.append_messages(bob, [
            AppendMessage(f"Subject: crash batch {tag} {n}\r\n\r\n{'y' * n * 500}\r\n".encode())
            for n in range(BATCH)])
        print("batch", tag, flush=True)


async def trees(store: SqliteStore, run: str) -> None:
    """A tree deleted in one call: after a crash it is there whole or gone."""
    count = 0
    while True:
        count += 1
        name = f"user.bob.t{run}x{count}"
        for each in (name, name + ".a", name + ".b"):
            await store.create_mailbox(each)
        print("tree", name, flush=True)
        await store.delete_mailbox((await store.get_mailbox(name)).id, children=True)
        print("untree", name, flush=True)


async def main() -> None:
    database, spool, run = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    store = SqliteStore(database, {"default": spool}, flag_sync_delay=float(sys.argv[4]))
    try:
        bob = (await store.get_mailbox("user.bob")).id
    except MailboxNotFound:
        bob = (await store.create_mailbox("user.bob")).id
    print("ready", flush=True)
    await asyncio.gather(*(writer(store, bob, run, lane) for lane in range(6)),
                         batches(store, bob, run), trees(store, run))


asyncio.run(main())
