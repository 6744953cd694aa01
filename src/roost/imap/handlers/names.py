"""Mailbox names from the wire: modified UTF-7 -> Unicode -> internal, and
the mailbox they name as far as the identity may see it.

Every handler that names a mailbox goes through `open_mailbox` or
`target_mailbox` (DELETE and RENAME through the `Access` method made for
them), so the rights decision (`roost.auth.rights.Access`) is asked
exactly once per mailbox and a mailbox the identity may not look up
answers exactly as a missing one (RFC 4314 §4, RFC 9051 §11.5).
"""

from __future__ import annotations

import re

from roost.imap.errors import BadCommand, No
from roost.imap.mutf7 import decode as mutf7_decode
from roost.imap.session import Session
from roost.store.api import InvalidMailboxName, MailboxInfo, MailboxNotFound

#: RFC 6855 §3: Net-Unicode names hold no controls (C0, DEL, C1) and no
#: line or paragraph separator.
_NOT_NET_UNICODE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def external_name(s: Session, raw: str, creating: bool = False) -> str:
    """The Unicode name the client means: the one point where wire names
    are decoded. Modified UTF-7 (RFC 3501 §5.1.3), or for a UTF8=ACCEPT
    or IMAP4rev2 session the name as sent (RFC 6855 §3, RFC 9051 §5.1),
    which must be Net-Unicode.

    A name that is not valid modified UTF-7 is a well-formed command naming
    no mailbox there can be: NO, as Cyrus answers, not BAD; NO [CANNOT]
    when `creating` it (CREATE, RENAME's new name)."""
    if s.utf8:
        if _NOT_NET_UNICODE.search(raw):
            raise BadCommand(None, "Mailbox name is not Net-Unicode")
        return raw
    try:
        return mutf7_decode(raw)
    except ValueError:
        if creating:
            raise No("CANNOT", "Invalid mailbox name: not modified UTF-7") from None
        raise No("NONEXISTENT", "No such mailbox") from None


def internal_name(s: Session, raw: str, creating: bool = False) -> str:
    """The internal name of a mailbox name as it came over the wire."""
    return internal_of(s, external_name(s, raw, creating))


def internal_of(s: Session, external: str) -> str:
    """The internal name of a decoded (Unicode) client-side name."""
    try:
        return s.ns.to_internal(external)
    except InvalidMailboxName as err:
        raise No("CANNOT", f"Invalid mailbox name: {err}") from None


async def open_mailbox(s: Session, raw: str, needed: str) -> MailboxInfo:
    """The mailbox a wire name names, if the identity holds `needed` on it."""
    return await s.access.lookup(s.identity, internal_name(s, raw), needed)


async def target_mailbox(s: Session, raw: str) -> MailboxInfo:
    """The destination of APPEND, COPY or MOVE (the `i` right, RFC 4314 §4).

    RFC 9051 §6.3.12: TRYCREATE only "unless it is certain that the
    destination mailbox can not be created"; as Cyrus, it is sent when the
    identity could create the name, which never depends on whether a
    mailbox it may not see exists there.
    """
    name = internal_name(s, raw)
    try:
        return await s.access.lookup(s.identity, name, "i")
    except MailboxNotFound:
        if await s.access.may_create(s.identity, name):
            raise No("TRYCREATE", "Mailbox does not exist") from None
        raise


async def require_selected(s: Session, needed: str) -> None:
    """Raise unless the identity holds `needed` on the selected mailbox."""
    await s.access.require(s.identity, s.mailbox.info, needed)


async def selected_rights(s: Session) -> str:
    """The rights the identity holds on the selected mailbox (STORE, FETCH \\Seen).

    `Access.rights` decides from the identity and the view's `info` alone,
    both immutable, and `info` is replaced whenever the mailbox's ACL,
    name or owner changes (`roost.imap.updates`): so the answer is kept
    for as long as both are the same objects, not worked out per command.
    """
    view = s.mailbox
    kept = view.rights_kept
    if kept is not None and kept[0] is view.info and kept[1] is s.identity:
        return kept[2]
    rights = await s.access.rights(s.identity, view.info)
    view.rights_kept = (view.info, s.identity, rights)
    return rights


def wire_name(s: Session, internal: str) -> str:
    """What the client sees for an internal name (Unicode; encode on output)."""
    name = s.ns.to_external(internal)
    if name is None:
        raise MailboxNotFound()
    return name
