"""LIST (RFC 9051 §6.3.9 with RFC 5258 extensions, RETURN (STATUS) RFC 5819,
RETURN (MYRIGHTS) RFC 8440), LSUB (RFC 3501 §6.3.9), NAMESPACE."""

from __future__ import annotations

from roost.auth.acl import shown
from roost.imap import commands as c
from roost.imap.errors import BadCommand, No
from roost.imap.handlers.mailbox import STATUS_ITEMS, status_items
from roost.imap.handlers.names import external_name
from roost.imap.responses import astring, mailbox_name, plist, string
from roost.imap.session import Session
from roost.store.api import MailboxInfo
from roost.store.names import NamePattern


def full_pattern(reference: str, pattern: str, sep: str) -> str:
    """Reference and pattern as one name pattern (RFC 9051 §6.3.9)."""
    if not reference or pattern.startswith(sep):
        return pattern
    if reference.endswith(sep):
        return reference + pattern
    return reference + sep + pattern


async def visible(s: Session) -> dict[str, MailboxInfo]:
    """Every mailbox the user may look up (`l`, RFC 4314 §4), by external name."""
    found: dict[str, MailboxInfo] = {}
    for info in await s.access.candidates(s.identity):
        external = s.ns.to_external(info.name)
        if external is not None and "l" in await s.access.rights(s.identity, info):
            found[external] = info
    return found


def ancestors(names: set[str], sep: str) -> set[str]:
    """Every proper ancestor of each name: the names that have children.

    One pass over the names (their levels), not a scan of every other name
    per name: an admin's `LIST "" *` over thousands of mailboxes asks it of
    each of them.
    """
    out: set[str] = set()
    for name in names:
        end = name.rfind(sep)
        while end > 0:
            parent = name[:end]
            if parent in out:
                break  # its own ancestors are in already
            out.add(parent)
            end = name.rfind(sep, 0, end)
    return out


def list_line(s: Session, kind: bytes, attrs: list[str], name: str,
              extra: bytes = b"") -> bytes:
    sep = string(s.ns.sep)
    return (kind + b" " + plist(a.encode() for a in attrs) + b" " + sep + b" "
            + mailbox_name(name, s.utf8) + extra)


def _pattern(s: Session, reference: str, pattern: str) -> str | None:
    """The decoded full pattern; None where reference or pattern is not
    modified UTF-7, which then matches no mailbox (OK, as on Cyrus)."""
    try:
        return full_pattern(external_name(s, reference), external_name(s, pattern), s.ns.sep)
    except No:
        return None


