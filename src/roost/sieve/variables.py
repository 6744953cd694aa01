"""Variables, RFC 5229: ${name} substitution and the `set` modifiers.

Variable names are case-insensitive (RFC 5229 §3); unknown ones expand to
the empty string; a reference that is not well formed stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import quote

REFERENCE = re.compile(r"\$\{(\d+|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}")
MAX_VALUE = 64 * 1024  # RFC 5229 §6: values may be truncated; we allow 64 KiB
REGEX_SPECIALS = re.compile(r"([\\^$.|?*+()\[\]{}])")


def expand(text: str, lookup: Callable[[str], str]) -> str:
    """One left-to-right pass of substitution (RFC 5229 §3: no re-expansion)."""
    if "${" not in text:
        return text
    return REFERENCE.sub(lambda m: lookup(m.group(1).lower()), text)


def quote_wildcard(text: str) -> str:
    """RFC 5229 §4.1.2 :quotewildcard: backslash before * ? and \\."""
    return re.sub(r"([*?\\])", r"\\\1", text)


def encode_url(text: str) -> str:
    """RFC 5435 §7 :encodeurl: percent-encode all but RFC 3986 unreserved characters."""
    return quote(text, safe="-._~")


def upperfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def lowerfirst(text: str) -> str:
    return text[:1].lower() + text[1:]


# In application order: precedence 40 first, :length (10) last (RFC 5229 §4.1).
MODIFIER_ORDER: tuple[tuple[str, Callable[[str], str]], ...] = (
    (":lower", str.lower), (":upper", str.upper),
    (":lowerfirst", lowerfirst), (":upperfirst", upperfirst),
    (":quotewildcard", quote_wildcard), (":quoteregex", lambda s: REGEX_SPECIALS.sub(r"\\\1", s)),
    (":encodeurl", encode_url), (":length", lambda s: str(len(s))),
)


def apply_modifiers(value: str, tags: Mapping[str, object]) -> str:
    for name, func in MODIFIER_ORDER:
        if name in tags:
            value = func(value)
    return value[:MAX_VALUE]
