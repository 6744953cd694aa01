"""What an `ihave` test lets a block use, decided at compile time (RFC 5463 §4).

The extensions available never change between compiling and running (the
options fingerprint of a stored script covers them), so whether an `ihave`
test is true is known when the script is compiled. For a condition made of
`ihave`, `not`, `allof` and `anyof`, `guaranteed` works out which extensions
are certainly present when the condition has a given value — or that it can
never have it, in which case the block never runs and is not checked.
"""

from __future__ import annotations

from roost.sieve.program import Node
from roost.sieve.spec import IMPLIES

Never = None


def guaranteed(test: Node, positive: bool, available: set[str]) -> set[str] | None:
    """Extensions certainly available when `test` is `positive`; None if it never is."""
    if test.name == "ihave":
        wanted = set(test.args[0]) if isinstance(test.args[0], list) else set()
        present = wanted <= available
        if positive:
            return implied(wanted) if present else Never
        return Never if present else set()
    if test.name == "not" and test.tests:
        return guaranteed(test.tests[0], not positive, available)
    if test.name in ("allof", "anyof"):
        results = [guaranteed(t, positive, available) for t in test.tests]
        if (test.name == "allof") == positive:
            # every member has this value: all of their guarantees hold together
            if any(r is Never for r in results):
                return Never
            return set().union(*[r for r in results if r is not None])
        # some member has this value: only what every possible member guarantees
        possible = [r for r in results if r is not None]
        return set.intersection(*possible) if possible else Never
    return set()


def implied(names: set[str]) -> set[str]:
    out = set(names)
    for name in names:
        out.update(IMPLIES.get(name, ()))
    return out
