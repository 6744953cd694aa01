"""RFC 5322 §3.3 Date header -> aware datetime, for SENTBEFORE and SORT DATE.

Parsing is the stdlib's tolerant `parsedate_tz` (it also knows the
obsolete zone names of RFC 5322 §4.3). A date without a usable zone, or
with `-0000` ("no zone information", RFC 5322 §3.3), is taken as UTC.
Unparsable or out-of-range dates give None; RFC 5256 §2.2 then has SORT
use the internal date, which is the caller's business.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_tz

from roost.message import charsets


def parse_date(value: bytes | None) -> datetime | None:
    """The Date header value as an aware datetime, or None."""
    if value is None:
        return None
    text = charsets.header_bytes_to_str(value).replace("\r", " ").replace("\n", " ")
    try:
        parts = parsedate_tz(text)
        if parts is None:
            return None
        year, month, day, hour, minute, second = parts[:6]
        if year < 100:  # RFC 5322 §4.3 two-digit years
            year += 2000 if year < 50 else 1900
        offset = parts[9] or 0
        if abs(offset) >= 24 * 3600:
            offset = 0
        zone = timezone(timedelta(seconds=offset))
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=zone)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None
