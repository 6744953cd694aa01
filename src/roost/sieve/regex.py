"""POSIX extended regular expressions for :regex (draft-ietf-sieve-regex §3).

Python's `re` understands ERE except for bracket character classes such as
[[:alpha:]]; those are rewritten. Compiled patterns are cached.
"""

from __future__ import annotations

import re
from functools import lru_cache

CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": r" \t\r\n\v\f", "blank": r" \t", "punct": r"!-/:-@\[-`{-~", "xdigit": "0-9A-Fa-f",
    "cntrl": r"\x00-\x1f\x7f", "print": r"\x20-\x7e", "graph": r"\x21-\x7e",
}
_CLASS = re.compile(r"\[:([a-z]+):\]")


class RegexError(ValueError):
    """A pattern that is not a usable regular expression."""


def _class(match: re.Match[str]) -> str:
    name = match.group(1)
    if name not in CLASSES:
        raise RegexError(f"unknown character class [:{name}:]")
    return CLASSES[name]


def translate(pattern: str) -> str:
    """The pattern in Python syntax; RegexError if it is not a valid ERE."""
    translated = _CLASS.sub(_class, pattern)
    try:
        re.compile(translated)
    except re.error as err:
        raise RegexError(str(err)) from None
    except (RecursionError, OverflowError):
        raise RegexError("pattern too complex") from None
    return translated


@lru_cache(maxsize=1024)
def compiled(pattern: str, casefold: bool) -> re.Pattern[str]:
    return re.compile(translate(pattern), re.IGNORECASE if casefold else 0)
