"""`roost cyr_expire`: let go of what the store keeps for a while, as Cyrus's cyr_expire.

    roost cyr_expire [-C F] [-E DURATION] [-X DURATION] [-D DURATION]
                     [-p PREFIX] [-a] [-x] [-v]

Message expiry, as Cyrus 3's cyr_expire(8): a mailbox whose
`/vendor/cmu/cyrus-imapd/expire` annotation (a number of days, set with
cyradm's `mboxconfig NAME expire 30` or SETMETADATA) is above 0 loses its
messages sent (Date: header; the delivery time when there is none) longer
ago than that. The annotation is inherited: a mailbox without one takes
the nearest ancestor's (up to the server's own entry), so one value on
`user.bob` expires all of bob's folders; 0 switches expiry off for that
tree; without any, nothing is expired. Expired messages are expunged like
any others (with `expunge_mode: delayed`, `unexpunge` still brings them
back until -X lets them go). Every run does this, whatever else it is
asked, as Cyrus does, unless `-a` (ignore the annotations) or `-x` (no
expunging at all).

`-E DURATION`: duplicate-delivery records (duplicate suppression, Sieve
`duplicate`, vacation tracking) last written longer ago than DURATION are
dropped, except those a script asked to keep longer (a vacation period,
`duplicate :seconds`), so no vacation reply goes out again early.
`-X DURATION`: what expunges left behind longer ago than DURATION is
purged, as Cyrus's expunge cleanup: held bodies (`unexpunge` can no
longer restore them), the expunged records themselves, and the records
of mailbox renames, ACL changes and deletions. Each mailbox remembers
the highest MODSEQ purged (Cyrus's deletedmodseq), and a client resyncing
from before it (QRESYNC) is told of every UID it knows that is gone,
worked out from the messages that are there. `-x` skips -X.
`-D DURATION`: mailboxes deleted longer ago than DURATION, which
`delete_mode: delayed` kept under `deletedprefix`, are removed for good,
messages and all. `-p PREFIX` limits expiry, -X and -D to mailboxes
whose name (before deletion, for -D) starts with PREFIX (as Cyrus's tools
take names: `user.bob` or `user/bob`).

DURATION is a number of days, or a number with a unit (`s`, `m`, `h`,
`d`): `-X 3` and `-X 72h` are the same. It runs beside the server,
through the store's writer, and is meant for the EVENTS section of
cyrus.conf, as Cyrus's `delprune` entry:

    delprune cmd="cyr_expire -E 3 -X 3 -D 3" at=0400

`-t` (drop unused user flags) and `-c` (conversations) have nothing to
act on here: Roost keeps no per-mailbox table of user flags (FLAGS lists
the keywords in use) and no conversations database; they are accepted
and do nothing. `-A` (archive partitions) and `-u` are accepted and said
on stderr to be not done. Exit 0 on success, 1 on an error, 2 when there
is nothing to do.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta

from roost.config import Config
from roost.store import names
from roost.store.api import MailboxInfo, MailboxNotFound
from roost.store.maintenance import SiteStore
from roost.tools import storetool

NAME = "cyr_expire"
SUMMARY = ("expire messages by the expire annotation, drop old duplicate-delivery records (-E)"
           " and purge what delayed expunge (-X) and delayed delete (-D) keep, as Cyrus's cyr_expire")
NOT_YET = {"archive": "-A", "user": "-u"}
"""Cyrus's flags Roost accepts and does not act on yet."""
EXPIRE_ENTRY = "/shared/vendor/cmu/cyrus-imapd/expire"


class ExpireAnnotations:
    """The expire annotation that applies to each mailbox: its own, else the
    nearest ancestor's, else the server's (Cyrus's get_annotation_value)."""

    def __init__(self, store: SiteStore, mailboxes: list[MailboxInfo]) -> None:
        self._store = store
        self._ids = {info.name: info.id for info in mailboxes}
        self._read: dict[str | None, bytes | None] = {}

    async def _own(self, name: str | None) -> bytes | None:
        if name not in self._read:
            mailbox_id = None if name is None else self._ids.get(name)
            try:
                found = (await self._store.metadata(mailbox_id, "")).get(EXPIRE_ENTRY) \
                    if name is None or mailbox_id is not None else None
            except MailboxNotFound:  # deleted meanwhile
                found = None
            self._read[name] = found
        return self._read[name]

    async def seconds(self, name: str) -> float | None:
        """The age past which the mailbox's messages expire; 0 never; None
        when no annotation applies (or the nearest one is not a duration)."""
        for level in _ancestry(name):
            value = await self._own(level)
            if value is not None:
                try:
                    return duration(value.decode("ascii", "replace").strip()).total_seconds()
                except argparse.ArgumentTypeError:
                    return None
        return None


