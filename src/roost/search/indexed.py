"""Use a full-text index answer without changing what a query means.

Each text key K (BODY, TEXT, HEADER with a value) that the index answered
is replaced by an equal key over UID sets, so the rewrite holds under NOT
and OR as well as AND:

- BODY / TEXT (the index text is the confirm text, ``index.extract``):
  ``OR Matched(hits) (AND Matched(unindexed) K)``: a covered message
  matches exactly when its body is a hit; the others are searched as ever.
- SUBJECT, FROM, TO, CC, BCC where the engine indexes each of those
  fields apart (``Answer.exact``: its text is the compared text) are
  answered as BODY is.
- Any other HEADER (the index holds all field values together, a
  superset): ``AND Matched(hits + unindexed) K``: only those are
  confirmed on the parse-once cache.

``unindexed`` is every UID above the mailbox's mark and every UID whose
body the index keeps as unindexable; when there are none the BODY / TEXT
key is just ``Matched(hits)``. The answer therefore never depends on how
current the index is, only the cost does.

Under FUZZY (RFC 6203) the messages the index ranks by stemmed words are
added to the exact matches: fuzzy answers grow with the index (§3 allows
them to differ from search to search); exact ones never change.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Mapping, Sequence

from roost.search import query as q
from roost.search.evaluate import fold
from roost.search.index.api import Answer, Needle, Ranked
from roost.store.api import MessageRecord


def needle_of(key: q.Key) -> Needle | None:
    """The index needle a key searches for, if it is a text key."""
    match key:
        case q.Body(text):
            return Needle("body", fold(text))
        case q.Text(text):
            return Needle("text", fold(text))
        case q.Header(name, value) if value:
            return Needle("header", fold(value), name.lower())
    return None


def needles(key: q.Key, *, fuzzy: bool = False, under: bool = False) -> list[Needle]:
    """Every needle of the query (with `fuzzy`: only those under FUZZY),
    once each, in order."""
    match key:
        case q.And(keys):
            found = [n for k in keys for n in needles(k, fuzzy=fuzzy, under=under)]
        case q.Or(left, right):
            found = (needles(left, fuzzy=fuzzy, under=under)
                     + needles(right, fuzzy=fuzzy, under=under))
        case q.Not(inner):
            found = needles(inner, fuzzy=fuzzy, under=under)
        case q.Fuzzy(inner):
            found = needles(inner, fuzzy=fuzzy, under=True)
        case _:
            needle = needle_of(key)
            found = [] if needle is None or (fuzzy and not under) else [needle]
    return list(dict.fromkeys(found))


class _Sets:
    """The mailbox's UID sets an answer gives. Set operations in C only: a
    loop over 100,000 records in Python would cost more than the lookup."""

    def __init__(self, answer: Answer, ranked: Mapping[Needle, Ranked],
                 records: Mapping[int, MessageRecord], uids: Sequence[int]) -> None:
        self.answer = answer
        self.ranked = ranked
        self.universe = frozenset(records)
        self.unindexed = self.live(answer.unindexed).union(
            uids[bisect.bisect_right(uids, answer.upto):])

    def live(self, found: Collection[int]) -> frozenset[int]:
        """Those of `found` still in the mailbox (the index keeps expunged UIDs)."""
        return self.universe.intersection(found)


def narrow(key: q.Key, answer: Answer, records: Mapping[int, MessageRecord],
           uids: Sequence[int], ranked: Mapping[Needle, Ranked] | None = None) -> q.Key:
    """`key` with every text key the index answered replaced by its equal
    over UID sets (module docstring); `records` are the mailbox's by UID,
    `uids` their keys ascending. Under FUZZY, the messages `ranked` by
    their stemmed words match too (RFC 6203 lets the server decide what
    fuzzy means)."""
    return _narrow(key, _Sets(answer, ranked or {}, records, uids), False)


def _narrow(key: q.Key, sets: _Sets, fuzzy: bool) -> q.Key:
    match key:
        case q.And(keys):
            return q.And(tuple(_narrow(k, sets, fuzzy) for k in keys))
        case q.Or(left, right):
            return q.Or(_narrow(left, sets, fuzzy), _narrow(right, sets, fuzzy))
        case q.Not(inner):
            return q.Not(_narrow(inner, sets, fuzzy))
        case q.Fuzzy(inner):
            return _narrow(inner, sets, True)
    needle = needle_of(key)
    if needle is None:
        return key
    exact = _exact(key, needle, sets)
    if fuzzy and needle in sets.ranked:
        return q.Or(q.Matched(sets.live(sets.ranked[needle].scores.keys())), exact)
    return exact


def _exact(key: q.Key, needle: Needle, sets: _Sets) -> q.Key:
    """The text key over UID sets, where the index answered it."""
    if needle not in sets.answer.matches:
        return key
    hits = sets.live(sets.answer.matches[needle])
    if needle.where == "header" and needle not in sets.answer.exact:
        return q.And((q.Matched(hits | sets.unindexed), key))
    if not sets.unindexed:
        return q.Matched(hits)
    return q.Or(q.Matched(hits), q.And((q.Matched(sets.unindexed), key)))
