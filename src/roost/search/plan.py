"""Decide the record-only parts of a query for the whole mailbox at once.

Evaluating every key of a query once per message costs keys x messages
interpreted steps: a client sending a thousand sequence-set or OR keys over
a few thousand messages would pin a worker for minutes. Here every subtree
that depends only on the cached record (sequence and UID sets, flags and
keywords, internal dates, sizes, MODSEQ, OLDER/YOUNGER, and save dates
the caller loaded into the mailbox context) becomes one
``Matched`` set of UIDs, computed by set arithmetic: flags through one
index of the mailbox, equal keys once, AND / OR / NOT as intersection,
union and complement. What is left to decide per message is only the keys
that need the parse or the body, and messages outside a ``Matched`` part
of a top-level AND are never looked at.

Invariants:
- ``plan(key, ...)`` matches exactly the messages ``key`` matches
  (``evaluate`` of the plan agrees with ``evaluate`` of the key).
- The plan's AND nodes keep at least two keys, ``Matched`` first.
"""

from __future__ import annotations

from collections.abc import Mapping

from roost.search import query as q
from roost.search.evaluate import Facts, Mailbox, evaluate

#: Keys decided by the cached record alone.
RECORD_KEYS = (q.All, q.Flag, q.Keyword, q.Before, q.On, q.Since, q.Larger, q.Smaller,
               q.Uid, q.SeqSet, q.ModSeq, q.Older, q.Younger, q.SavedBefore, q.SavedOn,
               q.SavedSince, q.SaveDateSupported, q.EmailId)


class _Mailbox:
    """The messages being searched, with the lazily built flag index and
    the sets of the leaf keys decided so far (equal keys are decided once)."""

    def __init__(self, facts: Mapping[int, Facts], box: Mailbox) -> None:
        self.facts = facts
        self.box = box
        self.universe = frozenset(facts)
        self._flags: dict[str, frozenset[int]] | None = None
        self._decided: dict[q.Key, frozenset[int]] = {}

    def flagged(self, name: str) -> frozenset[int]:
        """UIDs holding a flag or keyword, case-insensitively (RFC 9051 §2.3.2)."""
        if self._flags is None:
            index: dict[str, set[int]] = {}
            for uid, facts in self.facts.items():
                for flag in facts.record.flags:
                    index.setdefault(flag.lower(), set()).add(uid)
            self._flags = {flag: frozenset(uids) for flag, uids in index.items()}
        return self._flags.get(name.lower(), frozenset())

    def leaf(self, key: q.Key) -> frozenset[int]:
        """The UIDs a record-only key matches."""
        match key:
            case q.All():
                return self.universe
            case q.Uid() | q.SeqSet():
                return self.box.sets[key] & self.universe
            case q.Flag("\\Recent", present):
                recent = frozenset(u for u, f in self.facts.items() if f.recent)
                return recent if present else self.universe - recent
            case q.Flag(name, present) | q.Keyword(name, present):
                held = self.flagged(name)
                return held if present else self.universe - held
        decided = self._decided.get(key)
        if decided is None:
            decided = frozenset(u for u, f in self.facts.items() if evaluate(key, f, self.box))
            self._decided[key] = decided
        return decided


def plan(key: q.Key, facts: Mapping[int, Facts], box: Mailbox) -> q.Key:
    """`key` with every record-only subtree replaced by its ``Matched`` set."""
    return _plan(key, _Mailbox(facts, box))


def _plan(key: q.Key, mailbox: _Mailbox) -> q.Key:
    match key:
        case q.And(keys):
            planned = [_plan(k, mailbox) for k in keys]
            sets = [p.uids for p in planned if isinstance(p, q.Matched)]
            rest: list[q.Key] = [p for p in planned if not isinstance(p, q.Matched)]
            if sets:
                rest.insert(0, q.Matched(frozenset.intersection(*sets)))
            return rest[0] if len(rest) == 1 else q.And(tuple(rest))
        case q.Or(left, right):
            first, second = _plan(left, mailbox), _plan(right, mailbox)
            if isinstance(first, q.Matched) and isinstance(second, q.Matched):
                return q.Matched(first.uids | second.uids)
            return q.Or(first, second)
        case q.Not(inner):
            negated = _plan(inner, mailbox)
            if isinstance(negated, q.Matched):
                return q.Matched(mailbox.universe - negated.uids)
            return q.Not(negated)
        case q.Fuzzy(inner):  # record keys match exactly under FUZZY (RFC 6203 §5)
            fuzzed = _plan(inner, mailbox)
            return fuzzed if isinstance(fuzzed, q.Matched) else q.Fuzzy(fuzzed)
        case q.Matched():
            return key
    if isinstance(key, RECORD_KEYS):
        return q.Matched(mailbox.leaf(key))
    return key


def candidates(planned: q.Key) -> frozenset[int] | None:
    """The only UIDs that can match, when the plan says (None: any of them).

    AND narrows to the intersection of its parts that say, OR to the union
    when both sides say; NOT and the other keys do not say.
    """
    match planned:
        case q.Matched(uids):
            return uids
        case q.And(keys):
            sets = [c for c in map(candidates, keys) if c is not None]
            return frozenset.intersection(*sets) if sets else None
        case q.Or(left, right):
            first, second = candidates(left), candidates(right)
            return None if first is None or second is None else first | second
    return None


def certain(planned: q.Key) -> tuple[frozenset[int], q.Key | None]:
    """Split a top-level ``OR Matched(uids) rest`` (what an index answer
    makes of BODY / TEXT): the UIDs that match whatever the rest says,
    and the rest (None when nothing is left to decide)."""
    if isinstance(planned, q.Matched):
        return planned.uids, None
    if isinstance(planned, q.Or) and isinstance(planned.left, q.Matched):
        return planned.left.uids, planned.right
    return frozenset(), planned