def _ancestry(name: str) -> list[str | None]:
    """`user.bob.Sent`, `user.bob`, `user`, then the server (None)."""
    domain, bang, local = name.rpartition("!")
    levels = local.split(".")
    return [*(domain + bang + ".".join(levels[:n]) for n in range(len(levels), 0, -1)), None]


async def expire_messages(conf: Config, store: SiteStore, prefix: str, now: datetime,
                          verbose: bool) -> int:
    """Expunge the messages the expire annotations say are too old; how many."""
    every = [info for info in await store.list_mailboxes(prefix)
             if not names.in_deleted_hierarchy(info.name, store.deleted_prefix)]
    annotations = ExpireAnnotations(store, await store.list_mailboxes())
    expired = 0
    with storetool.progress_bar(len(every), "cyr_expire: expiring messages") as step:
        for info in every:
            seconds = await annotations.seconds(info.name)
            step()
            if not seconds:
                continue
            mark = now.timestamp() - seconds
            records = await store.messages(info.id)
            sent = await storetool.sent_dates(store, records)
            doomed = [r.uid for r in records
                      if sent.get(r.blob, r.internaldate.timestamp()) < mark]
            if doomed:
                expired += len(await store.purge(info.id, doomed))
            if verbose:
                print(f"expiring messages in {storetool.shown_name(conf, info.name)} older than"
                      f" {seconds / 86400:.2f} days: {len(doomed)}")
    return expired


async def expire(conf: Config, store: SiteStore, args: argparse.Namespace) -> int:
    for dest, flag in NOT_YET.items():
        if getattr(args, dest) is not None:
            print(f"roost cyr_expire: {flag} is not done yet; ignored", file=sys.stderr)
    now = datetime.now(UTC)
    prefix = storetool.internal_name(conf, args.prefix) if args.prefix else ""
    if not args.no_expunge and not args.skip_annotations:
        expired = await expire_messages(conf, store, prefix, now, args.verbose)
        if args.verbose:
            print(f"expired messages: {expired}")
    if args.expire is not None:
        removed = await store.expire_duplicates(now - args.expire, now)
        if args.verbose:
            print(f"duplicate delivery records: dropped {removed}")
    if args.expunged is not None and not args.no_expunge:
        purged = await store.expire_expunged(now - args.expunged, prefix)
        if args.verbose:
            print(f"expunged messages: let go of {purged.bodies} held bodies,"
                  f" purged {purged.tombstones} expunged records"
                  f" and {purged.changes} mailbox change records")
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
                        help="purge what expunges left behind longer ago than this")
    parser.add_argument("-D", dest="deleted", type=duration, metavar="DURATION",
                        help="remove mailboxes deleted (delete_mode: delayed) longer ago than this")
    parser.add_argument("-p", dest="prefix", help="only mailboxes whose name starts with this")
    parser.add_argument("-a", dest="skip_annotations", action="store_true",
                        help="ignore the expire annotations: expire no messages")
    parser.add_argument("-x", dest="no_expunge", action="store_true",
                        help="expunge nothing: no message expiry, no -X")
    parser.add_argument("-v", dest="verbose", action="store_true", help="say what was done")
    parser.add_argument("-A", dest="archive", type=duration, help="(not done yet)")
    parser.add_argument("-u", dest="user", help="(not done yet)")
    parser.add_argument("-t", action="store_true", help="(nothing to do here: accepted)")
    parser.add_argument("-c", action="store_true", help="(nothing to do here: accepted)")
    args = parser.parse_args(argv)
    if args.expire is None and args.expunged is None and args.deleted is None and not args.t:
        parser.error("nothing to do: give -E, -X, -D or -t")
    return storetool.run(NAME, args, lambda conf, store: expire(conf, store, args))
