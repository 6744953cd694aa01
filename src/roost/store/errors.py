"""The store's errors: every backend raises these, and each protocol maps
them to its replies in one table (imap/errors.py and its kin).

Invariants: no I/O; a message is safe to show a client (no paths, no SQL).
Callers import them through `roost.store.api`, the one door to the store.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of the store's domain errors."""


class MailboxNotFound(StoreError):
    """No mailbox of that name, or one the identity may not look up: the two
    are one error so no reply tells them apart (RFC 4314 §4)."""


class PermissionDenied(StoreError):
    """The identity may see the mailbox but lacks a right the operation needs."""


class MailboxExists(StoreError):
    """CREATE or RENAME onto a name that is taken."""


class InvalidMailboxName(StoreError):
    """A name that cannot be a mailbox (bad characters, empty level, too long)."""


class MailboxHasChildren(StoreError):
    """RFC 9051 §6.3.5: deleting a \\Noselect mailbox that has inferiors."""


class MessageNotFound(StoreError):
    """A UID that is not (or no longer) in the mailbox."""


class InvalidMessage(StoreError):
    """A message the store will not keep (an empty body)."""


class OverQuota(StoreError):
    """The change would exceed a quota root's limit."""


class QuotaRootNotFound(StoreError):
    """GETQUOTA of a name that is no quota root (RFC 9208 §4.2: NO)."""


class StorageFull(StoreError):
    """The disk (or the file system quota) holding the store is full: a
    temporary failure of the server, not the user's quota; nothing of the
    change was kept."""


class StoreUnavailable(StoreError):
    """A service the store depends on (the body bucket) cannot be reached:
    temporary, nothing of the change was kept."""


class StoreCorrupt(StoreError):
    """The on-disk store is inconsistent; `check()` says how."""