async def list_(s: Session, cmd: c.List) -> None:
    """LIST, basic and extended (RFC 5258 §3), RETURN (STATUS) (RFC 5819)."""
    sep = s.ns.sep
    if cmd.patterns == ("",) and not cmd.extended:
        # RFC 9051 §6.3.9: an empty pattern asks for the separator and root.
        s.untagged(b"LIST (\\Noselect) " + string(sep) + b' ""')
        return
    if cmd.select_recursive and not (cmd.select_subscribed or cmd.select_special_use):
        # RFC 5258 §3.1: RECURSIVEMATCH only qualifies another selection option.
        raise BadCommand(None, "RECURSIVEMATCH needs another selection option")
    if cmd.return_status is not None:
        bad = [i for i in cmd.return_status if i not in STATUS_ITEMS]
        if bad:
            raise BadCommand(None, f"Unknown STATUS item {bad[0]}")
    mailboxes = await visible(s)
    subscribed = {n for n in (s.ns.to_external(i) for i in await s.store.subscriptions(s.user))
                  if n is not None}
    patterns = [p for p in (_pattern(s, cmd.reference, p) for p in cmd.patterns) if p is not None]
    matchers = [NamePattern(p, sep) for p in patterns]
    existing = set(mailboxes)
    parents = ancestors(existing, sep)
    subscribed_parents = ancestors(subscribed, sep)
    if cmd.select_subscribed:
        # RFC 5258 §3.5: with RECURSIVEMATCH, parents of subscribed names count too.
        candidates = subscribed | subscribed_parents if cmd.select_recursive else subscribed
    elif all("*" in p for p in patterns):
        candidates = existing
    else:
        # RFC 3501 §6.3.8: where `%` stops short of a mailbox, its missing
        # parents are returned too, as \Noselect.
        candidates = existing | parents
    for name in sorted(candidates, key=lambda n: (n.upper() != "INBOX", n)):
        if not any(m.matches(name) for m in matchers):
            continue
        attrs = []
        info = mailboxes.get(name)
        if info is None:
            attrs.append("\\NonExistent" if cmd.extended else "\\Noselect")
        asks_rights = cmd.return_status is not None or cmd.return_myrights
        rights = await s.access.rights(s.identity, info) if info and asks_rights else ""
        # RFC 5819 §2: with `l` but not `r` there is no STATUS, and LIST says \Noselect.
        with_status = cmd.return_status is not None and "r" in rights
        if info is not None and cmd.return_status is not None and not with_status:
            attrs.append("\\Noselect")
        attrs.append("\\HasChildren" if name in parents else "\\HasNoChildren")
        if info is not None and (not cmd.extended or cmd.return_special_use
                                 or cmd.select_special_use):
            attrs.extend(info.special_use)
        if cmd.select_special_use and (info is None or not info.special_use):
            continue
        if name in subscribed and (cmd.return_subscribed or cmd.select_subscribed):
            attrs.append("\\Subscribed")
        extra = b""
        if cmd.select_recursive and cmd.select_subscribed and name in subscribed_parents:
            # RFC 5258 §3.5: a name that is not subscribed itself comes only
            # for a subscribed descendant this LIST does not return anyway.
            if name not in subscribed and all(
                    any(m.matches(d) for m in matchers)
                    for d in subscribed if d.startswith(name + sep)):
                continue
            extra = b' ("CHILDINFO" ("SUBSCRIBED"))'
        elif cmd.select_subscribed and name not in subscribed:
            continue
        s.untagged(list_line(s, b"LIST", attrs, name, extra))
        if with_status and info is not None and cmd.return_status is not None:
            s.untagged(b"STATUS " + mailbox_name(name, s.utf8) + b" "
                       + await status_items(s, info.id, cmd.return_status))
        if cmd.return_myrights and info is not None:
            # RFC 8440 §3: after the mailbox's LIST reply; none for a \NonExistent one.
            s.untagged(b"MYRIGHTS " + mailbox_name(name, s.utf8) + b" " + astring(shown(rights)))


async def lsub(s: Session, cmd: c.Lsub) -> None:
    """RFC 3501 §6.3.9: subscribed names; a `%` over a deeper one gives \\Noselect."""
    sep = s.ns.sep
    pattern = _pattern(s, cmd.reference, cmd.pattern)
    if pattern is None:
        return
    matcher = NamePattern(pattern, sep)
    subscribed = {n for n in (s.ns.to_external(i) for i in await s.store.subscriptions(s.user))
                  if n is not None}
    # As for LIST, unsubscribed parents show only where `%` stops short.
    names = subscribed if "*" in pattern else subscribed | ancestors(subscribed, sep)
    for name in sorted(names):
        if matcher.matches(name):
            # Cyrus says \HasChildren too: the `%` stopped above a subscribed child.
            attrs = [] if name in subscribed else ["\\Noselect", "\\HasChildren"]
            s.untagged(list_line(s, b"LSUB", attrs, name))


def _namespace_list(entries: list[tuple[str, str]]) -> bytes:
    if not entries:
        return b"NIL"
    return plist(plist([string(prefix), string(sep)]) for prefix, sep in entries)


async def namespace(s: Session, cmd: c.Namespace) -> None:
    """RFC 2342 §5."""
    personal, other, shared = s.ns.namespaces()
    s.untagged(b"NAMESPACE " + b" ".join(_namespace_list(n) for n in (personal, other, shared)))
