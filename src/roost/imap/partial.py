"""PARTIAL (RFC 9394): one page of a result list, counted from either end.

`PartialRange` is a parsed `partial-range` (§4): `first:last` 1-based
positions among the results in ascending order, or `-first:-last` counted
from the newest (-1 is the last result). `500:400` is `400:500` (§3.1), and
the reply echoes the range so written. `pick` cuts the page; a page past
the end of the results is empty (`PARTIAL (range NIL)` in ESEARCH).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from roost.imap.parse_lexer import Cursor

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PartialRange:
    """Positions `low`..`high` (1-based, low <= high), from the end when `from_end`."""

    low: int
    high: int
    from_end: bool = False

    def render(self) -> bytes:
        sign = b"-" if self.from_end else b""
        return b"%s%d:%s%d" % (sign, self.low, sign, self.high)

    def pick(self, results: Sequence[T]) -> list[T]:
        """The page of `results` (kept in their order) this range names."""
        count = len(results)
        if self.from_end:
            start, stop = max(0, count - self.high), max(0, count - self.low + 1)
        else:
            start, stop = min(count, self.low - 1), min(count, self.high)
        return list(results[start:stop])


def parse_partial_range(cur: Cursor) -> PartialRange:
    """RFC 9394 §4: ``partial-range-first / partial-range-last``: two
    nz-numbers of the same sign, no ``*``."""
    from_end = cur.skip(b"-")
    first = cur.nz_number()
    cur.expect(b":")
    if from_end:
        cur.expect(b"-")
    second = cur.nz_number()
    return PartialRange(min(first, second), max(first, second), from_end)


def parse_return_options(cur: Cursor, allowed: frozenset[str]
                         ) -> tuple[frozenset[str], PartialRange | None]:
    """``"(" [option *(SP option)] ")"`` with ``PARTIAL range`` among them.

    RFC 9394 §3.1: at most one PARTIAL, and not together with ALL (both
    name which results to return).
    """
    partial: list[PartialRange] = []

    def option() -> str:
        name = cur.atom().upper()
        if name == "PARTIAL":
            cur.sp()
            partial.append(parse_partial_range(cur))
        elif name not in allowed:
            raise cur.bad(f"unknown return option {name}")
        return name

    options = cur.paren_list(option)
    if len(partial) > 1 or (partial and "ALL" in options):
        raise cur.bad("one PARTIAL or ALL per command")  # RFC 9394 §3.1
    return frozenset(options), partial[0] if partial else None
