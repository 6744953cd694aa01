"""Mailbox access keys for URLAUTH (RFC 4467 §2.3): the `UrlAuthStore` interface.

A key is a secret per (user, mailbox): the IMAP layer signs a user's
URLAUTH URLs to a mailbox with it and checks them against it. The store
keeps bytes and makes no secrets: a caller that wants a key made hands a
fresh random one in, which is kept only when the user had none, so two
sessions asking at once end with one key. Keys are keyed by mailbox id,
so RENAME keeps them and DELETE drops them with the mailbox (a new
mailbox of the same name has no key, and old URLs stay invalid).

Invariants: `access_key` never writes; after
`reset_keys` every URL signed with a dropped key fails.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class UrlAuthStore(Protocol):
    """URLAUTH mailbox access keys beside the base `Store`."""

    async def access_key(self, user: str, mailbox_id: int) -> bytes | None:
        """`user`'s key for the mailbox, None when there is none."""

    async def make_access_key(self, user: str, mailbox_id: int, fresh: bytes) -> bytes:
        """`user`'s key for the mailbox; `fresh` is stored (and returned)
        only when there was none."""

    async def reset_keys(self, user: str, mailbox_id: int | None = None) -> None:
        """Drop `user`'s key for the mailbox (None: all of `user`'s keys),
        as RFC 4467 §3 RESETKEY; a later GENURLAUTH makes a new one."""
