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
       stays in the foreground, under the master)
  -N   only mailboxes whose name starts with this prefix
  -v   say what is done, mailbox by mailbox
Not offered: `-a` (the squat annotation: the store keeps no mailbox
annotations yet) and `-z`/`-t` (one index per owner, no tiers).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import time

from roost.config import Config
from roost.search.index.api import FullTextIndex
from roost.search.index.attachments import HttpExtractor
from roost.search.index.feed import Indexer, owner_of
from roost.search.index.open import open_index
from roost.store.api import MailboxInfo
from roost.store.maintenance import SiteStore
from roost.tools import storetool

NAME = "squatter"
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
                     report=print if args.verbose else None)
    try:
        if args.rolling:
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
    parser.add_argument("-v", dest="verbose", action="store_true", help="say what is done")
    parser.add_argument("mailbox", nargs="*", help="mailbox names (user.bob or user/bob)")
    args = parser.parse_args(argv)
    return storetool.run(NAME, args, lambda conf, store: squat(conf, store, args))
