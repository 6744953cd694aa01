"""`roost squatter`: build the full-text search index, as Cyrus's squatter.

Without -i, each owner's index (per user; shared mailboxes together) is
rebuilt from all that owner's mailboxes beside the live one and swapped
in by one transaction when done, so searches meanwhile use the old index
and never a part of the new one. Mailboxes named on the command line (all
when none; `-r` and every mailbox below each) choose the owners.

  -i   incremental: add only what is above each mailbox's mark, and take out
       what expunged messages and deleted mailboxes left (no rebuild)
  -s   skip owners whose index is current (every mark at UIDNEXT - 1)
  -R   rolling mode: follow new mail until SIGTERM (a cyrus.conf EVENTS
       entry `squatter cmd="squatter -R"`); -d is accepted (it always
       stays in the foreground, under the master). While mail keeps
       arriving it waits for a lull, for at most 10 seconds, and
       it lowers its own CPU priority (nice ROLLING_NICENESS): indexing
       is background work, so on a busy machine it yields to the workers
       answering LMTP and IMAP, and falls behind instead (what is not
       indexed yet is searched directly, so answers stay the same)
  -N   only mailboxes whose name starts with this prefix
  -a   only mailboxes whose shared `/vendor/cmu/cyrus-imapd/squat`
       annotation (RFC 5464 METADATA `/shared/vendor/cmu/cyrus-imapd/squat`),
       set on them or inherited from the nearest parent that has it, is
       "true", as Cyrus (unset is false); with any mode, -R too. The others
       are searched by the scan, with the same answers
  -v   say what is done, mailbox by mailbox
Not offered: `-z`/`-t` (one index per owner, no tiers).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import time
from collections.abc import Sequence

from roost.config import Config
from roost.search.index.api import FullTextIndex
from roost.search.index.attachments import HttpExtractor
from roost.search.index.feed import Indexer, owner_of
from roost.search.index.open import open_index
from roost.store.api import MailboxInfo
from roost.store.maintenance import SiteStore
from roost.tools import storetool

SQUAT = "/shared/vendor/cmu/cyrus-imapd/squat"
"""Cyrus's squat annotation as Roost's METADATA keeps it (a shared entry)."""
NAME = "squatter"
ROLLING_NICENESS = 10
"""How much `-R` lowers its priority (os.nice): as an admin would `nice` it."""
SUMMARY = "build the search index (-i incremental, -R rolling, -r recursive, -s skip current)"


async def targets(conf: Config, store: SiteStore, args: argparse.Namespace) -> list[MailboxInfo]:
    """The mailboxes named (with -r their children), or all; -N filters."""
    if not args.mailbox:
        found = await store.list_mailboxes()
    else:
        found = []
        for name in args.mailbox:
            info = await storetool.find(store, conf, name)
            found.extend(await storetool.with_children(store, info) if args.recursive
                         else [info])
    return [i for i in found if i.name.startswith(args.prefix)]


async def annotated(store: SiteStore, infos: Sequence[MailboxInfo]) -> list[MailboxInfo]:
    """Those of `infos` to index under -a: the nearest of the mailbox and
    its parents (by internal name) holding the squat annotation says
    "true" (the value is a boolean, stored lower-cased); none: not indexed
    (Cyrus squatter(8): the implicit value is false)."""
    by_name = {i.name: i for i in await store.list_mailboxes()}
    values: dict[str, bytes | None] = {}

    async def value(name: str) -> bytes | None:
        if name not in values:
            info = by_name.get(name)
            values[name] = None if info is None else \
                (await store.metadata(info.id, "")).get(SQUAT)
        return values[name]

    async def chosen(info: MailboxInfo) -> bool:
        parts = info.name.split(".")
        for depth in range(len(parts), 0, -1):
            found = await value(".".join(parts[:depth]))
            if found is not None:
                return found == b"true"
        return False

    return [i for i in infos if await chosen(i)]


def current_owners(index: FullTextIndex, infos: list[MailboxInfo]) -> set[str]:
    """Owners whose index covers every one of their mailboxes (-s)."""
    owners = {owner_of(i) for i in infos}
    marks = {owner: index.marks(owner) for owner in owners}
    stale = {owner_of(i) for i in infos if marks[owner_of(i)].get(i.id, 0) < i.uidnext - 1}
    return owners - stale


async def squat(conf: Config, store: SiteStore, args: argparse.Namespace) -> int:
    index = open_index(conf)
    if index is None:
        raise storetool.ToolFailed("search_engine is none: there is no index to build")
    url = conf.search_attachment_extractor_url
    feeder = Indexer(store, index, conf.search_batchsize, HttpExtractor(url) if url else None,
                     report=print if args.verbose else None,
                     choose=(lambda infos: annotated(store, infos)) if args.annotated else None)
    try:
        if args.rolling:
            os.nice(ROLLING_NICENESS)
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            await feeder.roll(stop, args.prefix)
            return storetool.OK
        infos = await targets(conf, store, args)
        if args.skip and not args.incremental:
            current = await asyncio.to_thread(current_owners, index, infos)
            infos = [i for i in infos if owner_of(i) not in current]
        start = time.perf_counter()
        done = await feeder.mailboxes(infos, rebuild=not args.incremental)
        if args.incremental:  # a rebuild leaves nothing behind to reclaim
            gone = await feeder.reclaim(infos)
            if args.verbose:
                print(f"reclaimed {gone.bodies} bodies no message holds"
                      f" ({gone.texts} with their text)")
        if args.verbose:
            took = time.perf_counter() - start
            print(f"{done.messages} messages ({done.bodies} bodies) in {done.mailboxes} "
                  f"mailboxes indexed in {took:.1f} s")
        return storetool.OK
    finally:
        index.close()


def main(argv: list[str]) -> int:
    parser = storetool.parser(NAME, __doc__)
    parser.add_argument("-r", dest="recursive", action="store_true",
                        help="also every mailbox below each one named")
    parser.add_argument("-i", dest="incremental", action="store_true",
                        help="add only new messages to existing indexes")
    parser.add_argument("-s", dest="skip", action="store_true",
                        help="skip owners whose index is current")
    parser.add_argument("-R", dest="rolling", action="store_true",
                        help="rolling mode: index new mail as it arrives, until SIGTERM")
    parser.add_argument("-d", dest="foreground", action="store_true",
                        help="stay in the foreground in rolling mode (always so)")
    parser.add_argument("-N", dest="prefix", default="",
                        help="only mailboxes whose internal name starts with this")
    parser.add_argument("-a", dest="annotated", action="store_true",
                        help="only mailboxes whose squat annotation is true (inherited)")
    parser.add_argument("-v", dest="verbose", action="store_true", help="say what is done")
    parser.add_argument("mailbox", nargs="*", help="mailbox names (user.bob or user/bob)")
    args = parser.parse_args(argv)
    return storetool.run(NAME, args, lambda conf, store: squat(conf, store, args))
