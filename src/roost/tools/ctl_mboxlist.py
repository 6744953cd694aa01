"""`roost ctl_mboxlist`: dump (-d), load (-u) and verify (-v) the mailbox list.

The text is Cyrus 2.4's dump, one line per mailbox:
`NAME<TAB>0 PARTITION IDENTIFIER<TAB>RIGHTS<TAB>...` (internal name,
mailbox type 0, partition, then the ACL as identifier/rights pairs each
followed by a tab). `-u` reads that text on stdin and creates every
mailbox not yet in the list, on its partition, with exactly its ACL;
existing mailboxes are left as they are. `-v` checks the list against the
partitions: mailboxes whose body files are missing, and body files no
mailbox references (`scrub` without the hashing). Exit 1 on a bad line
of `-u` input or anything `-v` finds.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from roost.config import Config
from roost.store.api import AclEntry, MailboxExists, MailboxInfo, StoreError
from roost.store.maintenance import SiteStore
from roost.tools import scrub, storetool

NAME = "ctl_mboxlist"
SUMMARY = "dump (-d), load (-u) or verify (-v) the mailbox list"


def dump_line(info: MailboxInfo) -> str:
    acl = "".join(f"{entry.identifier}\t{entry.rights}\t" for entry in info.acl)
    return f"{info.name}\t0 {info.partition} {acl}"


def parse_line(line: str) -> tuple[str, str, list[AclEntry]]:
    """(name, partition, ACL) of one dump line; ValueError if it is not one."""
    name, tab, rest = line.rstrip("\r\n").partition("\t")
    fields = rest.split(" ", 2)
    if not tab or not name or len(fields) < 2:
        raise ValueError("expected NAME<TAB>TYPE PARTITION ACL")
    pairs = fields[2].split("\t") if len(fields) == 3 else []
    if pairs and pairs[-1] == "":
        pairs.pop()
    if len(pairs) % 2:
        raise ValueError("the ACL is not identifier/rights pairs")
    return name, fields[1], [AclEntry(i, r) for i, r in zip(pairs[::2], pairs[1::2])]


async def dump(store: SiteStore) -> int:
    for info in await store.list_mailboxes():
        print(dump_line(info))
    return storetool.OK


async def load_one(store: SiteStore, name: str, partition: str,
                   acl: Sequence[AclEntry]) -> bool:
    """Create one mailbox with exactly `acl`; False if it existed."""
    try:
        info = await store.create_mailbox(name, partition=partition)
    except MailboxExists:
        return False
    wanted = {entry.identifier for entry in acl}
    for old in info.acl:
        if old.identifier not in wanted:
            await store.set_acl(info.id, old.identifier, "")
    for entry in acl:
        await store.set_acl(info.id, entry.identifier, entry.rights)
    return True


async def load(store: SiteStore, lines: Sequence[str]) -> int:
    """Every line at once, so the creates share group commits."""
    status = storetool.OK
    jobs = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            jobs.append((number, load_one(store, *parse_line(line))))
        except ValueError as err:
            print(f"roost ctl_mboxlist: line {number}: {err}", file=sys.stderr)
            status = storetool.DAMAGED
    outcomes = await asyncio.gather(*(job for _, job in jobs), return_exceptions=True)
    for (number, _), outcome in zip(jobs, outcomes):
        if isinstance(outcome, StoreError):
            print(f"roost ctl_mboxlist: line {number}: {outcome}", file=sys.stderr)
            status = storetool.DAMAGED
        elif isinstance(outcome, BaseException):
            raise outcome
    return status


async def act(conf: Config, store: SiteStore, args: argparse.Namespace) -> int:
    if args.dump:
        return await dump(store)
    if args.undump:
        return await load(store, sys.stdin.readlines())
    return await scrub.scan(conf, store, verify=False)


def main(argv: list[str]) -> int:
    parser = storetool.parser(NAME, __doc__)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("-d", dest="dump", action="store_true", help="dump the list to stdout")
    action.add_argument("-u", dest="undump", action="store_true",
                        help="load a dump from stdin (existing mailboxes are left)")
    action.add_argument("-v", dest="verify", action="store_true",
                        help="verify the list against the partitions")
    args = parser.parse_args(argv)
    return storetool.run(NAME, args, lambda conf, store: act(conf, store, args))
