"""date and currentdate, RFC 5260 §4-§5: date-parts of a header or of now."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime

from roost.sieve.interp import TESTS
from roost.sieve.match import compare
from roost.sieve.program import Node
from roost.sieve.runtime import Context
from roost.sieve.tests_core import indexed

MJD_EPOCH = date(1858, 11, 17)


def parse_zone(text: str) -> timezone | None:
    """"+hhmm" / "-hhmm" (RFC 5260 §4.1), None if malformed."""
    if len(text) != 5 or text[0] not in "+-" or not text[1:].isdigit():
        return None
    hours, minutes = int(text[1:3]), int(text[3:])
    if minutes > 59:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if text[0] == "-" else offset)


def zone_text(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def date_part(moment: datetime, part: str) -> str:
    """RFC 5260 §4.2: the text of one date-part."""
    part = part.lower()
    if part == "year":
        return f"{moment.year:04d}"
    if part == "month":
        return f"{moment.month:02d}"
    if part == "day":
        return f"{moment.day:02d}"
    if part == "date":
        return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
    if part == "julian":
        return str((moment.date() - MJD_EPOCH).days)
    if part == "hour":
        return f"{moment.hour:02d}"
    if part == "minute":
        return f"{moment.minute:02d}"
    if part == "second":
        return f"{moment.second:02d}"
    if part == "time":
        return f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    if part == "iso8601":
        zone = zone_text(moment)
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + f"{zone[:3]}:{zone[3:]}"
    if part == "std11":
        return format_datetime(moment)
    if part == "zone":
        return zone_text(moment)
    if part == "weekday":
        return str((moment.weekday() + 1) % 7)  # RFC 5260 §4.2: 0 is Sunday
    raise ValueError(part)


def shift(ctx: Context, node: Node, moment: datetime, original_ok: bool) -> datetime | None:
    """Apply :zone, or keep the original zone, or convert to the server's (RFC 5260 §4.1)."""
    if ":originalzone" in node.tags and original_ok:
        return moment
    zone_arg = node.tags.get(":zone")
    if isinstance(zone_arg, str):
        zone = parse_zone(ctx.s(zone_arg))
        if zone is None:
            raise ctx.fail(f"bad :zone {zone_arg!r}")
        return moment.astimezone(zone)
    local = ctx.now.tzinfo or UTC
    return moment.astimezone(local)


def parts_or_fail(ctx: Context, moment: datetime, part: str) -> str:
    try:
        return date_part(moment, part)
    except ValueError:
        raise ctx.fail(f"unknown date part {part!r}") from None


async def t_date(ctx: Context, node: Node) -> bool:
    """RFC 5260 §4: a missing or unparsable date makes the test false."""
    part = ctx.s(node.args[1])
    name = ctx.s(node.args[0])
    values = []
    for raw in indexed(ctx.message.header(name), node):
        if name.lower() == "received":
            raw = raw.rpartition(";")[2]  # RFC 5260 §4: the date follows the last ";"
        try:
            moment = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)  # "-0000": no zone information
        shifted = shift(ctx, node, moment, True)
        if shifted is not None:
            values.append(parts_or_fail(ctx, shifted, part))
    return bool(values) and compare(ctx, node, values, ctx.strings(node.args[2]))


async def t_currentdate(ctx: Context, node: Node) -> bool:
    moment = shift(ctx, node, ctx.now, False)
    if moment is None:
        return False
    return compare(ctx, node, [parts_or_fail(ctx, moment, ctx.s(node.args[0]))], ctx.strings(node.args[1]))


TESTS.update({"date": t_date, "currentdate": t_currentdate})
