"""`roost quota`: report quota roots, and with -f set their usage right, as Cyrus's quota.

    roost quota [-C F] [-d DOMAIN] [-f [-n]] [-q] [-J] [-u] [MAILBOX-SPEC...]

The report is Cyrus's, line for line: a header, then one line per resource
of each root (limit, percent used, used, resource, root), STORAGE in KiB,
the root named as an administrator sees it. Unlimited resources have blank
limit columns; MAILBOX is printed under Cyrus's name for it,
`X-NUM-FOLDERS`. `-J` prints the same as JSON (STORAGE in octets, limits
only where set), `-q` with `-f` prints only the corrections.

`-f` counts every root's usage again from the index records, in one store
transaction beside a running server, and prints `ROOT: RESOURCE usage was
N, now M` on stderr for each figure it corrects; `-n` only reports them.
Roost's writes keep usage exact in the same transaction as the records, so
a correction means the store was damaged or edited by hand. A root belongs
to its mailbox, so Cyrus's other repair, mailboxes pointing at the wrong
root, cannot happen here.

MAILBOX-SPEC arguments are mailbox-name prefixes (`user.b` covers
`user.bob` and `user.bill`); with `-u` they are user ids, each covering
that user's mailboxes only. `-d` limits everything to one virtual domain.
Exit 0 on success, 1 on an error.
"""

from __future__ import annotations

import argparse
import json
import sys

from roost.config import Config
from roost.store.api import QuotaCorrection, QuotaUsage
from roost.store.maintenance import SiteStore
from roost.store.names import user_inbox
from roost.tools import storetool

NAME = "quota"
SUMMARY = "report quota roots and usage; -f recounts usage from the index"

#: Resources in the order and with the names Cyrus's quota prints; the octet unit of each.
REPORTED = (("STORAGE", "STORAGE", 1024), ("MESSAGE", "MESSAGE", 1), ("MAILBOX", "X-NUM-FOLDERS", 1))
HEADER = "   Quota   % Used     Used             Resource Root"


def report_lines(conf: Config, root: QuotaUsage) -> list[str]:
    """One root's lines of the report, in Cyrus's columns."""
    lines = []
    for resource, shown, unit in REPORTED:
        used, limit = root.usage[resource] // unit, root.limits[resource]
        if limit is None:
            columns = " " * 17
        elif limit == 0:
            columns = "       0         "
        else:
            columns = f" {limit:7d} {used * 100 // limit:8d}"
        lines.append(f"{columns} {used:8d} {shown:>20} {storetool.shown_name(conf, root.root)}")
    return lines


def report_json(conf: Config, roots: list[QuotaUsage]) -> str:
    """The report as Cyrus's `quota -J` gives it: usage, and limits in octets."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for root in roots:
        entry = out.setdefault(storetool.shown_name(conf, root.root), {})
        for resource, shown, unit in REPORTED:
            item = {"used": root.usage[resource]}
            limit = root.limits[resource]
            if limit:
                item["limit"] = limit * unit
            entry[shown] = item
    return json.dumps(out, indent=2)


def prefixes(conf: Config, args: argparse.Namespace) -> list[str]:
    """Internal-name prefixes the arguments select (one empty one: all)."""
    domain = f"{args.domain}!" if args.domain else ""
    if args.users:
        return [user_inbox(f"{user}@{args.domain}" if args.domain else user)
                for user in args.specs]
    return [domain + storetool.internal_name(conf, spec) for spec in args.specs] or [domain]


def selected(roots: list[QuotaUsage], args: argparse.Namespace, prefix: str) -> list[QuotaUsage]:
    """With -u, only the user's own tree: `user.bob` is not `user.bobby`'s prefix."""
    if not args.users:
        return roots
    return [r for r in roots if r.root == prefix or r.root.startswith(prefix + ".")]


def print_corrections(corrections: list[QuotaCorrection]) -> None:
    for fix in corrections:
        print(f"{fix.root}: {fix.resource} usage was {fix.was}, now {fix.now}", file=sys.stderr)


async def quota(conf: Config, store: SiteStore, args: argparse.Namespace) -> int:
    roots: list[QuotaUsage] = []
    for prefix in prefixes(conf, args):
        if args.fix:
            print_corrections([fix for fix in await store.recount_quotas(prefix, dry_run=args.dry_run)
                               if not args.users or fix.root == prefix
                               or fix.root.startswith(prefix + ".")])
        roots += selected(await store.quota_roots(prefix), args, prefix)
    unique = sorted({root.root: root for root in roots}.values(), key=lambda root: root.root)
    if args.fix and args.quiet:
        return storetool.OK
    if args.json:
        print(report_json(conf, unique))
    else:
        print(HEADER)
        for root in unique:
            print("\n".join(report_lines(conf, root)))
    return storetool.OK


def main(argv: list[str]) -> int:
    parser = storetool.parser(NAME, __doc__)
    parser.add_argument("-d", dest="domain", help="only this virtual domain")
    parser.add_argument("-f", dest="fix", action="store_true",
                        help="recount usage from the index and correct it first")
    parser.add_argument("-n", dest="dry_run", action="store_true",
                        help="with -f: report what is wrong, change nothing")
    parser.add_argument("-q", dest="quiet", action="store_true",
                        help="with -f: print only the corrections")
    parser.add_argument("-J", dest="json", action="store_true", help="print the report as JSON")
    parser.add_argument("-u", dest="users", action="store_true",
                        help="the arguments are user ids, not mailbox prefixes")
    parser.add_argument("specs", nargs="*", metavar="MAILBOX-SPEC")
    args = parser.parse_args(argv)
    if args.users and not args.specs:
        parser.error("-u needs at least one user id")
    return storetool.run(NAME, args, lambda conf, store: quota(conf, store, args))
