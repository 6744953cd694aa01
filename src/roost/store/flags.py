"""Flags as the index holds them: system flags as a bitmask, keywords as text.

The bitmask keeps `\\Deleted`/`\\Seen` tests (EXPUNGE, STATUS UNSEEN) to an
integer operation in SQL; keywords are rare and open-ended, so they are one
space-separated, sorted text column. `\\Recent` is never stored (RFC 9051
§2.3.2: it is session state, see `claim_recent`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from roost.store.api import SYSTEM_FLAGS, FlagOp

BIT = {flag: 1 << i for i, flag in enumerate(SYSTEM_FLAGS)}
SEEN = BIT["\\Seen"]
DELETED = BIT["\\Deleted"]
_CANON = {flag.lower(): flag for flag in SYSTEM_FLAGS}


def normalize(flags: Iterable[str]) -> frozenset[str]:
    """System flags in canonical case, keywords as given; other `\\` flags dropped.

    RFC 9051 §2.3.2: system flags match case-insensitively.
    """
    out: set[str] = set()
    for flag in flags:
        if flag.startswith("\\"):
            canon = _CANON.get(flag.lower())
            if canon is not None:
                out.add(canon)
        elif flag:
            out.add(flag)
    return frozenset(out)


def encode(flags: frozenset[str]) -> tuple[int, str]:
    """(system bitmask, keyword text) of normalized flags."""
    bits = 0
    for flag, bit in BIT.items():
        if flag in flags:
            bits |= bit
    keywords = " ".join(sorted(f for f in flags if not f.startswith("\\")))
    return bits, keywords


@functools.lru_cache(maxsize=4096)
def decode(bits: int, keywords: str) -> frozenset[str]:
    """The flag set of a stored (bitmask, keyword text) pair.

    Shared, not rebuilt: a mailbox has few distinct flag sets, and a SELECT
    of 100,000 records would otherwise make 100,000 frozensets, each one
    more object for every full garbage collection to walk while the whole
    process (event loop included) waits.
    """
    out = {flag for flag, bit in BIT.items() if bits & bit}
    out.update(keywords.split())
    return frozenset(out)


def apply(op: FlagOp, current: frozenset[str], flags: frozenset[str]) -> frozenset[str]:
    """The flags after STORE FLAGS / +FLAGS / -FLAGS (RFC 9051 §6.4.6)."""
    if op == "add":
        return current | flags
    if op == "remove":
        return current - flags
    return flags
