"""Which records a STORE changes, for every backend (RFC 9051 §6.4.6,
RFC 7162 §3.1.3): the backend reads the live records and writes the
changes; the UNCHANGEDSINCE rule lives here once.
Invariants: pure functions; no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from roost.store import flags as flagbits
from roost.store.api import FlagOp, MessageRecord


def untouched(op: FlagOp, flags: frozenset[str], now: frozenset[str],
              known: frozenset[str] | None) -> bool:
    """RFC 7162 §3.1.12: an add or remove whose flags each stand as the
    caller last saw them (system flags canonical in both, keywords as the
    mailbox spells them); a replace touches every flag, so never."""
    return (op != "replace" and known is not None
            and all((flag in now) == (flag in known) for flag in flags))


def plan(records: Iterable[MessageRecord], op: FlagOp, flags: frozenset[str],
         unchanged_since: int | None, known_flags: Mapping[int, frozenset[str]] | None
         ) -> tuple[list[tuple[MessageRecord, frozenset[str]]], list[int]]:
    """(record, its new flags) for each record the STORE changes, and the
    UIDs UNCHANGEDSINCE refuses (changed after it, and not `untouched`)."""
    refused: list[int] = []
    changes: list[tuple[MessageRecord, frozenset[str]]] = []
    known = known_flags or {}
    for rec in records:
        if (unchanged_since is not None and rec.modseq > unchanged_since
                and not untouched(op, flags, rec.flags, known.get(rec.uid))):
            refused.append(rec.uid)
            continue
        new = flagbits.apply(op, rec.flags, flags)
        if new != rec.flags:
            changes.append((rec, new))
    return changes, refused
