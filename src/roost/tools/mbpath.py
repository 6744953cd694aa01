"""`roost mbpath`: where a mailbox and its messages live, as Cyrus's mbpath.

Roost keeps no directory per mailbox: bodies are content-addressed files
of the mailbox's partition and the index is one database, so the path of
a mailbox is its partition's directory (or bucket URL), `-l` adds one
line per message (`UID path`), and `-m` prints the index (Cyrus's
metadata) instead: the database file, or with `store_backend: postgres`
the DSN less its password.
Exit 1 if a named mailbox does not exist.
"""

from __future__ import annotations

import argparse

from roost.config import Config
from roost.store.maintenance import SiteStore
from roost.tools import storetool

NAME = "mbpath"
SUMMARY = "print where a mailbox (-l: and each of its messages) lives"


async def show(conf: Config, store: SiteStore, args: argparse.Namespace) -> int:
    status = storetool.OK
    for name in args.mailbox:
        try:
            info = await storetool.find(store, conf, name)
        except storetool.ToolFailed as err:
            print(f"roost mbpath: {err}")
            status = storetool.DAMAGED
            continue
        print(store.index_location if args.metadata else store.partition_location(info.partition))
        if args.list:
            for message in await store.message_files(info.id):
                print(f"{message.uid}\t{message.location}")
    return status


def main(argv: list[str]) -> int:
    parser = storetool.parser(NAME, __doc__)
    parser.add_argument("-l", dest="list", action="store_true",
                        help="also list every message file, one per line with its UID")
    parser.add_argument("-m", dest="metadata", action="store_true",
                        help="print the index (metadata) path instead of the partition's")
    parser.add_argument("-q", dest="quiet", action="store_true", help="accepted, as Cyrus")
    parser.add_argument("mailbox", nargs="+", help="mailbox names (user.bob.Sent or user/bob/Sent)")
    args = parser.parse_args(argv)
    return storetool.run(NAME, args, lambda conf, store: show(conf, store, args))
