"""`roost chk_cyrus`: find broken mailboxes, as Cyrus's chk_cyrus.

Names of broken mailboxes go to stdout, one a line; what is wrong with
them to stderr: a body file missing or truncated, a body whose SHA-256 is
not its name, records past UIDNEXT or HIGHESTMODSEQ. Store-wide index
problems (`check()`: reference counts, the id counter) go to stderr too
when the whole store is checked (no -M or -P).
Exit 0 when all is sound, 1 when anything was found. Reads only.
"""

from __future__ import annotations

import argparse
import sys

from roost.config import Config
from roost.store.maintenance import SiteStore
from roost.tools import storetool

NAME = "chk_cyrus"
SUMMARY = "print the names of broken mailboxes (details on stderr)"


async def chosen(conf: Config, store: SiteStore, args: argparse.Namespace) -> list[int]:
    """Ids of the mailboxes to check: -M one, -P one partition's, else all."""
    if args.mailbox:
        return [(await storetool.find(store, conf, args.mailbox)).id]
    every = await store.list_mailboxes()
    if args.partition:
        store.partition_location(args.partition)  # an unknown partition is an error
    return [m.id for m in every if not args.partition or m.partition == args.partition]


async def check(conf: Config, store: SiteStore, args: argparse.Namespace) -> int:
    ids = await chosen(conf, store, args)
    with storetool.progress_bar(len(ids), "chk_cyrus: checking mailboxes") as step:
        found = await store.damage(ids, verify=True, step=step)
    for name, problems in sorted(found.items()):
        print(storetool.shown_name(conf, name))
        for problem in problems:
            print(f"{storetool.shown_name(conf, name)}: {problem}", file=sys.stderr)
    store_wide = [] if args.mailbox or args.partition else store.check()
    for problem in store_wide:
        print(problem, file=sys.stderr)
    return storetool.DAMAGED if found or store_wide else storetool.OK


def main(argv: list[str]) -> int:
    parser = storetool.parser(NAME, __doc__)
    parser.add_argument("-P", dest="partition", help="check only this partition's mailboxes")
    parser.add_argument("-M", dest="mailbox", help="check only this mailbox")
    args = parser.parse_args(argv)
    return storetool.run(NAME, args, lambda conf, store: check(conf, store, args))
