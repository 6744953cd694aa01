"""Address parts, RFC 5228 §2.7.4 and subaddress (RFC 5233)."""

from __future__ import annotations

from roost.sieve.program import Node

SEPARATOR = "+"  # RFC 5233 §4: the separator is the site's; Cyrus uses "+"
PARTS = (":localpart", ":domain", ":user", ":detail", ":all")
# RFC 5228 §5.1: the address test is restricted to headers holding addresses.
ADDRESS_HEADERS = frozenset((
    "from", "to", "cc", "bcc", "sender", "reply-to", "resent-from", "resent-to", "resent-cc",
    "resent-bcc", "resent-sender", "resent-reply-to", "return-path", "delivered-to",
    "x-original-to", "envelope-to", "errors-to", "mail-followup-to", "mail-reply-to",
    "disposition-notification-to", "x-envelope-to", "x-envelope-from", "original-recipient",
))


def part_of(node: Node) -> str:
    return next((p for p in PARTS if p in node.tags), ":all")


def address_part(address: str, part: str) -> str | None:
    """The part of an address, None when it does not exist (RFC 5233 §4: no detail)."""
    if part == ":all":
        return address
    local, at, domain = address.rpartition("@")
    if not at:
        local, domain = address, ""
    if part == ":localpart":
        return local
    if part == ":domain":
        return domain
    user, sep, detail = local.partition(SEPARATOR)
    if part == ":user":
        return user
    return detail if sep else None
