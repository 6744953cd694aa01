"""Evaluate a search query (``roost.search.query``) against messages.

RFC 9051 §6.4.4 / RFC 3501 §6.4.4 semantics, in stages of rising cost:

1. the cached record (flags, UID, number, size, dates, modseq): free;
2. the parse-once summary (header fields decoded per RFC 2047, Date:);
3. the body text (``roost.message.body_text``), read from the body file.

A key whose source is not loaded yet evaluates to ``None`` (unknown) and
AND / OR / NOT follow Kleene's three-valued logic, so a message is decided
at the first stage that settles it: ``DELETED BODY x`` never reads the body
of an undeleted message. ``roost.search.run`` loads the stages in batches.

Invariants:
- Nothing here touches the store; the caller passes loaders.
- Strings match as substrings under i;unicode-casemap, as RFC 9051 §6.4.4
  asks (RFC 5051 §2: case mapped, then NFKD): "cafe" finds "CAFÉ", "file"
  finds "ﬁle", "strasse" finds "Straße".
- Dates compare by calendar day in the date's own zone, ignoring time and
  zone as RFC 9051 §6.4.4 says; a message without a usable Date: header
  is dated by its internal date for SENT* keys, as Cyrus does and as
  RFC 5256 §2.2 has SORT do, so a "sent since" view does not lose it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from roost.imap.objectid import email_objectid, thread_objectid
from roost.message import ParsedMessage
from roost.search import query as q
from roost.store.api import MessageRecord

Verdict = bool | None
DateKey = (q.Before | q.On | q.Since | q.SentBefore | q.SentOn | q.SentSince
           | q.SavedBefore | q.SavedOn | q.SavedSince)
SAVED_KEYS = (q.SavedBefore, q.SavedOn, q.SavedSince)


def fold(text: str) -> str:
    """The matching form of a string (RFC 5051 §2 i;unicode-casemap):
    Unicode casefolding, whose closure equals the titlecase mapping's for
    matching, then NFKD, as Sieve's comparator (roost.sieve.compare)."""
    if text.isascii():
        return text.lower()  # the same result, several times faster on bodies
    return unicodedata.normalize("NFKD", text.casefold())


@dataclass(frozen=True, slots=True)
class MessageText:
    """Folded text of a message for BODY and TEXT (``header`` is read by
    TEXT only, so a caller may leave it empty when the query has none)."""

    header: str
    body: str


@dataclass
class Facts:
    """What is known of one message so far."""

    record: MessageRecord
    recent: bool
    parsed: ParsedMessage | None = None
    text: MessageText | None = None
    headers: dict[str, list[str]] | None = None  # folded values by field, once per message


@dataclass
class Mailbox:
    """The mailbox-wide context: numbers and the sets that keys name.

    ``uid_sets`` / ``seq_sets`` map UID and sequence-set keys to the UIDs
    they hold, resolved once by the caller (``*`` and ``$`` need the view).
    """

    now: datetime
    sets: dict[q.Uid | q.SeqSet, frozenset[int]] = field(default_factory=dict)
    saved_days: dict[int, date] = field(default_factory=dict)
    """Save dates' days by UID, loaded by the caller for SAVED* keys (RFC
    8514); a message without one is dated by its internal date (§4.3)."""
    needles: dict[str, str] = field(default_factory=dict)  # search strings, folded once


def any_key(key: q.Key, wanted: tuple[type, ...]) -> bool:
    """Whether a key of one of the `wanted` types appears anywhere in the tree."""
    match key:
        case q.And(keys):
            return any(any_key(k, wanted) for k in keys)
        case q.Or(left, right):
            return any_key(left, wanted) or any_key(right, wanted)
        case q.Not(inner) | q.Fuzzy(inner):
            return isinstance(key, wanted) or any_key(inner, wanted)
    return isinstance(key, wanted)


#: Keys that need the parse-once summary / the body file.
PARSED_KEYS = (q.Header, q.SentBefore, q.SentOn, q.SentSince, q.ThreadId)
TEXT_KEYS = (q.Body, q.Text)


def set_keys(key: q.Key) -> list[q.Uid | q.SeqSet]:
    """Every UID / sequence-set key in the tree, for the caller to resolve."""
    match key:
        case q.Uid() | q.SeqSet():
            return [key]
        case q.And(keys):
            return [s for k in keys for s in set_keys(k)]
        case q.Or(left, right):
            return set_keys(left) + set_keys(right)
        case q.Not(inner) | q.Fuzzy(inner):
            return set_keys(inner)
    return []


