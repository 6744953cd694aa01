"""Who may do what to a mailbox: the ONE place rights are decided.

RFC 4314 §2.1 rights letters. Until ACLs are stored (their own issue), the
rule is Cyrus's default: a user has every right on their own mailboxes and
none on others'; administrators (`admins:`) have every right everywhere.
Every protocol asks `rights_for` and nothing else, so ACLs change this file
only.
"""

from __future__ import annotations

from roost.store.names import owner_of

ALL_RIGHTS = "lrswipkxtea"


def rights_for(user: str, is_admin: bool, mailbox: str) -> str:
    """The RFC 4314 rights `user` holds on internal mailbox `mailbox`."""
    if is_admin:
        return ALL_RIGHTS
    return ALL_RIGHTS if owner_of(mailbox) == user else ""


def may_create(user: str, is_admin: bool, mailbox: str) -> bool:
    """RFC 4314 §4: CREATE needs `k` on the parent; users create under their INBOX."""
    return is_admin or owner_of(mailbox) == user


def visible_prefixes(user: str, is_admin: bool, inbox: str) -> list[str]:
    """Internal name prefixes that may hold mailboxes `user` can see (LIST)."""
    return [""] if is_admin else [inbox]
