"""`roost search`: run a SEARCH on a mailbox as an administrator, from the shell.

    roost search user.bob 'BODY "invoice" SINCE 1-Jan-2025'
    roost search -x user/bob/Sent 'FROM alice'

The criteria are IMAP SEARCH keys (RFC 9051 §6.4.4, in UTF-8); the UIDs
of the matches are printed on one line. It runs exactly as IMAP SEARCH
does, through the owner's full-text index when it has one; `-x` also
says what the index answered: its mark for the mailbox against UIDNEXT,
so an admin sees what was searched directly. `-u user` evaluates \\Seen
as that user sees it (default: the owner).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from roost.config import Config
from roost.imap import commands as c
from roost.imap.parse import parse_command
from roost.imap.parse_lexer import Bad
from roost.imap.wire import Line
from roost.search import evaluate as ev
from roost.search.index.feed import owner_of
from roost.search.index.open import open_index
from roost.search.mailbox import search_mailbox
from roost.store.maintenance import SiteStore
from roost.tools import storetool

NAME = "search"
SUMMARY = "run a SEARCH on a mailbox (-x: what the full-text index answered)"


def parse_criteria(text: str) -> c.Search:
    """IMAP SEARCH keys -> the query; ToolFailed naming what is wrong."""
    try:
        cmd = parse_command(Line((b"t UID SEARCH CHARSET UTF-8 " + text.encode(),), ()))
    except Bad as err:
        raise storetool.ToolFailed(f"bad criteria: {err}") from None
    if not isinstance(cmd, c.Search):
        raise storetool.ToolFailed("bad criteria")
    return cmd


async def search(conf: Config, store: SiteStore, args: argparse.Namespace) -> int:
    cmd = parse_criteria(" ".join(args.criteria))
    info = await storetool.find(store, conf, args.mailbox)
    records = {r.uid: r for r in await store.messages(info.id, args.user or info.owner)}
    uids = sorted(records)
    box = ev.Mailbox(now=datetime.now(UTC))
    for item in ev.set_keys(cmd.query):
        box.sets[item] = frozenset(item.sequence.members(uids))  # UID numbers here
    index = open_index(conf)
    found = await search_mailbox(store, index, info, records, uids, cmd.query, box)
    print(" ".join(map(str, found)))
    if args.explain:
        marks = {} if index is None else index.marks(owner_of(info))
        mark = marks.get(info.id)
        state = ("no index (search_engine: none)" if index is None else
                 "no index for this mailbox" if mark is None else
                 f"indexed up to UID {mark} of {info.uidnext - 1}")
        print(f"# {len(found)} of {len(uids)} messages; {state}")
    return storetool.OK if found else storetool.DAMAGED


def main(argv: list[str]) -> int:
    parser = storetool.parser(NAME, __doc__)
    parser.add_argument("-u", dest="user", help="whose \\Seen to use (default: the owner)")
    parser.add_argument("-x", dest="explain", action="store_true",
                        help="also say how far the full-text index covers the mailbox")
    parser.add_argument("mailbox", help="mailbox name (user.bob or user/bob)")
    parser.add_argument("criteria", nargs="+", help="IMAP SEARCH keys")
    args = parser.parse_args(argv)
    return storetool.run(NAME, args, lambda conf, store: search(conf, store, args))
