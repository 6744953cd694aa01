"""Comparators (RFC 4790 §9, RFC 5051) and match types (RFC 5228 §2.7.1,
RFC 5231 relational, draft-ietf-sieve-regex).

`matcher()` builds, once per test, a function value -> (matched, groups)
for a key; groups are the match variables of :matches and :regex
(RFC 5229 §3.2), None for other match types.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from roost.sieve.regex import compiled as compiled_regex

ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
NUMERIC = re.compile(r"\d+")
Groups = list[str] | None
Matcher = Callable[[str], tuple[bool, Groups]]


class ComparatorError(ValueError):
    """A match type the comparator does not support (RFC 4790 §4.2)."""


def fold(text: str, comparator: str) -> str:
    if comparator == "i;ascii-casemap":
        return text.translate(ASCII_LOWER)
    if comparator == "i;unicode-casemap":
        # RFC 5051 §2: titlecase then decompose; casefold + NFKD is its closure.
        return unicodedata.normalize("NFKD", text.casefold())
    return text


def numeric(text: str) -> float:
    """RFC 4790 §9.1.1: the leading digits' value; none means positive infinity."""
    match = NUMERIC.match(text)
    return float("inf") if match is None else int(match.group())


def order(a: str, b: str, comparator: str) -> int:
    """-1, 0 or 1, ordering by the comparator."""
    if comparator == "i;ascii-numeric":
        p, q = numeric(a), numeric(b)
        return (p > q) - (p < q)
    x, y = fold(a, comparator), fold(b, comparator)
    return (x > y) - (x < y)


RELATIONS: dict[str, Callable[[int], bool]] = {
    "gt": lambda c: c > 0, "ge": lambda c: c >= 0, "lt": lambda c: c < 0,
    "le": lambda c: c <= 0, "eq": lambda c: c == 0, "ne": lambda c: c != 0,
}


@lru_cache(maxsize=4096)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """RFC 5228 §2.7.1 :matches: * any run, ? one character, \\ quotes; each is a group."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append("(.*?)")
        elif c == "?":
            out.append("(.)")
        elif c == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def matcher(key: str, match_type: str, comparator: str, relation: str = "") -> Matcher:
    """The predicate for one key. :count is handled by the caller (it counts values)."""
    if comparator == "i;ascii-numeric" and match_type in (":contains", ":matches", ":regex"):
        raise ComparatorError(f"comparator i;ascii-numeric cannot do {match_type}")
    if match_type == ":is":
        if comparator == "i;ascii-numeric":
            want = numeric(key)
            return lambda v: (numeric(v) == want, None)
        folded = fold(key, comparator)
        return lambda v: (fold(v, comparator) == folded, None)
    if match_type == ":contains":
        folded = fold(key, comparator)
        return lambda v: (folded in fold(v, comparator), None)
    if match_type == ":matches":
        regex = glob_regex(fold(key, comparator))
        same_length = comparator != "i;unicode-casemap"

        def glob(value: str) -> tuple[bool, Groups]:
            found = regex.match(fold(value, comparator))
            if found is None:
                return False, None
            if same_length:  # ASCII folding keeps positions: report the original text
                return True, [value] + [value[found.start(g):found.end(g)] for g in range(1, regex.groups + 1)]
            return True, [found.group(0)] + [g or "" for g in found.groups()]
        return glob
    if match_type == ":regex":
        pattern = compiled_regex(key, comparator != "i;octet")

        def search(value: str) -> tuple[bool, Groups]:
            found = pattern.search(value)
            if found is None:
                return False, None
            return True, [found.group(0)] + [g or "" for g in found.groups()]
        return search
    if match_type == ":value":
        test = RELATIONS[relation]
        return lambda v: (test(order(v, key, comparator)), None)
    raise ValueError(f"no matcher for {match_type}")


def match_any(values: list[str], keys: list[str], match_type: str, comparator: str,
              relation: str = "") -> tuple[bool, Groups]:
    """RFC 5228 §2.7.1: true if any value matches any key; :count counts the values."""
    if match_type == ":count":
        count = str(len(values))
        test = RELATIONS[relation]
        return any(test(order(count, key, comparator)) for key in keys), None
    for key in keys:
        check = matcher(key, match_type, comparator, relation)
        for value in values:
            ok, groups = check(value)
            if ok:
                return True, groups
    return False, None
