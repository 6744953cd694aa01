"""Mailbox names from the wire: modified UTF-7 -> Unicode -> internal, with rights."""

from __future__ import annotations

from roost.auth.rights import rights_for
from roost.imap.errors import BadCommand, No
from roost.imap.mutf7 import decode as mutf7_decode
from roost.imap.session import Session
from roost.store.api import InvalidMailboxName


def external_name(s: Session, raw: str) -> str:
    """The Unicode name the client means (RFC 9051 §5.1.3: modified UTF-7)."""
    try:
        return mutf7_decode(raw)
    except ValueError:
        raise BadCommand(None, "Mailbox name is not valid modified UTF-7") from None


def internal_name(s: Session, raw: str) -> str:
    """The internal name of a mailbox name as it came over the wire."""
    return internal_of(s, external_name(s, raw))


def internal_of(s: Session, external: str) -> str:
    """The internal name of a decoded (Unicode) client-side name."""
    try:
        return s.ns.to_internal(external)
    except InvalidMailboxName as err:
        raise No("CANNOT", f"Invalid mailbox name: {err}") from None


def require(s: Session, mailbox: str, right: str) -> None:
    """RFC 4314 §4: refuse without `right`; without `l` too, the mailbox does not exist."""
    held = rights_for(s.user, s.is_admin, mailbox)
    if right in held:
        return
    if "l" not in held and "r" not in held:
        raise No("NONEXISTENT", "No such mailbox")
    raise No("NOPERM", "Permission denied")


def wire_name(s: Session, internal: str) -> str:
    """What the client sees for an internal name (Unicode; encode on output)."""
    name = s.ns.to_external(internal)
    if name is None:
        raise No("NONEXISTENT", "No such mailbox")
    return name
