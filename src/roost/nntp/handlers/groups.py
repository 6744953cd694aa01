"""GROUP, LISTGROUP, NEXT, LAST, LIST, NEWGROUPS (RFC 3977 §6.1, §7.3, §7.6;
RFC 6048 §2.2 for ACTIVE.TIMES)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from roost.nntp import commands as c
from roost.nntp import responses as r
from roost.nntp.errors import (
    AUTH_REQUIRED,
    NO_CURRENT,
    NO_GROUP,
    NO_GROUP_SELECTED,
    NOT_PERMITTED,
    Reply,
)
from roost.nntp.newsgroups import Listed
from roost.nntp.session import Articles, SelectedGroup, Session
from roost.nntp.wildmat import MATCH_ALL, BadWildmat, Wildmat, parse_wildmat
from roost.store.api import MailboxNotFound, PermissionDenied

#: RFC 3977 §8.4.1: the overview fields in order; older clients (no
#: CAPABILITIES, as Cyrus tells them apart) get RFC 2980's names for the last two.
OVERVIEW_FMT = ("Subject:", "From:", "Date:", "Message-ID:", "References:")


async def select(s: Session, name: str) -> SelectedGroup:
    """Open group `name` for reading, its counts as of now (its articles are
    read when first needed); 411 when it is missing, not served or not
    readable (the same answer for all three)."""
    try:
        info = await s.news.open(s.ctx.access, s.identity, name)
    except (MailboxNotFound, PermissionDenied):
        raise NO_GROUP from None
    span = (await s.ctx.store.uid_ranges([info.id])).get(info.id)
    if span is None:
        raise NO_GROUP  # deleted since the lookup
    return SelectedGroup(name, info, span, span.lowest if span.count else None)


async def articles(s: Session, group: SelectedGroup) -> Articles:
    """The group's articles: read once, on the first command that needs them."""
    if group.articles is None:
        group.articles = Articles(await s.ctx.store.messages(group.info.id))
    return group.articles


def _summary_line(group: SelectedGroup) -> str:
    return f"{group.span.count} {group.low} {group.high} {group.name}"


async def group(s: Session, cmd: c.Group) -> None:
    """RFC 3977 §6.1.1: 211 count low high name; the first article is current."""
    s.group = await select(s, cmd.name)
    s.send(r.status(211, _summary_line(s.group)))


async def listgroup(s: Session, cmd: c.ListGroup) -> None:
    """RFC 3977 §6.1.2: the group (the current one when none is named) and
    its article numbers in the range."""
    if cmd.name is not None:
        s.group = await select(s, cmd.name)
    elif s.group is None:
        raise NO_GROUP_SELECTED
    else:
        s.group = await select(s, s.group.name)
    numbers = [str(rec.uid) for rec in (await articles(s, s.group)).within(cmd.range)]
    s.send(r.block(211, _summary_line(s.group) + " list follows", numbers))


async def _step(s: Session, forward: bool) -> None:
    """RFC 3977 §6.1.3 / §6.1.4: 223 number message-id of the new current article."""
    if s.group is None:
        raise NO_GROUP_SELECTED
    if s.group.current is None:
        raise NO_CURRENT
    read = await articles(s, s.group)
    numbers = read.numbers
    at = bisect_right(numbers, s.group.current) if forward else bisect_left(
        numbers, s.group.current) - 1
    if not 0 <= at < len(numbers):
        raise Reply(421, "No next article") if forward else Reply(422, "No previous article")
    s.group.current = numbers[at]
    record = read.by_number[s.group.current]
    parsed = await s.ctx.store.parsed(record.blob)
    s.send(r.status(223, f"{s.group.current} <{parsed.message_id or '0'}> retrieved"))


async def next_(s: Session, cmd: c.Simple) -> None:
    await _step(s, forward=True)


async def last(s: Session, cmd: c.Simple) -> None:
    await _step(s, forward=False)


def wildmat_argument(argument: str | None) -> Wildmat:
    try:
        return parse_wildmat(argument) if argument else MATCH_ALL
    except BadWildmat:
        raise Reply(501, "Bad wildmat") from None


async def _visible(s: Session, argument: str | None, needed: str) -> list[Listed]:
    pattern = wildmat_argument(argument)
    listed = await s.news.visible(s.ctx.access, s.identity, needed)
    return [item for item in listed if pattern.matches(item.name)]


async def _active_lines(s: Session, listed: list[Listed]) -> list[str]:
    """RFC 3977 §7.6.3: name high low status (y: the client may post), from
    the counts alone: one store call for every group."""
    spans = await s.ctx.store.uid_ranges([item.info.id for item in listed])
    lines = []
    for item in listed:
        span = spans.get(item.info.id)
        if span is None:
            continue  # deleted since it was listed
        selected = SelectedGroup(item.name, item.info, span)
        lines.append(f"{item.name} {selected.high} {selected.low} "
                     f"{'y' if 'p' in item.rights else 'n'}")
    return lines


async def list_(s: Session, cmd: c.ListCmd) -> None:
    """RFC 3977 §7.6: ACTIVE (before login too, what anonymous may read),
    the others to readers only."""
    keyword = cmd.keyword
    if keyword != "ACTIVE" and not s.reader:
        raise NOT_PERMITTED  # Cyrus: a feeder-only service lists only ACTIVE
    if keyword != "ACTIVE" and not s.may_read():
        raise AUTH_REQUIRED
    if keyword == "ACTIVE":
        lines = await _active_lines(s, await _visible(s, cmd.argument, "lr"))
        s.send(r.block(215, "List of newsgroups follows", lines))
    elif keyword == "ACTIVE.TIMES":
        # UIDVALIDITY is the mailbox's creation time, as Cyrus assigns it.
        lines = [f"{item.name} {item.info.uidvalidity} {s.conf.newsmaster}"
                 for item in await _visible(s, cmd.argument, "lr")]
        s.send(r.block(215, "Newsgroup creation times follow", lines))
    elif keyword == "NEWSGROUPS":
        lines = [f"{item.name}\t{item.name}" for item in await _visible(s, cmd.argument, "l")]
        s.send(r.block(215, "Descriptions follow", lines))
    elif keyword == "OVERVIEW.FMT":
        tail = (":bytes", ":lines") if s.did_capabilities else ("Bytes:", "Lines:")
        s.send(r.block(215, "Order of fields in overview database", OVERVIEW_FMT + tail))
    elif keyword == "HEADERS":
        if cmd.argument not in (None, "MSGID", "RANGE"):
            raise Reply(501, "Bad LIST HEADERS argument")
        s.send(r.block(215, "Field list follows", (":", ":bytes", ":lines")))
    else:
        raise Reply(501, "Unknown LIST keyword")


async def newgroups(s: Session, cmd: c.NewGroups) -> None:
    """RFC 3977 §7.3: groups created since then (UIDVALIDITY is the creation time)."""
    since = cmd.since.timestamp()
    lines = await _active_lines(s, [item for item in await _visible(s, None, "lr")
                                    if item.info.uidvalidity >= since])
    s.send(r.block(231, "List of new newsgroups follows", lines))
