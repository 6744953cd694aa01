"""Use a full-text index answer without changing what a query means.

Each text key K (BODY, TEXT, HEADER with a value) that the index answered
is replaced by an equal key over UID sets, so the rewrite holds under NOT
and OR as well as AND:

- BODY / TEXT (the index text is the confirm text, ``index.extract``):
  ``OR Matched(hits) (AND Matched(unindexed) K)``: a covered message
  matches exactly when its body is a hit; the others are searched as ever.
- HEADER (the index holds all field values together, a superset):
  ``AND Matched(hits + unindexed) K``: only those are confirmed on the
  parse-once cache.

``unindexed`` is every UID above the mailbox's mark and every UID whose
body the index keeps as unindexable; when there are none the BODY / TEXT
key is just ``Matched(hits)``. The answer therefore never depends on how
current the index is, only the cost does.
"""

from __future__ import annotations

from collections.abc import Mapping

from roost.search import query as q
from roost.search.evaluate import fold
from roost.search.index.api import Answer, Needle
from roost.store.api import MessageRecord


def needle_of(key: q.Key) -> Needle | None:
    """The index needle a key searches for, if it is a text key."""
    match key:
        case q.Body(text):
            return Needle("body", fold(text))
        case q.Text(text):
            return Needle("text", fold(text))
        case q.Header(_, value) if value:
            return Needle("header", fold(value))
    return None


def needles(key: q.Key) -> list[Needle]:
    """Every needle of the query, once each, in order."""
    match key:
        case q.And(keys):
            found = [n for k in keys for n in needles(k)]
        case q.Or(left, right):
            found = needles(left) + needles(right)
        case q.Not(inner):
            found = needles(inner)
        case _:
            needle = needle_of(key)
            found = [] if needle is None else [needle]
    return list(dict.fromkeys(found))


class _Sets:
    """The mailbox's UID sets an answer gives, each computed once."""

    def __init__(self, answer: Answer, records: Mapping[int, MessageRecord]) -> None:
        self.answer = answer
        self.records = records
        self.unindexed = frozenset(
            u for u, r in records.items() if u > answer.upto or r.blob in answer.unindexed)
        self._hits: dict[Needle, frozenset[int]] = {}

    def hits(self, needle: Needle) -> frozenset[int]:
        found = self._hits.get(needle)
        if found is None:
            bodies = self.answer.matches[needle]
            found = self._hits[needle] = frozenset(
                u for u, r in self.records.items() if r.blob in bodies)
        return found


def narrow(key: q.Key, answer: Answer, records: Mapping[int, MessageRecord]) -> q.Key:
    """`key` with every text key the index answered replaced by its equal
    over UID sets (module docstring); `records` are the mailbox's, by UID."""
    return _narrow(key, _Sets(answer, records))


def _narrow(key: q.Key, sets: _Sets) -> q.Key:
    match key:
        case q.And(keys):
            return q.And(tuple(_narrow(k, sets) for k in keys))
        case q.Or(left, right):
            return q.Or(_narrow(left, sets), _narrow(right, sets))
        case q.Not(inner):
            return q.Not(_narrow(inner, sets))
    needle = needle_of(key)
    if needle is None or needle not in sets.answer.matches:
        return key
    hits = sets.hits(needle)
    if needle.where == "header":
        return q.And((q.Matched(hits | sets.unindexed), key))
    if not sets.unindexed:
        return q.Matched(hits)
    return q.Or(q.Matched(hits), q.And((q.Matched(sets.unindexed), key)))
