"""`roost ipurge`: delete messages older or larger than a limit, as Cyrus's ipurge.

    roost ipurge [-C F] [-f] [-x] [-M] [-X] [-i] [-s] [-o] [-n] [-v]
                 (-d DAYS | -b BYTES | -k KBYTES | -m MBYTES) [MAILBOX-PATTERN...]

Each pattern is a LIST pattern (`*`, `%`) over the mailbox names as an
administrator sees them (`shared/lists/*`, or internal `shared.lists.*`);
without one, every mailbox. A matching mailbox's children are purged too
unless `-M`. As in Cyrus, personal mailboxes (`user.*`) are left alone
unless `-f`.

A message goes when it is older than DAYS (by its Date: header, or with
`-X` by its delivery time, the IMAP internal date) or larger than the
size; `-x` asks for an exact match instead (the same age in whole days,
the same size), `-i` inverts the test (newer, smaller, not equal). `-s`
keeps \\Flagged messages and `-o` purges only \\Deleted ones. `-n` prints
what would go and deletes nothing. The messages of one mailbox go in one
store transaction, at a new MODSEQ, so clients see them expunged at their
next command; quota usage falls with them.

For each mailbox it prints Cyrus's counts (total, deleted and remaining
messages and bytes), with `-v` preceded by `Working on NAME...`.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

from roost.config import Config
from roost.store.api import MailboxInfo, MessageRecord
from roost.store.maintenance import SiteStore
from roost.store.names import NamePattern, owner_of
from roost.tools import storetool

NAME = "ipurge"
SUMMARY = "delete messages older or larger than a limit (shared folders; -f all)"
DAY = 86400


@dataclass(frozen=True, slots=True)
class Rule:
    """What ipurge's flags ask about each message."""

    age: int | None  # seconds (-d DAYS * 86400)
    size: int | None  # octets
    exact: bool
    invert: bool
    skip_flagged: bool
    only_deleted: bool

    def doomed(self, record: MessageRecord, sent: float, now: float) -> bool:
        """Cyrus's purge_check: the age test first, then the size test."""
        if self.skip_flagged and "\\Flagged" in record.flags:
            return False
        if self.only_deleted and "\\Deleted" not in record.flags:
            return False
        if self.age is not None:
            if self.exact:
                hit = int(now - sent) // DAY == self.age // DAY
            else:
                hit = now - sent > self.age
            if hit != self.invert:
                return True
        if self.size is not None:
            hit = record.size == self.size if self.exact else record.size > self.size
            if hit != self.invert:
                return True
        return False


def rule_of(args: argparse.Namespace) -> Rule:
    sizes = {"bytes": 1, "kbytes": 1024, "mbytes": 1024 * 1024}
    size = next((getattr(args, k) * unit for k, unit in sizes.items()
                 if getattr(args, k) is not None), None)
    age = None if args.days is None else args.days * DAY
    return Rule(age, size, args.exact, args.invert, args.skip_flagged, args.only_deleted)


def chosen(conf: Config, mailboxes: list[MailboxInfo], args: argparse.Namespace) -> list[MailboxInfo]:
    """The mailboxes the patterns name (and their children unless -M);
    personal ones only with -f."""
    patterns = [NamePattern(p, conf.hierarchy_sep) for p in args.patterns]
    internal = [NamePattern(p, ".") for p in args.patterns]

    def named(name: str) -> bool:
        shown = storetool.shown_name(conf, name)
        return any(p.matches(shown) for p in patterns) or any(p.matches(name) for p in internal)

    picked = []
    for info in mailboxes:
        if owner_of(info.name) is not None and not args.force:
            continue
        levels = info.name.split(".")
        ancestry = [".".join(levels[:n]) for n in range(len(levels), 0, -1)]
        if not patterns or named(info.name) or (not args.no_recurse and any(map(named, ancestry))):
            picked.append(info)
    return picked


async def purge_one(conf: Config, store: SiteStore, info: MailboxInfo, rule: Rule,
                    args: argparse.Namespace, now: float) -> None:
    records = await store.messages(info.id)
    sent: dict[str, float] = {}
    if rule.age is not None and not args.delivery_time:
        sent = await storetool.sent_dates(store, records)
    doomed = [r for r in records
              if rule.doomed(r, sent.get(r.blob, r.internaldate.timestamp()), now)]
    shown = storetool.shown_name(conf, info.name)
    if args.verbose:
        print(f"Working on {shown}...")
    if args.dry_run:
        for record in doomed:
            print(f"{shown}: would delete UID {record.uid} ({record.size} bytes)")
    elif doomed:
        await store.purge(info.id, [r.uid for r in doomed])
    total, gone = sum(r.size for r in records), sum(r.size for r in doomed)
    print(f"total messages    \t\t {len(records)}\n"
          f"total bytes       \t\t {total}\n"
          f"Deleted messages  \t\t {len(doomed)}\n"
          f"Deleted bytes     \t\t {gone}\n"
          f"Remaining messages\t\t {len(records) - len(doomed)}\n"
          f"Remaining bytes   \t\t {total - gone}")


async def ipurge(conf: Config, store: SiteStore, args: argparse.Namespace) -> int:
    rule, now = rule_of(args), time.time()
    for info in chosen(conf, await store.list_mailboxes(), args):
        await purge_one(conf, store, info, rule, args, now)
    return storetool.OK


def main(argv: list[str]) -> int:
    parser = storetool.parser(NAME, __doc__)
    parser.add_argument("-d", dest="days", type=int, help="age in days")
    limit = parser.add_mutually_exclusive_group()
    limit.add_argument("-b", dest="bytes", type=int, help="size in bytes")
    limit.add_argument("-k", dest="kbytes", type=int, help="size in KiB")
    limit.add_argument("-m", dest="mbytes", type=int, help="size in MiB")
    for flag, dest, text in (
            ("-f", "force", "also personal mailboxes (user.*)"),
            ("-x", "exact", "exact age (whole days) or size"),
            ("-M", "no_recurse", "do not purge the children of a matching mailbox"),
            ("-X", "delivery_time", "age by delivery time, not the Date: header"),
            ("-i", "invert", "invert the test: newer, smaller, not equal"),
            ("-s", "skip_flagged", "keep \\Flagged messages"),
            ("-o", "only_deleted", "purge only \\Deleted messages"),
            ("-n", "dry_run", "print what would go, delete nothing"),
            ("-v", "verbose", "name each mailbox as it is worked on")):
        parser.add_argument(flag, dest=dest, action="store_true", help=text)
    parser.add_argument("patterns", nargs="*", metavar="MAILBOX-PATTERN")
    args = parser.parse_args(argv)
    if args.days is None and all(getattr(args, k) is None for k in ("bytes", "kbytes", "mbytes")):
        parser.error("one of -d, -b, -k or -m is required")
    return storetool.run(NAME, args, lambda conf, store: ipurge(conf, store, args))
