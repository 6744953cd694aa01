"""RFC 4314 rights strings and identifiers: parsing, canonical order, and the
forms Cyrus shows; which identifiers name a given party.

Invariants: stored rights are letters of `RIGHTS`, each once, in that
order; the obsolete `c` and `d` (RFC 2086) never reach the store: they are
expanded on the way in and added back on the way out (RFC 4314 §2.1.1).
As Cyrus with its default `deleteright: c`, `c` is the union of `k` and
`x`, and `d` the union of `t` and `e`.
"""

from __future__ import annotations

from collections.abc import Iterable

from roost.auth.groups import GROUP_PREFIX
from roost.auth.identity import ANONYMOUS_USER, Identity
from roost.store.api import AclEntry, FlagOp

RIGHTS = "lrswipkxtea"
"""Every RFC 4314 §2.1 right, in the order Roost keeps and shows them."""

LEGACY = {"c": "kx", "d": "te"}
"""RFC 4314 §2.1.1 virtual rights, as the first group of RFC 2086 servers
(and Cyrus) define them: `c` creates and deletes mailboxes, `d` deletes
and expunges messages."""

ANYONE = "anyone"


def in_domain(identifier: str, domain: str | None, is_global_admin: bool) -> str:
    """An ACL identifier as a mailbox of virtual domain `domain` keeps it:
    as Cyrus's mboxlist_setacl, a bare user name there names that
    domain's user (`alice` on `example.com!user.bob` is
    `alice@example.com`); `anyone`, `anonymous`, groups, names with a
    domain and the global administrators stay as they are."""
    negative, name = ("-", identifier[1:]) if identifier.startswith("-") else ("", identifier)
    if (domain is None or "@" in name or name in (ANYONE, ANONYMOUS_USER)
            or name.startswith(GROUP_PREFIX) or is_global_admin):
        return identifier
    return f"{negative}{name}@{domain}"


class BadRights(ValueError):
    """A rights string with a letter that is no right (RFC 4314 §3.1: BAD)."""


class BadIdentifier(ValueError):
    """An identifier that cannot name anyone (empty, or with controls)."""


def canonical(rights: Iterable[str]) -> str:
    """The rights among `rights`, each once, in RIGHTS order."""
    held = set(rights)
    return "".join(right for right in RIGHTS if right in held)


def parse_rights(text: str) -> str:
    """Rights letters (no +/- prefix) -> canonical rights; `c`, `d` expanded."""
    out: list[str] = []
    for letter in text:
        if letter in LEGACY:
            out.extend(LEGACY[letter])
        elif letter in RIGHTS:
            out.append(letter)
        elif letter.isupper():
            raise BadRights("Uppercase rights are not allowed")
        else:
            raise BadRights(f"The {letter} right is not supported")
    return canonical(out)


def parse_change(change: str) -> tuple[FlagOp, str]:
    """SETACL's rights argument (RFC 4314 §3.1): `+r` adds, `-r` removes,
    `r` replaces; as (mode, canonical rights) for `AclStore.set_acl`."""
    if change.startswith("+"):
        return "add", parse_rights(change[1:])
    if change.startswith("-"):
        return "remove", parse_rights(change[1:])
    return "replace", parse_rights(change)


def shown(rights: str) -> str:
    """Rights as Cyrus prints them: `lrswipkxte`, then `c` when any of its
    members is held and `d` likewise (RFC 4314 §2.1.1 MUST), then `a`."""
    base = [r for r in rights if r != "a"]
    for virtual, members in LEGACY.items():
        if any(m in rights for m in members):
            base.append(virtual)
    if "a" in rights:
        base.append("a")
    return "".join(base)


def flag_right(flag: str) -> str:
    """The right that sets or clears `flag` (RFC 4314 §4): `s` for \\Seen,
    `t` for \\Deleted, `w` for every other flag."""
    return {"\\seen": "s", "\\deleted": "t"}.get(flag.lower(), "w")


def check_identifier(identifier: str) -> str:
    """`identifier` if it can be stored (RFC 4314 §3: an empty one is BAD)."""
    name = identifier.removeprefix("-")
    if not name or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in identifier):
        raise BadIdentifier(f"Invalid identifier {identifier!r}")
    return identifier


def names(who: Identity, identifier: str) -> bool:
    """Whether ACL `identifier` (without a `-`) stands for `who`.

    As Cyrus's unix auth: `anyone` is everybody, the anonymous party
    included; `anonymous` only the anonymous party; `group:NAME` the
    members of that group; any other identifier one user id.
    """
    if identifier == ANYONE:
        return True
    if who.anonymous:
        return identifier == ANONYMOUS_USER
    if identifier.startswith(GROUP_PREFIX):
        return identifier in who.groups
    return identifier == who.user


def identifiers_of(who: Identity) -> list[str]:
    """Every identifier that names `who` (for the store's candidate query)."""
    if who.anonymous:
        return [ANYONE, ANONYMOUS_USER]
    return [ANYONE, who.user, *sorted(who.groups)]


def granted(who: Identity, acl: Iterable[AclEntry]) -> str:
    """The rights the ACL grants `who`: the union of the entries naming it,
    less the union of the negative (`-id`) entries naming it (RFC 4314 §2)."""
    positive: set[str] = set()
    negative: set[str] = set()
    for entry in acl:
        identifier = entry.identifier
        side = positive
        if identifier.startswith("-"):
            identifier, side = identifier[1:], negative
        if names(who, identifier):
            side.update(entry.rights)
    return canonical(positive - negative)
