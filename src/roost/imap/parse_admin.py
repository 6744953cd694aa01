"""Administration commands cyradm uses: QUOTA (RFC 9208), ACL (RFC 4314)
and METADATA (RFC 5464, in parse_metadata)."""

from __future__ import annotations

from collections.abc import Callable

from roost.imap import commands as c
from roost.imap import parse_metadata
from roost.imap.parse_lexer import NUMBER64_MAX, Bad, Cursor


def _arg(cur: Cursor) -> str:
    cur.sp()
    return cur.astring()


def _mailbox(cur: Cursor) -> str:
    cur.sp()
    return cur.mailbox()


def _setquota(cur: Cursor) -> c.SetQuota:
    """SETQUOTA root ((resource limit)*). RFC 9208 §4.1."""
    root = _arg(cur)
    cur.sp()

    def resource() -> tuple[str, int]:
        name = cur.atom().upper()
        cur.sp()
        return name, cur.number(NUMBER64_MAX)  # RFC 9208 §5: number64

    try:
        return c.SetQuota(cur.tag, root, tuple(cur.paren_list(resource)))
    except Bad:
        # Cyrus's words, which cyradm prints; its multi-resource `sq` sends
        # `(STORAGE 2000MESSAGE 10 )` and gets this on Cyrus too.
        raise Bad(cur.tag, "Invalid quota list in Setquota") from None


def _setacl(cur: Cursor) -> c.SetAcl:
    """SETACL mailbox identifier mod-rights. RFC 4314 §3.1."""
    mailbox = _mailbox(cur)
    identifier = _arg(cur)
    return c.SetAcl(cur.tag, mailbox, identifier, _arg(cur))


def _with_identifier(
    make: type[c.DeleteAcl | c.ListRights],
) -> Callable[[Cursor], c.Command]:
    def parse(cur: Cursor) -> c.Command:
        """DELETEACL / LISTRIGHTS mailbox identifier. RFC 4314 §3.2, §3.4."""
        mailbox = _mailbox(cur)
        return make(cur.tag, mailbox, _arg(cur))

    return parse


PARSERS: dict[str, Callable[[Cursor], c.Command]] = {
    "GETQUOTA": lambda cur: c.GetQuota(cur.tag, _arg(cur)),
    "GETQUOTAROOT": lambda cur: c.GetQuotaRoot(cur.tag, _mailbox(cur)),
    "SETQUOTA": _setquota,
    "GETACL": lambda cur: c.GetAcl(cur.tag, _mailbox(cur)),
    "SETACL": _setacl,
    "DELETEACL": _with_identifier(c.DeleteAcl),
    "LISTRIGHTS": _with_identifier(c.ListRights),
    "MYRIGHTS": lambda cur: c.MyRights(cur.tag, _mailbox(cur)),
    **parse_metadata.PARSERS,
}
