"""Mailbox and server annotations (RFC 5464 METADATA): the `MetadataStore` interface.

An entry is kept per mailbox (or for the server: `mailbox_id` None) under
its scope: `/shared/...` has one value for every user who may see it,
`/private/...` one value per user (RFC 5464 §3.3). Names arrive here
already checked and lowercased (entry names are case-insensitive, RFC
5464 §3.2); values are octets. What an entry means, who may set it and
which are computed rather than stored is the protocol's business
(`roost.imap.metadata_entries`); the store keeps bytes.

Invariants: a mailbox's entries go with it (DELETE drops them, delayed
delete keeps them with the kept mailbox, RENAME keeps the id and so its
entries); one `set_metadata` call is one transaction, so a refused entry
leaves every other entry of the call unchanged (RFC 5464 §4.3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from roost.store.api import MailboxInfo, StoreError

SHARED = "/shared"
PRIVATE = "/private"


class MetadataTooMany(StoreError):
    """RFC 5464 §4.3: a new entry past the number a mailbox may hold."""


@runtime_checkable
class MetadataStore(Protocol):
    """Annotations beside the base `Store`."""

    async def metadata(self, mailbox_id: int | None, user: str) -> dict[str, bytes]:
        """Every stored entry of the mailbox (None: the server) that `user`
        sees: the shared ones and `user`'s private ones, by full name
        (`/shared/comment`, `/private/comment`). MailboxNotFound if the
        mailbox is gone."""

    async def set_metadata(self, mailbox_id: int | None, user: str,
                           values: Mapping[str, bytes | None], max_entries: int) -> None:
        """Set (bytes) or remove (None) entries by full name, `/private/`
        ones as `user`'s, all or none. MetadataTooMany when new entries
        would leave the mailbox (the server) with more than `max_entries`
        in that scope (shared, or this user's private ones)."""

    async def set_special_use(self, mailbox_id: int, special_use: Sequence[str]) -> MailboxInfo:
        """Replace the mailbox's special-use attributes (RFC 6154; Cyrus's
        `/private/specialuse`, which is one value for every user)."""
