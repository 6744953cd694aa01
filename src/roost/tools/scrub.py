"""`roost scrub`: verify every body against its hash and the index against
the bodies; report, never delete.

One line per problem on stdout: records whose body file is missing,
truncated or not matching its SHA-256 (by mailbox and UID), body files no
record references (a crash between file and commit leaves these; an
append in flight shows one for a moment), and the store-wide index
problems of `check()`. Exit 0 when nothing was found, 1 otherwise.
`ctl_mboxlist -v` is the same scan without hashing.
"""

from __future__ import annotations

from roost.config import Config
from roost.store.maintenance import SiteStore
from roost.tools import storetool

NAME = "scrub"
SUMMARY = "verify every body against its SHA-256 and the index against the bodies"


async def scan(conf: Config, store: SiteStore, verify: bool) -> int:
    """Print every problem of the whole store; the exit status."""
    ids = [m.id for m in await store.list_mailboxes()]
    with storetool.progress_bar(len(ids), "scrub: hashing bodies") as step:
        found = await store.damage(ids, verify, step)
    lines = [f"{storetool.shown_name(conf, name)}: {problem}"
             for name, problems in sorted(found.items()) for problem in problems]
    lines += [f"partition {body.partition}: body file {body.location} is not in the index"
              for body in await store.orphans()]
    lines += store.check()
    for line in lines:
        print(line)
    return storetool.DAMAGED if lines else storetool.OK


def main(argv: list[str]) -> int:
    args = storetool.parser(NAME, __doc__).parse_args(argv)
    return storetool.run(NAME, args, lambda conf, store: scan(conf, store, verify=True))
