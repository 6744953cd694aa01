"""`roost cyr_expire`: let go of what the store keeps for undo, as Cyrus's cyr_expire.

    roost cyr_expire [-C F] [-X DURATION] [-D DURATION] [-p PREFIX] [-v]

`-X DURATION`: messages expunged longer ago than DURATION lose their held
bodies (expunge_mode: delayed), which frees their disk space and means
`unexpunge` can no longer restore them. DURATION is a number of days, or a
number with a unit (`s`, `m`, `h`, `d`): `-X 3` and `-X 72h` are the same.
`-D DURATION`: mailboxes deleted longer ago than DURATION, which
`delete_mode: delayed` kept under `deletedprefix`, are removed for good,
messages and all. `-p PREFIX` limits either to mailboxes whose name (before
deletion, for -D) starts with PREFIX (as Cyrus's tools take names:
`user.bob` or `user/bob`).

It runs beside the server, through the store's writer, and is meant for
the EVENTS section of cyrus.conf, as Cyrus's `delprune` entry:

    delprune cmd="cyr_expire -X 3 -D 3" at=0400

Exit 0 on success, 1 on an error.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from roost.config import Config
from roost.store.sqlite import SqliteStore
from roost.tools import storetool

NAME = "cyr_expire"
SUMMARY = "drop what delayed expunge (-X) and delayed delete (-D) keep, as Cyrus's cyr_expire"


async def expire(conf: Config, store: SqliteStore, args: argparse.Namespace) -> int:
    prefix = storetool.internal_name(conf, args.prefix) if args.prefix else ""
    if args.expunged is not None:
        released = await store.expire_expunged(datetime.now(UTC) - args.expunged, prefix)
        if args.verbose:
            print(f"expunged messages: let go of {released} held bodies")
    if args.deleted is not None:
        gone = await store.expire_deleted(datetime.now(UTC) - args.deleted, prefix)
        if args.verbose:
            for name in gone:
                print(f"removed deleted mailbox {storetool.shown_name(conf, name)}")
            print(f"deleted mailboxes: removed {len(gone)}")
    return storetool.OK


def main(argv: list[str]) -> int:
    parser = storetool.parser(NAME, __doc__)
    parser.add_argument("-X", dest="expunged", type=lambda text: storetool.duration(text, "d"),
                        metavar="DURATION",
                        help="let go of bodies of messages expunged longer ago than this")
    parser.add_argument("-D", dest="deleted", type=lambda text: storetool.duration(text, "d"),
                        metavar="DURATION",
                        help="remove mailboxes deleted (delete_mode: delayed) longer ago than this")
    parser.add_argument("-p", dest="prefix", help="only mailboxes whose name starts with this")
    parser.add_argument("-v", dest="verbose", action="store_true", help="say what was done")
    args = parser.parse_args(argv)
    if args.expunged is None and args.deleted is None:
        parser.error("nothing to do: give -X or -D")
    return storetool.run(NAME, args, lambda conf, store: expire(conf, store, args))
