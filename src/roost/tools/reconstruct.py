"""`roost reconstruct`: rebuild mailbox indexes, as Cyrus's reconstruct.

For each mailbox named (`-r`: and every mailbox below it): records whose
body file is gone are removed (tombstoned at a new MODSEQ, so connected
clients see them expunged), UIDNEXT and HIGHESTMODSEQ are raised past the
records, and the reference counts of its bodies set right. Every other
record keeps its UID, flags and MODSEQ. `-f` also adopts the body files
the index lost (no record references them, a minute old at least) into
the first mailbox named, at new UIDs. `-n` reports what would be done and changes nothing (exit 1
if there is anything to do). `-x` creates a named mailbox that is not in
the list (on `-p` partition) instead of failing. One writer transaction
per mailbox, so the server keeps serving meanwhile.

`-m` (rebuild the mailbox list from the partitions) is refused, as Cyrus 3
refuses it ("reconstructing mailboxes.db currently not supported", exit
64): here there is nothing to rebuild it from, since the mailbox list and
the indexes are one database and the partitions hold only bodies named by
their hash. `ctl_mboxlist -d` keeps a copy of the list, `-u` loads it back.
"""

from __future__ import annotations

import argparse
import sys

from roost.config import Config
from roost.store.api import MailboxInfo
from roost.store.maintenance import SiteStore
from roost.tools import storetool

NAME = "reconstruct"
EX_USAGE = 64
"""sysexits.h EX_USAGE: Cyrus's exit status for `-m`."""
SUMMARY = "rebuild mailbox indexes (-r recursive, -f adopt lost bodies, -n report only)"


async def target(conf: Config, store: SiteStore, args: argparse.Namespace,
                 name: str) -> MailboxInfo:
    """The named mailbox; with -x one missing is created on -p's partition."""
    try:
        return await storetool.find(store, conf, name)
    except storetool.ToolFailed:
        if not args.create or args.dry_run:
            raise
        return await store.create_mailbox(storetool.internal_name(conf, name),
                                          partition=args.partition)


async def rebuild(conf: Config, store: SiteStore, args: argparse.Namespace) -> int:
    status = storetool.OK
    adopt = args.adopt
    for name in args.mailbox:
        try:
            info = await target(conf, store, args, name)
        except storetool.ToolFailed as err:
            print(f"roost reconstruct: {err}")
            status = storetool.DAMAGED
            continue
        every = await storetool.with_children(store, info) if args.recursive else [info]
        with storetool.progress_bar(len(every), f"reconstruct {name}") as step:
            for mailbox in every:
                done = await store.reconstruct(mailbox.id, adopt=adopt, dry_run=args.dry_run)
                adopt = False  # lost bodies go to the first mailbox named, once
                print(storetool.shown_name(conf, mailbox.name))
                for line in done:
                    print(f"  {line}")
                if done and args.dry_run:
                    status = storetool.DAMAGED
                step()
    return status


def main(argv: list[str]) -> int:
    parser = storetool.parser(NAME, __doc__)
    parser.add_argument("-p", dest="partition",
                        help="partition of a mailbox -x creates (default: defaultpartition)")
    parser.add_argument("-r", dest="recursive", action="store_true",
                        help="also every mailbox below each one named")
    parser.add_argument("-f", dest="adopt", action="store_true",
                        help="adopt body files no record references into the first mailbox")
    parser.add_argument("-x", dest="create", action="store_true",
                        help="create a named mailbox that is not in the list")
    parser.add_argument("-n", dest="dry_run", action="store_true",
                        help="report what would be done; change nothing")
    parser.add_argument("-m", dest="mailbox_list", action="store_true",
                        help="rebuild the mailbox list (refused, as in Cyrus 3)")
    parser.add_argument("mailbox", nargs="*", help="mailbox names (user.bob or user/bob)")
    args = parser.parse_args(argv)
    if args.mailbox_list:
        print("roost reconstruct: reconstructing the mailbox list is not supported: the list"
              " and the indexes are one database and the partitions hold only bodies;"
              " keep a copy with `ctl_mboxlist -d`, load it with `ctl_mboxlist -u`",
              file=sys.stderr)
        return EX_USAGE
    if not args.mailbox:
        parser.error("name at least one mailbox")
    return storetool.run(NAME, args, lambda conf, store: rebuild(conf, store, args))
