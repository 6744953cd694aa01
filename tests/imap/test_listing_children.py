"""LIST's children computation: one pass over the names agrees with asking
every other name (RFC 5258 §4 \\HasChildren), on random hierarchies."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from roost.imap.handlers.listing import ancestors

_LEVEL = st.sampled_from(["a", "b", "INBOX", "a.b", "c"])
_NAMES = st.sets(st.lists(_LEVEL, min_size=1, max_size=4).map("/".join), max_size=20)


@settings(max_examples=300, derandomize=True)
@given(_NAMES)
def test_ancestors_are_the_names_with_children(names: set[str]) -> None:
    with_children = {n for n in names | ancestors(names, "/")
                     if any(other.startswith(n + "/") for other in names)}
    assert ancestors(names, "/") == with_children