def _header(facts: Facts, parsed: ParsedMessage, box: Mailbox, name: str, value: str) -> bool:
    """RFC 9051 §6.4.4 HEADER: an empty value matches any such field.

    The message's fields are folded and grouped by name once, so a query
    of many HEADER keys costs one fold per field, not one per key.
    """
    if facts.headers is None:
        facts.headers = {}
        for fname, fvalue in parsed.headers_for_search:
            facts.headers.setdefault(fname, []).append(fold(fvalue))
    needle = box.needles.get(value)
    if needle is None:
        needle = box.needles[value] = fold(value)
    return any(needle in fvalue for fvalue in facts.headers.get(name.lower(), ()))


def _on_day(day: date, key: DateKey) -> bool:
    if isinstance(key, q.Before | q.SentBefore | q.SavedBefore):
        return day < key.day
    if isinstance(key, q.On | q.SentOn | q.SavedOn):
        return day == key.day
    return day >= key.day


def _sent_day(parsed: ParsedMessage, record: MessageRecord) -> date:
    """The Date: header's calendar day, else the internal date's."""
    if parsed.sent_date is None:
        return record.internaldate.date()
    return parsed.sent_date.date()


def _age(record: MessageRecord, now: datetime) -> int:
    """Whole seconds from the internal date to now: RFC 5032 §2 matches
    "exact to the resolution of a second", so both are cut to the second."""
    when = record.internaldate
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(now.timestamp() // 1) - int(when.timestamp() // 1)


def evaluate(key: q.Key, facts: Facts, box: Mailbox) -> Verdict:
    """True / False, or None when the key needs a source not yet loaded."""
    record = facts.record
    match key:
        case q.All():
            return True
        case q.And(keys):
            unknown = False
            for k in keys:
                value = evaluate(k, facts, box)
                if value is False:
                    return False
                unknown |= value is None
            return None if unknown else True
        case q.Or(left, right):
            first = evaluate(left, facts, box)
            if first is True:
                return True
            second = evaluate(right, facts, box)
            if second is True:
                return True
            return None if first is None or second is None else False
        case q.Not(inner):
            value = evaluate(inner, facts, box)
            return None if value is None else not value
        case q.Fuzzy(inner):  # without an index's stemmed matches: exactly
            return evaluate(inner, facts, box)
        # What a planned query (roost.search.plan) is mostly made of, early:
        # a match statement tries its cases in order.
        case q.Matched(uids):
            return record.uid in uids
        case q.Header(name, value):
            return None if facts.parsed is None else _header(facts, facts.parsed, box, name, value)
        case q.Flag(flag, present):
            if flag == "\\Recent":
                return facts.recent == present
            lflag = flag.lower()
            return any(f.lower() == lflag for f in record.flags) == present
        case q.Keyword(keyword, present):
            lkeyword = keyword.lower()
            return any(f.lower() == lkeyword for f in record.flags) == present
        case q.Before() | q.On() | q.Since():
            return _on_day(record.internaldate.date(), key)
        case q.Larger(size):
            return record.size > size
        case q.Smaller(size):
            return record.size < size
        case q.Uid() | q.SeqSet():
            return record.uid in box.sets[key]
        case q.ModSeq(modseq):
            return record.modseq >= modseq
        case q.SavedBefore() | q.SavedOn() | q.SavedSince():
            return _on_day(box.saved_days.get(record.uid) or record.internaldate.date(), key)
        case q.SaveDateSupported():
            return True
        case q.EmailId(objectid):
            return email_objectid(record.blob) == objectid
        case q.ThreadId(objectid):
            if facts.parsed is None:
                return None
            return thread_objectid(facts.parsed, record.blob) == objectid
        case q.Older(seconds):  # RFC 5032 §2: at or before now - seconds
            return _age(record, box.now) >= seconds
        case q.Younger(seconds):  # at or after now - seconds
            return _age(record, box.now) <= seconds
        case q.SentBefore() | q.SentOn() | q.SentSince():
            return None if facts.parsed is None else _on_day(_sent_day(facts.parsed, record), key)
        case q.Body(text):
            return None if facts.text is None else fold(text) in facts.text.body
        case q.Text(text):
            if facts.text is None:
                return None
            needle = fold(text)
            return needle in facts.text.header or needle in facts.text.body
    raise TypeError(f"not a search key: {key!r}")
