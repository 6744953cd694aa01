"""What the store tools share: `-C`, opening the store, Cyrus's mailbox
names, and the exit codes (0 sound / done, 1 damage found or not found,
2 usage, argparse's own).

Every tool opens the store (a `SiteStore`, on either backend) as one more
process beside the server: reads are snapshots (of SQLite's WAL index, or
PostgreSQL's), writes are the store's own transactions (SQLite's writer
under the cross-process write lock, PostgreSQL's row locks), so a tool
may run while the server, on any node, serves.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from roost.config import Config, ConfigError, load_config
from roost.store.api import MailboxInfo, MailboxNotFound, MessageRecord, Store, StoreError
from roost.store.maintenance import SiteStore
from roost.store.names import Namespace
from roost.store.open import open_store

OK, DAMAGED, USAGE = 0, 1, 2


class ToolFailed(Exception):
    """Ends a tool with its message on stderr and exit status 1."""


def parser(name: str, doc: str | None) -> argparse.ArgumentParser:
    """An argument parser with `-C imapd.conf`."""
    made = argparse.ArgumentParser(prog=f"roost {name}", description=doc,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    made.add_argument("-C", dest="config", help="imapd.conf to read")
    return made


DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def duration(text: str, default_unit: str) -> timedelta:
    """A Cyrus tool's duration: a number of `default_unit`s, or a number with
    a unit s, m, h, d or w (`90`, `30m`, `2d`); ArgumentTypeError otherwise."""
    unit = DURATION_UNITS.get(text[-1:].lower())
    number = text[:-1] if unit else text
    if not number.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration (e.g. 3, 72h, 30m)")
    return timedelta(seconds=int(number) * (unit or DURATION_UNITS[default_unit]))


@contextmanager
def progress_bar(total: int, description: str) -> Iterator[Callable[[], None]]:
    """A `step()` to call once per item done. On a terminal (stderr) it
    draws a rich progress bar, which goes when the run ends; in a pipe, a
    log or an EVENTS job it draws nothing, so output stays plain."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    # Lines printed meanwhile go above the bar when stdout is the same terminal,
    # and straight to stdout when it is a pipe or a file.
    with Progress(*columns, console=Console(stderr=True), transient=True,
                  redirect_stdout=sys.stdout.isatty(), redirect_stderr=False) as bar:
        task = bar.add_task(description, total=total)
        yield lambda: bar.advance(task)


def internal_name(conf: Config, name: str) -> str:
    """A mailbox name as Cyrus's tools take it: internal (`user.bob.Sent`),
    or with `unixhierarchysep` `user/bob/Sent` (an admin's view). With `/`
    as separator a name without one is internal already: a `.` inside a
    level is `^` there, so `user.bob` can only mean the internal name."""
    if conf.hierarchy_sep == "/" and "/" not in name:
        return name
    return Namespace(conf, "", is_admin=True).to_internal(name)


def shown_name(conf: Config, internal: str) -> str:
    """An internal name as the tools print it (the admin's view)."""
    return Namespace(conf, "", is_admin=True).to_external(internal) or internal


async def find(store: Store, conf: Config, name: str) -> MailboxInfo:
    """The mailbox a command-line name means; ToolFailed if there is none."""
    try:
        return await store.get_mailbox(internal_name(conf, name))
    except MailboxNotFound:
        raise ToolFailed(f"{name}: Mailbox does not exist") from None


async def sent_dates(store: Store, records: Sequence[MessageRecord]) -> dict[str, float]:
    """Each body's Date: header as epoch seconds (Cyrus's sent date), for
    the bodies that have one: ipurge and cyr_expire age messages by it."""
    parses = await store.parsed_many([r.blob for r in records])
    return {blob: parsed.sent_date.timestamp() for blob, parsed in parses.items()
            if parsed.sent_date is not None}


async def with_children(store: Store, info: MailboxInfo) -> list[MailboxInfo]:
    """The mailbox and every mailbox below it (`-r`), sorted by name."""
    return [info, *await store.list_mailboxes(info.name + ".")]


def run(name: str, args: argparse.Namespace,
        body: Callable[[Config, SiteStore], Awaitable[int]]) -> int:
    """Load the config, open the store, run `body`, close; errors are exit 1."""
    try:
        conf = load_config(args.config)
        store = open_store(conf)
    except (ConfigError, StoreError) as err:
        print(f"roost {name}: {err}", file=sys.stderr)
        return DAMAGED

    async def session() -> int:
        try:
            return await body(conf, store)
        finally:
            await store.close()

    try:
        return asyncio.run(session())
    except (ToolFailed, StoreError, ConfigError) as err:
        print(f"roost {name}: {err}", file=sys.stderr)
        return DAMAGED
