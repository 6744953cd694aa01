"""The comparator/match-type plumbing every matching test shares."""

from __future__ import annotations

from roost.sieve.compare import ComparatorError, match_any
from roost.sieve.program import Node
from roost.sieve.regex import RegexError
from roost.sieve.runtime import Context

MATCH_TYPES = (":is", ":contains", ":matches", ":regex", ":count", ":value")


def match_type(node: Node) -> tuple[str, str]:
    """(match type, relation); :is is the default (RFC 5228 §2.7.1)."""
    for name in MATCH_TYPES:
        value = node.tags.get(name)
        if value is not None:
            return name, value.lower() if isinstance(value, str) else ""
    return ":is", ""


def compare(ctx: Context, node: Node, values: list[str], keys: list[str],
            default_comparator: str = "i;ascii-casemap", set_match: bool = True) -> bool:
    """Match values against keys the way the node's tags say; sets match variables
    (RFC 5229 §3.2) unless `set_match` is off."""
    kind, relation = match_type(node)
    comparator = str(node.tags.get(":comparator", default_comparator))
    try:
        ok, groups = match_any(values, keys, kind, comparator, relation)
    except (ComparatorError, RegexError) as err:
        raise ctx.fail(str(err)) from None
    if ok and set_match:
        ctx.set_match(groups)
    return ok
