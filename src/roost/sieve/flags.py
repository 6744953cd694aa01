"""imap4flags flag lists, RFC 5232 §2-§3: sets of IMAP flags written as strings.

Invariants: a flag list is a set — each string of a list may hold several
flags separated by spaces (runs of spaces count as one, leading and
trailing ones are ignored, empty strings are ignored); duplicates, compared
without regard to case, are dropped; a flag that is not a valid IMAP flag
(RFC 3501 §9 flag-keyword, or one of the five settable system flags) is
ignored, and so is \\Recent; system flags take their canonical spelling.
"""

from __future__ import annotations

from collections.abc import Iterable

# RFC 3501 §2.3.2: the system flags a client may set (\Recent is not settable).
SYSTEM_FLAGS = {f.lower(): f for f in ("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft")}
# RFC 3501 §9: atom-specials are "(" ")" "{" SP CTL list-wildcards quoted-specials resp-specials.
ATOM_SPECIALS = frozenset('(){ %*"\\]')


def canonical_flag(word: str) -> str | None:
    """The flag as it is stored, or None when RFC 5232 §2 says to ignore it."""
    if word.startswith("\\"):
        return SYSTEM_FLAGS.get(word.lower())
    if all(c.isascii() and " " < c < "\x7f" and c not in ATOM_SPECIALS for c in word):
        return word
    return None


def flag_words(values: Iterable[str]) -> list[str]:
    """The space-separated words of the strings, empty ones dropped (RFC 5232 §2)."""
    return [word for value in values for word in value.split(" ") if word]


def flag_set(values: Iterable[str]) -> list[str]:
    """RFC 5232 §2-§3: the valid flags of the strings, once each, in first-seen order."""
    out: list[str] = []
    seen: set[str] = set()
    for word in flag_words(values):
        flag = canonical_flag(word)
        if flag is not None and flag.lower() not in seen:
            seen.add(flag.lower())
            out.append(flag)
    return out


def remove_flags(current: list[str], drop: Iterable[str]) -> list[str]:
    """RFC 5232 §3.3: removeflag, case-insensitive; flags not present are ignored."""
    unwanted = {f.lower() for f in flag_set(drop)}
    return [f for f in current if f.lower() not in unwanted]
