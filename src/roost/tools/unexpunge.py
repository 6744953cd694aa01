"""`roost unexpunge`: list or restore expunged messages, as Cyrus's unexpunge.

    roost unexpunge [-C F] -l MAILBOX [UID...]
    roost unexpunge [-C F] -t INTERVAL [-d] [-v] [-f FLAG] MAILBOX
    roost unexpunge [-C F] -a [-d] [-v] [-f FLAG] MAILBOX
    roost unexpunge [-C F] -u [-d] [-v] [-f FLAG] MAILBOX UID...

Works with `expunge_mode: delayed` (the default): an expunged message's
body stays until `cyr_expire -X` lets it go, and until then it can come
back. `-l` lists the mailbox's expunged messages (or those UIDs), saying
of each whether it can still be restored. `-a` restores all of them, `-u`
those UIDs, `-t` those expunged within the last INTERVAL (seconds, or with
a unit: `30m`, `12h`, `2d`, `1w`). Restored messages get new UIDs, so every
client sees them arrive; `-d` clears their \\Deleted flag, `-f FLAG` adds a
keyword to find them by. The restore is one transaction, and refused whole
if it would take the mailbox over quota. Exit 0 on success, 1 on an error.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from roost.config import Config
from roost.store.maintenance import SiteStore
from roost.store.retention import ExpungedMessage
from roost.tools import storetool

NAME = "unexpunge"
SUMMARY = "list (-l) or restore (-a, -u, -t) expunged messages (expunge_mode: delayed)"


def listing(message: ExpungedMessage) -> str:
    """One message of `-l`, Cyrus's layout."""
    expunged = message.expunged_at.isoformat(" ", "seconds") if message.expunged_at else "unknown"
    flags = " ".join(sorted(message.flags)) or "(none)"
    state = "restorable" if message.restorable else "body released: cannot be restored"
    return (f"UID: {message.uid}\n\tSize: {message.size}\n"
            f"\tRecv: {message.internaldate.isoformat(' ', 'seconds')}\n"
            f"\tExpunged: {expunged}\n\tFlags: {flags}\n\t{state}")


async def unexpunge(conf: Config, store: SiteStore, args: argparse.Namespace) -> int:
    info = await storetool.find(store, conf, args.mailbox)
    uids = [int(uid) for uid in args.uids]
    if args.list:
        for message in await store.expunged_messages(info.id):
            if not uids or message.uid in uids:
                print(listing(message))
        return storetool.OK
    since = datetime.now(UTC) - args.within if args.within is not None else None
    restored = await store.unexpunge(info.id, uids if args.uids_mode else None, since=since,
                                     clear_deleted=args.undelete,
                                     add_flags=[args.flag] if args.flag else [])
    shown = storetool.shown_name(conf, info.name)
    if args.verbose:
        for old, new in restored:
            print(f"{shown}: restored UID {old} as UID {new}")
    print(f"restored {len(restored)} expunged messages")
    return storetool.OK


def main(argv: list[str]) -> int:
    parser = storetool.parser(NAME, __doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("-l", dest="list", action="store_true", help="list expunged messages")
    mode.add_argument("-a", dest="all", action="store_true", help="restore all of them")
    mode.add_argument("-u", dest="uids_mode", action="store_true", help="restore these UIDs")
    mode.add_argument("-t", dest="within", type=lambda text: storetool.duration(text, "s"),
                      metavar="INTERVAL",
                      help="restore those expunged within INTERVAL (90, 30m, 12h, 2d, 1w)")
    parser.add_argument("-d", dest="undelete", action="store_true",
                        help="clear \\Deleted on the restored messages")
    parser.add_argument("-f", dest="flag", help="add this keyword to the restored messages")
    parser.add_argument("-v", dest="verbose", action="store_true", help="name each message")
    parser.add_argument("mailbox")
    parser.add_argument("uids", nargs="*", metavar="UID")
    args = parser.parse_args(argv)
    if args.uids_mode and not args.uids:
        parser.error("-u needs at least one UID")
    if not all(uid.isdigit() for uid in args.uids):
        parser.error("UIDs are numbers")
    return storetool.run(NAME, args, lambda conf, store: unexpunge(conf, store, args))
