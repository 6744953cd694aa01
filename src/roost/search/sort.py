"""SORT's ordering (RFC 5256 §3 SORT, RFC 5957 §3 DISPLAYFROM/DISPLAYTO).

The messages are those SEARCH matched (``roost.search.run``); here they are
only ordered, from keys computed once at delivery into the parse cache
(``ParsedMessage.sort_*``, ``display_*``, ``sent_date``), reduced to
`SortKeys` and kept by blob in a `KeyCache`, and the record (internal
date, size); never from the body file.

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

import math
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
    """Whole seconds since the epoch (a naive datetime taken as UTC): an
    INTERNALDATE is seconds to the client (RFC 9051 §2.3.3), so two
    messages within one second tie and keep sequence order, as in Cyrus."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return float(math.floor(when.timestamp()))


@dataclass(frozen=True, slots=True)
class SortKeys:
    """What SORT and THREAD read of one message body, strings casemapped:
    a few hundred bytes where the whole parse is kilobytes to decode."""

    subject: str
    sort_from: str
    sort_to: str
    sort_cc: str
    display_from: str
    display_to: str
    sent: float | None  # RFC 5256 §2.2; None: use the INTERNALDATE
    subject_is_reply: bool
    message_id: str
    parents: tuple[str, ...]  # References, else the first In-Reply-To id (§3)


def sort_keys(parsed: ParsedMessage) -> SortKeys:
    """The `SortKeys` of a parse."""
    parents = parsed.references or ((parsed.in_reply_to,) if parsed.in_reply_to else ())
    return SortKeys(
        casemap(parsed.sort_subject), casemap(parsed.sort_from), casemap(parsed.sort_to),
        casemap(parsed.sort_cc), casemap(parsed.display_from), casemap(parsed.display_to),
        None if parsed.sent_date is None else timestamp(parsed.sent_date),
        parsed.subject_is_reply, parsed.message_id, parents)


class KeyCache:
    """`SortKeys` by blob, the least recently used dropped beyond `limit`.

    A blob names its bytes (SHA-256), so an entry never goes stale: a
    second SORT of a mailbox reads no parse at all.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._keys: dict[str, SortKeys] = {}

    def get(self, blob: str) -> SortKeys | None:
        found = self._keys.pop(blob, None)
        if found is not None:
            self._keys[blob] = found  # now the most recent
        return found

    def put(self, blob: str, keys: SortKeys) -> None:
        self._keys[blob] = keys
        while len(self._keys) > self.limit:
            del self._keys[next(iter(self._keys))]


def sent_time(keys: SortKeys, record: MessageRecord) -> float:
    """RFC 5256 §2.2 sent date in UTC, else the INTERNALDATE."""
    return timestamp(record.internaldate) if keys.sent is None else keys.sent


_STRINGS: dict[str, Callable[[SortKeys], str]] = {
    "SUBJECT": lambda k: k.subject,
    "FROM": lambda k: k.sort_from,
    "TO": lambda k: k.sort_to,
    "CC": lambda k: k.sort_cc,
    "DISPLAYFROM": lambda k: k.display_from,
    "DISPLAYTO": lambda k: k.display_to,
}


def needs_parse(criteria: Sequence[Criterion]) -> bool:
    """Whether any criterion reads the message's `SortKeys`."""
    return any(c.key not in RECORD_ONLY for c in criteria)


def sort_uids(uids: Sequence[int], records: Mapping[int, MessageRecord],
              keys: Mapping[str, SortKeys], criteria: Sequence[Criterion]) -> list[int]:
    """`uids` (ascending, i.e. in sequence order) ordered by `criteria`.

    A message whose keys are missing (expunged meanwhile) is left out when
    a criterion needs them, as SEARCH leaves it out.
    """
    order = list(uids)
    if needs_parse(criteria):
        order = [u for u in order if records[u].blob in keys]
    for criterion in reversed(criteria):
        # list.sort is stable, also with reverse=True: ties keep the order
        # the later criteria (and in the end the sequence numbers) gave.
        order.sort(key=_key_function(criterion.key, records, keys), reverse=criterion.reverse)
    return order


def _key_function(name: str, records: Mapping[int, MessageRecord],
                  keys: Mapping[str, SortKeys]) -> Callable[[int], str | float | int]:
    if name == "ARRIVAL":
        return lambda u: timestamp(records[u].internaldate)
    if name == "SIZE":
        return lambda u: records[u].size
    if name == "DATE":
        return lambda u: sent_time(keys[records[u].blob], records[u])
    field = _STRINGS[name]
    return lambda u: field(keys[records[u].blob])
