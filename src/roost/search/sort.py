"""SORT's ordering (RFC 5256 §3 SORT, RFC 5957 §3 DISPLAYFROM/DISPLAYTO).

The messages are those SEARCH matched (``roost.search.run``); here they are
only ordered, from keys computed once at delivery into the parse cache
(``ParsedMessage.sort_*``, ``display_*``, ``sent_date``) and the record
(internal date, size), never from the body file.

Invariants:
- The result is a permutation of the input.
- Ties on every criterion keep mailbox (sequence) order, and REVERSE
  reverses only its own criterion, never that implicit last one (RFC 5256
  §3, the note under REVERSE): the sort is stable and applied criterion
  by criterion from the last to the first.
- Strings compare under i;unicode-casemap (RFC 5051, `casemap`); the empty
  string (an absent header) sorts first.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from roost.message import ParsedMessage
from roost.store.api import MessageRecord

#: RFC 5256 §3 sort-key, and RFC 5957 §3's two.
SORT_KEYS = frozenset({"ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO",
                       "DISPLAYFROM", "DISPLAYTO"})
#: Keys read from the record alone (no parse needed).
RECORD_ONLY = frozenset({"ARRIVAL", "SIZE"})


@dataclass(frozen=True, slots=True)
class Criterion:
    """One sort-criterion: a key of SORT_KEYS, maybe REVERSE."""

    key: str
    reverse: bool = False


def casemap(text: str) -> str:
    """i;unicode-casemap (RFC 5051 §2): each character to its (simple)
    titlecase, then NFKD; the results compare as code point strings."""
    if text.isascii():
        return text.upper()  # titlecase of ASCII letters is their upper case
    mapped = "".join(t if len(t := ch.title()) == 1 else ch for ch in text)
    return unicodedata.normalize("NFKD", mapped)


def timestamp(when: datetime) -> float:
    """Seconds since the epoch; a naive datetime is taken as UTC."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def sent_time(parsed: ParsedMessage, record: MessageRecord) -> float:
    """RFC 5256 §2.2 sent date in UTC, else the INTERNALDATE."""
    if parsed.sent_date is None:
        return timestamp(record.internaldate)
    return timestamp(parsed.sent_date)


_STRINGS: dict[str, Callable[[ParsedMessage], str]] = {
    "SUBJECT": lambda p: p.sort_subject,
    "FROM": lambda p: p.sort_from,
    "TO": lambda p: p.sort_to,
    "CC": lambda p: p.sort_cc,
    "DISPLAYFROM": lambda p: p.display_from,
    "DISPLAYTO": lambda p: p.display_to,
}


def needs_parse(criteria: Sequence[Criterion]) -> bool:
    """Whether any criterion reads the parse cache."""
    return any(c.key not in RECORD_ONLY for c in criteria)


def sort_uids(uids: Sequence[int], records: Mapping[int, MessageRecord],
              parses: Mapping[str, ParsedMessage], criteria: Sequence[Criterion]) -> list[int]:
    """`uids` (ascending, i.e. in sequence order) ordered by `criteria`.

    A message whose parse is missing (expunged meanwhile) is left out when
    a criterion needs it, as SEARCH leaves it out.
    """
    order = list(uids)
    if needs_parse(criteria):
        order = [u for u in order if records[u].blob in parses]
    mapped: dict[str, str] = {}  # casemap once per distinct string

    def folded(text: str) -> str:
        value = mapped.get(text)
        if value is None:
            value = mapped[text] = casemap(text)
        return value

    for criterion in reversed(criteria):
        key = _key_function(criterion.key, records, parses, folded)
        # list.sort is stable, also with reverse=True: ties keep the order
        # the later criteria (and in the end the sequence numbers) gave.
        order.sort(key=key, reverse=criterion.reverse)
    return order


def _key_function(name: str, records: Mapping[int, MessageRecord],
                  parses: Mapping[str, ParsedMessage],
                  folded: Callable[[str], str]) -> Callable[[int], str | float | int]:
    if name == "ARRIVAL":
        return lambda u: timestamp(records[u].internaldate)
    if name == "SIZE":
        return lambda u: records[u].size
    if name == "DATE":
        return lambda u: sent_time(parses[records[u].blob], records[u])
    field = _STRINGS[name]
    return lambda u: folded(field(parses[records[u].blob]))
