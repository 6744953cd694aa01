"""One ACL entry edited, for every backend (RFC 4314 §3.1 SETACL, with
Cyrus's `+rights`/`-rights` forms): the rights an identifier holds after
a replace, add or remove, in canonical order. The backend writes the row
(dropping it when this is empty). Invariants: pure; no SQL.
"""

from __future__ import annotations

from roost.store.api import OWNER_RIGHTS, FlagOp, MailboxInfo


def edited_rights(info: MailboxInfo, identifier: str, rights: str, mode: FlagOp) -> str:
    """What `identifier` holds on `info` once `rights` are set, added or taken away."""
    held = next((e.rights for e in info.acl if e.identifier == identifier), "")
    if mode == "add":
        rights = held + rights
    elif mode == "remove":
        rights = "".join(r for r in held if r not in rights)
    return "".join(r for r in OWNER_RIGHTS if r in rights)
