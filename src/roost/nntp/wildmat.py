"""Wildmats (RFC 3977 §4): the patterns LIST, NEWNEWS and the `newsgroups`
and `newspeer` options select newsgroups with.

A wildmat is comma-separated patterns, each optionally negated with `!`;
`*` matches any run of characters, `?` exactly one (a whole UTF-8
character, §4.1), everything else itself. The rightmost pattern that
matches decides (§4.2): a name matches when it is a plain pattern, and
not when it is a negated one or when none matches. Brackets and
backslashes are not wildmat characters (§4.1: excluded from
wildmat-exact), so a pattern holding them is malformed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FORBIDDEN = frozenset("[\\]")


class BadWildmat(ValueError):
    """Not RFC 3977 §4.1 wildmat syntax."""


@dataclass(frozen=True, slots=True)
class Wildmat:
    """A parsed wildmat: (negated, compiled pattern) pairs in order."""

    patterns: tuple[tuple[bool, re.Pattern[str]], ...]

    def matches(self, name: str) -> bool:
        """RFC 3977 §4.2: the rightmost matching pattern decides."""
        for negated, pattern in reversed(self.patterns):
            if pattern.fullmatch(name):
                return not negated
        return False


def _compile(pattern: str) -> re.Pattern[str]:
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def parse_wildmat(text: str) -> Wildmat:
    """The wildmat `text`, or BadWildmat (an empty pattern, `[`, `\\`, `]`,
    a `!` not at the start of a pattern, controls or spaces)."""
    if not text:
        raise BadWildmat("empty wildmat")
    patterns = []
    for item in text.split(","):
        negated = item.startswith("!")
        body = item[1:] if negated else item
        if not body or "!" in body or any(c in _FORBIDDEN or ord(c) <= 0x20 or c == "\x7f"
                                          for c in body):
            raise BadWildmat(f"bad wildmat pattern {item!r}")
        patterns.append((negated, _compile(body)))
    return Wildmat(tuple(patterns))


MATCH_ALL = parse_wildmat("*")
