"""IMAP sequence sets: ``1:3,5,7:*`` and the saved-result marker ``$``.

RFC 9051 §9 ``sequence-set``: numbers are nz-number (1..2^32-1), ``*`` is
the largest number in use, a range ``a:b`` is the same as ``b:a``, and
``$`` (RFC 5182 §2.1, RFC 9051 §6.4.4.1) stands for the result saved by
SEARCH RETURN (SAVE). The value keeps ``*`` and ``$`` symbolic: what they
mean depends on the mailbox at the moment the command runs.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

#: ``*`` in a range bound.
STAR = 0
#: RFC 9051 §9 ``nz-number`` upper bound.
MAX_NUMBER = 2**32 - 1


@dataclass(frozen=True, slots=True)
class SequenceSet:
    """Ranges as written by the client; ``STAR`` (0) stands for ``*``.

    Invariants: every bound is ``STAR`` or 1..MAX_NUMBER; a set holds at
    least one range unless ``saved`` is set.
    """

    ranges: tuple[tuple[int, int], ...]
    saved: bool = False  # "$" appears in the set

    @classmethod
    def parse(cls, text: str) -> SequenceSet:
        """Parse ``text``; ValueError when it is not a sequence-set."""
        ranges: list[tuple[int, int]] = []
        saved = False
        for item in text.split(","):
            if item == "$":
                saved = True
                continue
            first, colon, last = item.partition(":")
            lo = _bound(first)
            ranges.append((lo, _bound(last) if colon else lo))
        return cls(tuple(ranges), saved)

    @classmethod
    def from_ids(cls, ids: Iterable[int]) -> SequenceSet:
        """The most compact set holding exactly ``ids`` (for COPYUID etc.)."""
        ranges: list[tuple[int, int]] = []
        for n in sorted(set(ids)):
            if ranges and ranges[-1][1] + 1 == n:
                ranges[-1] = (ranges[-1][0], n)
            else:
                ranges.append((n, n))
        return cls(tuple(ranges))

    def render(self) -> str:
        """Wire form, e.g. ``1:3,5,$``; parse(render(s)) == s."""
        items = [_show(lo) if lo == hi else f"{_show(lo)}:{_show(hi)}" for lo, hi in self.ranges]
        if self.saved:
            items.append("$")
        return ",".join(items)

    def __str__(self) -> str:
        return self.render()

    def with_saved(self, saved: SequenceSet) -> SequenceSet:
        """This set with ``$`` replaced by the saved result ``saved``."""
        if not self.saved:
            return self
        return SequenceSet(self.ranges + saved.ranges, saved.saved)

    def resolve(self, largest: int) -> list[tuple[int, int]]:
        """Sorted, merged, disjoint ``(lo, hi)`` ranges, ``*`` = ``largest``.

        RFC 9051 §9 ``seq-number``: for message numbers ``largest`` is the
        message count (``*`` in an empty mailbox deserves BAD, the caller's
        check); for UIDs it is the last UID, or UIDNEXT in an empty mailbox.
        A ``largest`` of 0 makes ``*`` stand for nothing. Numbers beyond
        ``largest`` are kept: UIDs need not exist. ``$`` must have been
        substituted with ``with_saved`` first.
        """
        if self.saved:
            raise ValueError("sequence set still holds $")
        spans: list[tuple[int, int]] = []
        for lo, hi in self.ranges:
            a = largest if lo == STAR else lo
            b = largest if hi == STAR else hi
            if a == 0 or b == 0:
                a = b = max(a, b)  # only the explicit bound is left
                if a == 0:
                    continue
            spans.append((min(a, b), max(a, b)))
        spans.sort()
        merged: list[tuple[int, int]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        return merged

    def contains(self, n: int, largest: int) -> bool:
        """Whether ``n`` is in the set when ``*`` means ``largest``."""
        return any(a <= n <= b for a, b in self.resolve(largest))

    def members(self, sorted_ids: Sequence[int]) -> Iterator[int]:
        """The items of ascending ``sorted_ids`` that are in the set.

        ``*`` is the last item (RFC 9051 §9: the largest UID in use). Each
        range costs one binary search, not a scan of the whole list.
        """
        if not sorted_ids:
            return
        for a, b in self.resolve(sorted_ids[-1]):
            start = bisect.bisect_left(sorted_ids, a)
            stop = bisect.bisect_right(sorted_ids, b, lo=start)
            yield from sorted_ids[start:stop]


def _bound(text: str) -> int:
    if text == "*":
        return STAR
    if not text.isascii() or not text.isdigit() or text[0] == "0" or len(text) > 10:
        raise ValueError(f"bad sequence number {text!r}")
    n = int(text)
    if n > MAX_NUMBER:
        raise ValueError(f"sequence number {text!r} too large")
    return n


def _show(n: int) -> str:
    return "*" if n == STAR else str(n)


def render_in_order(numbers: Sequence[int]) -> str:
    """RFC 5267 §3.2: a sequence-set in sort order, ranges only where the
    numbers rise by one (10:12, never 12:10)."""
    parts: list[str] = []
    start = 0
    for index in range(1, len(numbers) + 1):
        if index < len(numbers) and numbers[index] == numbers[index - 1] + 1:
            continue
        first, last = numbers[start], numbers[index - 1]
        parts.append(str(first) if first == last else f"{first}:{last}")
        start = index
    return ",".join(parts)
