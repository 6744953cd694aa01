"""LIST/LSUB pattern matching (RFC 9051 §6.3.9): `*`, `%`, INBOX, and
hostile patterns that a backtracking matcher would never finish."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roost.store.names import NamePattern


def reference(pattern: str, name: str, sep: str) -> bool:
    """The slow, obviously right matcher: a regular expression, small inputs only."""
    parts = [".*" if ch == "*" else f"[^{re.escape(sep)}]*" if ch == "%" else re.escape(ch)
             for ch in pattern]
    if pattern[:5].upper() == "INBOX":
        parts[:5] = ["(?i:INBOX)"]
    return re.fullmatch("".join(parts), name, re.DOTALL) is not None


@pytest.mark.parametrize("pattern,name,expected", [
    ("*", "", True),
    ("*", "a/b/c", True),
    ("%", "a", True),
    ("%", "a/b", False),
    ("a/%", "a/b", True),
    ("a/%", "a/b/c", False),
    ("a*", "a/b/c", True),
    ("a%c", "abc", True),
    ("a%c", "a/c", False),
    ("inbox", "INBOX", True),
    ("InBoX/%", "INBOX/x", True),
    ("INBOX/x", "INBOX/X", False),  # only INBOX itself folds case
    ("Sent", "sent", False),
    ("", "", True),
    ("", "a", False),
    ("%/%", "a/b", True),
    ("*b", "aab", True),
    ("*%*", "a/b", True),
])
def test_examples(pattern: str, name: str, expected: bool) -> None:
    assert NamePattern(pattern, "/").matches(name) is expected


_PATTERN = st.text(alphabet="ab/.*%INBOXinbox", max_size=10)
_NAME = st.text(alphabet="ab/.INBOXinbox", max_size=12)


@settings(max_examples=2000, derandomize=True)
@given(_PATTERN, _NAME, st.sampled_from("/."))
def test_agrees_with_the_reference(pattern: str, name: str, sep: str) -> None:
    assert NamePattern(pattern, sep).matches(name) is reference(pattern, name, sep)


def test_wildcard_runs_collapse() -> None:
    """A thousand alternating `*%` are one `*`: two states, not two thousand."""
    assert NamePattern("*%" * 500, "/").states == 2
    assert NamePattern("a" + "%" * 1000 + "b", "/").states == 4


@pytest.mark.timeout(30)
def test_hostile_patterns_finish() -> None:
    """Patterns that make a backtracking matcher exponential, against long
    names that almost match. Bounded by pytest-timeout, not timed."""
    names = ["a" * 480, "a/" * 240, ("ab/" * 160)[:479] + "c"]
    hostile = ["*%" * 500 + "b", "*a" * 500 + "c", "%a" * 500 + "c", "a*" * 300 + "%/" * 200 + "z"]
    for pattern in hostile:
        matcher = NamePattern(pattern, "/")
        assert not any(matcher.matches(name) for name in names)
    assert NamePattern("*a" * 200 + "*", "/").matches("a/" * 240)
