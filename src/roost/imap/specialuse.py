"""Special-use attributes a client may give a mailbox (RFC 6154 §3 CREATE
... (USE (...)), and `/private/specialuse` in METADATA), checked as Cyrus
3.6 checks them.

Cyrus's rules, which Roost keeps: the attributes it can honour are
`\\Archive \\Drafts \\Important \\Junk \\Sent \\Trash` (RFC 6154 §2, RFC
8457), in any case, kept in that spelling; `\\All` and `\\Flagged` need
virtual mailboxes and are refused; only personal mailboxes take them; one
user's mailboxes hold each attribute at most once. A refusal is `NO [USEATTR]` on CREATE (RFC 6154
§3) and a plain NO in SETMETADATA, with Cyrus's words.
"""

from __future__ import annotations

from collections.abc import Sequence

from roost.imap.errors import No
from roost.imap.session import Session
from roost.store import names

ALLOWED = ("\\Archive", "\\Drafts", "\\Important", "\\Junk", "\\Sent", "\\Trash")
_BY_CASE = {use.lower(): use for use in ALLOWED}


class UseRefused(Exception):
    """An attribute Roost cannot give this mailbox; `text` is Cyrus's word for why."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


async def checked(s: Session, name: str, uses: Sequence[str],
                  mailbox_id: int | None = None) -> tuple[str, ...]:
    """`uses` in their canonical spelling, for the mailbox `name` (internal;
    `mailbox_id` when it exists already); UseRefused otherwise."""
    wanted: list[str] = []
    for use in uses:
        canonical = _BY_CASE.get(use.lower())
        if canonical is None:
            raise UseRefused("Invalid annotation entry")
        if canonical not in wanted:
            wanted.append(canonical)
    owner = names.owner_of(name)
    if wanted and owner is None:
        # Cyrus: special use is for personal mailboxes (a shared one, or a
        # top-level one without altnamespace, is refused in these words).
        raise UseRefused("SPECIAL-USE flag conflict")
    if wanted and owner is not None:
        for other in await s.store.list_mailboxes(names.user_inbox(owner)):
            if other.owner == owner and other.id != mailbox_id and set(wanted) & set(other.special_use):
                raise UseRefused("SPECIAL-USE flag conflict")
    return tuple(wanted)


async def for_create(s: Session, name: str, uses: Sequence[str]) -> tuple[str, ...]:
    """The attributes CREATE gives `name`, or `NO [USEATTR]` (RFC 6154 §3:
    the mailbox is then not created)."""
    try:
        return await checked(s, name, uses)
    except UseRefused as err:
        raise No("USEATTR", err.text) from None
