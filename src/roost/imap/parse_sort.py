"""[UID] SORT and [UID] THREAD arguments -> ``commands.Sort`` / ``Thread``.

RFC 5256 §5 (sort-criteria, thread-alg, search-criteria with a mandatory
charset), RFC 5267 §3 (SORT RETURN, ESORT), RFC 5957 §3 (DISPLAYFROM,
DISPLAYTO). The search keys are SEARCH's parser (``parse_search``), so
they mean and cost exactly what they do under SEARCH.
"""

from __future__ import annotations

from collections.abc import Callable

from roost.imap import commands as c
from roost.imap.parse_lexer import Cursor
from roost.imap.parse_search import parse_charset, parse_keys, with_default
from roost.imap.partial import PartialRange, parse_return_options
from roost.search.sort import SORT_KEYS, Criterion

#: RFC 5267 §3.1: ESEARCH's options, SAVE not among them; CONTEXT and
#: UPDATE (§4.2, §4.3).
SORT_RETURNS = frozenset({"MIN", "MAX", "ALL", "COUNT", "CONTEXT", "UPDATE"})
#: RFC 5256 §3 thread-alg values this server implements.
THREAD_ALGORITHMS = frozenset({"ORDEREDSUBJECT", "REFERENCES"})
#: More criteria than keys exist cannot mean more; a bound on the list.
MAX_CRITERIA = 2 * len(SORT_KEYS)


def _criterion(cur: Cursor) -> Criterion:
    name = cur.atom().upper()
    reverse = name == "REVERSE"
    if reverse:
        cur.sp()
        name = cur.atom().upper()
    if name not in SORT_KEYS:
        raise cur.bad(f"unknown sort key {name}")
    return Criterion(name, reverse)


def parse_sort(cur: Cursor, uid: bool) -> c.Sort:
    """The arguments of [UID] SORT, after the command name."""
    cur.sp()
    returns: frozenset[str] | None = None
    partial: PartialRange | None = None
    if cur.skip_word(b"RETURN"):
        cur.sp()
        opts, partial = parse_return_options(cur, SORT_RETURNS)
        returns = with_default(opts)  # RFC 5267 §3.3: () is ALL
        cur.sp()
    criteria = cur.paren_list(lambda: _criterion(cur))
    if not criteria:
        raise cur.bad("SORT needs at least one sort criterion")
    if len(criteria) > MAX_CRITERIA:
        raise cur.bad(f"too many sort criteria (at most {MAX_CRITERIA})")
    cur.sp()
    charset = parse_charset(cur)
    cur.sp()
    return c.Sort(cur.tag, uid, tuple(criteria), charset, parse_keys(cur, charset), returns,
                  partial)


def parse_thread(cur: Cursor, uid: bool) -> c.Thread:
    """The arguments of [UID] THREAD, after the command name."""
    cur.sp()
    algorithm = cur.atom().upper()
    if algorithm not in THREAD_ALGORITHMS:
        raise cur.bad(f"unknown threading algorithm {algorithm}")
    cur.sp()
    charset = parse_charset(cur)
    cur.sp()
    return c.Thread(cur.tag, uid, algorithm, charset, parse_keys(cur, charset))


def parse_cancelupdate(cur: Cursor) -> c.CancelUpdate:
    """RFC 5267 §5: ``"CANCELUPDATE" 1*(SP quoted)``."""
    tags = []
    while cur.skip(b" "):
        if not cur.peek(b'"'):
            raise cur.bad("CANCELUPDATE takes quoted tags")
        tags.append(cur.string())
    if not tags:
        raise cur.bad("CANCELUPDATE needs a tag")
    return c.CancelUpdate(cur.tag, tuple(tags))


PARSERS: dict[str, Callable[[Cursor, bool], c.Command]] = {"SORT": parse_sort, "THREAD": parse_thread}
