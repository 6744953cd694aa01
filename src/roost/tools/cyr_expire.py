"""`roost cyr_expire`: let go of what the store keeps for a while, as Cyrus's cyr_expire.

    roost cyr_expire [-C F] [-E DURATION] [-X DURATION] [-D DURATION] [-p PREFIX] [-v]

`-E DURATION`: duplicate-delivery records (duplicate suppression, Sieve
`duplicate`, vacation tracking) last written longer ago than DURATION are
dropped, except those a script asked to keep longer (a vacation period,
`duplicate :seconds`), so no vacation reply goes out again early.
`-X DURATION`: messages expunged longer ago than DURATION lose their held
bodies (expunge_mode: delayed), which frees their disk space and means
`unexpunge` can no longer restore them.
`-D DURATION`: mailboxes deleted longer ago than DURATION, which
`delete_mode: delayed` kept under `deletedprefix`, are removed for good,
messages and all. `-p PREFIX` limits -X and -D to mailboxes whose name
(before deletion, for -D) starts with PREFIX (as Cyrus's tools take
names: `user.bob` or `user/bob`).

DURATION is a number of days, or a number with a unit (`s`, `m`, `h`,
`d`): `-X 3` and `-X 72h` are the same. It runs beside the server,
through the store's writer, and is meant for the EVENTS section of
cyrus.conf, as Cyrus's `delprune` entry:

    delprune cmd="cyr_expire -E 3 -X 3 -D 3" at=0400

Cyrus's other flags (-A archive, -u, -t, -a, -c, -x) are accepted, so a
Cyrus cyrus.conf runs, and said on stderr to be not done yet. Exit 0 on
success, 1 on an error, 2 when there is nothing to do.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta

from roost.config import Config
from roost.store.sqlite import SqliteStore
from roost.tools import storetool

NAME = "cyr_expire"
SUMMARY = ("drop old duplicate-delivery records (-E) and what delayed expunge (-X) and"
           " delayed delete (-D) keep, as Cyrus's cyr_expire")
NOT_YET = {"archive": "-A", "user": "-u", "t": "-t", "a": "-a", "c": "-c", "x": "-x"}
"""Cyrus's flags Roost accepts and does not act on yet."""


async def expire(conf: Config, store: SqliteStore, args: argparse.Namespace) -> int:
    for dest, flag in NOT_YET.items():
        if getattr(args, dest) not in (None, False):
            print(f"roost cyr_expire: {flag} is not done yet; ignored", file=sys.stderr)
    now = datetime.now(UTC)
    if args.expire is not None:
        removed = await store.expire_duplicates(now - args.expire, now)
        if args.verbose:
            print(f"duplicate delivery records: dropped {removed}")
    prefix = storetool.internal_name(conf, args.prefix) if args.prefix else ""
    if args.expunged is not None:
        released = await store.expire_expunged(now - args.expunged, prefix)
        if args.verbose:
            print(f"expunged messages: let go of {released} held bodies")
    if args.deleted is not None:
        gone = await store.expire_deleted(now - args.deleted, prefix)
        if args.verbose:
            for name in gone:
                print(f"removed deleted mailbox {storetool.shown_name(conf, name)}")
            print(f"deleted mailboxes: removed {len(gone)}")
    return storetool.OK


def duration(text: str) -> timedelta:
    return storetool.duration(text, "d")


def main(argv: list[str]) -> int:
    parser = storetool.parser(NAME, __doc__)
    parser.add_argument("-E", dest="expire", type=duration, metavar="DURATION",
                        help="drop duplicate delivery records older than this")
    parser.add_argument("-X", dest="expunged", type=duration, metavar="DURATION",
                        help="let go of bodies of messages expunged longer ago than this")
    parser.add_argument("-D", dest="deleted", type=duration, metavar="DURATION",
                        help="remove mailboxes deleted (delete_mode: delayed) longer ago than this")
    parser.add_argument("-p", dest="prefix", help="only mailboxes whose name starts with this")
    parser.add_argument("-v", dest="verbose", action="store_true", help="say what was done")
    parser.add_argument("-A", dest="archive", type=duration, help="(not done yet)")
    parser.add_argument("-u", dest="user", help="(not done yet)")
    for flag in ("-t", "-a", "-c", "-x"):
        parser.add_argument(flag, action="store_true", help="(not done yet)")
    args = parser.parse_args(argv)
    if args.expire is None and args.expunged is None and args.deleted is None:
        parser.error("nothing to do: give -E, -X or -D")
    return storetool.run(NAME, args, lambda conf, store: expire(conf, store, args))
