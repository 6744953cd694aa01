"""Email address syntax for Sieve: RFC 5322 §3.4.1 addr-spec, RFC 5228 §2.4.2.3.

A script's outbound addresses (redirect, vacation :from, notify :from) must
match "sieve-address" (an addr-spec, or a phrase and an addr-spec in angle
brackets; no routes, no groups); the address tests match :localpart and
:domain only of addresses that are syntactically valid (RFC 5228 §2.7.4).

Invariants: a parse either gives a normalised address or None, never an
exception; the normalised form is `local@domain` with the domain in lower
case and the local part as the sender wrote it (RFC 5321 §2.4: local parts
are case-sensitive), unquoted when quoting was not needed. Comments (CFWS
with parentheses) are not accepted: scripts do not need them. Blanks around
the words and dots of the obsolete syntax (RFC 5322 §4.4) are; local parts
with leading, trailing or doubled dots are not. UTF-8 in atoms is allowed
(RFC 6532 §3.2).
"""

from __future__ import annotations

ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~"


def is_atext(char: str) -> bool:
    """RFC 5322 §3.2.3 atext, widened by RFC 6532 §3.2 to non-ASCII UTF-8."""
    return (char.isascii() and (char.isalnum() or char in ATEXT_SPECIALS)) or (
        not char.isascii() and char.isprintable())


def is_dot_atom(text: str) -> bool:
    """RFC 5322 §3.2.3 dot-atom-text: 1*atext *("." 1*atext)."""
    return all(part and all(is_atext(c) for c in part) for part in text.split("."))


def quoted_content(text: str) -> str | None:
    """The content of a quoted-string (RFC 5322 §3.2.4) that is all of `text`, or None."""
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        return None
    out: list[str] = []
    i, end = 1, len(text) - 1
    while i < end:
        c = text[i]
        if c == "\\":
            if i + 1 >= end or not printable(text[i + 1], allow_space=True):
                return None  # quoted-pair = "\" (VCHAR / WSP)
            out.append(text[i + 1])
            i += 2
            continue
        if c == '"' or not printable(c, allow_space=True):
            return None
        out.append(c)
        i += 1
    return "".join(out)


def printable(char: str, allow_space: bool = False) -> bool:
    """VCHAR (or UTF-8, RFC 6532), plus WSP when `allow_space`."""
    if char in " \t":
        return allow_space
    return ("!" <= char <= "~") or (not char.isascii() and char.isprintable())


def split_addr_spec(text: str) -> tuple[str, str] | None:
    """(local-part, domain) of an addr-spec, or None when `text` is not one."""
    at = text.rfind("@")
    if at <= 0 or at == len(text) - 1:
        return None
    local, domain = text[:at].strip(" \t"), text[at + 1:].strip(" \t")
    if not is_dot_atom(local):
        content = quoted_content(local)
        if content is None:
            local = obs_dot_atom(local) or ""
            if not local:
                return None
        else:
            local = content if content and is_dot_atom(content) else quote_local(content)
    if domain.startswith("[") and domain.endswith("]"):
        # RFC 5322 §3.4.1 domain-literal: dtext is %d33-90 / %d94-126.
        if not all(("!" <= c <= "Z") or ("^" <= c <= "~") for c in domain[1:-1]):
            return None
    elif not is_dot_atom(domain):
        domain = obs_dot_atom(domain) or ""
        if not domain:
            return None
    return local, domain.lower()


def obs_dot_atom(text: str) -> str | None:
    """RFC 5322 §4.4 obs-local-part / obs-domain: atoms with blanks around them and
    their dots ("a . b"), which parsers must accept; the dot-atom they mean, or None."""
    words = [word.strip(" \t") for word in text.split(".")]
    return ".".join(words) if is_dot_atom(".".join(words)) else None


def quote_local(content: str) -> str:
    return '"' + content.replace("\\", "\\\\").replace('"', '\\"') + '"'


def addr_spec(text: str) -> str | None:
    """The normalised `local@domain` of an addr-spec, or None."""
    parts = split_addr_spec(text.strip(" \t"))
    return None if parts is None else f"{parts[0]}@{parts[1]}"


def is_phrase(text: str) -> bool:
    """RFC 5322 §3.2.5 phrase (with obs-phrase's dots): words of atext or quoted-strings."""
    i, n, words = 0, len(text), 0
    while i < n:
        c = text[i]
        if c in " \t":
            i += 1
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if j >= n or quoted_content(text[i:j + 1]) is None:
                return False
            i, words = j + 1, words + 1
        elif is_atext(c) or (c == "." and words):
            while i < n and (is_atext(text[i]) or text[i] == "."):
                i += 1
            words += 1
        else:
            return False
    return words > 0


def sieve_address(text: str, bare_angle: bool = False) -> str | None:
    """RFC 5228 §2.4.2.3: addr-spec / phrase "<" addr-spec ">"; the normalised addr-spec or None.

    `bare_angle` also accepts "<addr-spec>" alone, which RFC 5322 §3.4
    name-addr allows (its display-name is optional) but sieve-address does not.
    """
    value = text.strip(" \t")
    if not (value.endswith(">") and "<" in value):
        return addr_spec(value)
    start = value.rfind("<")
    phrase = value[:start].strip(" \t")
    if not (is_phrase(phrase) or (bare_angle and not phrase)):
        return None
    return addr_spec(value[start + 1:-1])


def split_list(text: str) -> list[str]:
    """Split at commas outside quoted-strings."""
    items: list[str] = []
    current: list[str] = []
    quoted, i = False, 0
    while i < len(text):
        c = text[i]
        if c == "\\" and quoted and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        if c == "," and not quoted:
            items.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    items.append("".join(current))
    return items


def mailbox_list(text: str) -> list[str] | None:
    """RFC 5322 §3.4 mailbox-list (mailbox *("," mailbox)), as normalised addresses, or None."""
    out = []
    for item in split_list(text):
        address = sieve_address(item, bare_angle=True)
        if address is None:
            return None
        out.append(address)
    return out
