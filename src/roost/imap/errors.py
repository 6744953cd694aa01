"""IMAP errors that carry their reply, and the one table mapping store errors.

Handlers raise `No` / `BadCommand`; the store raises its domain errors,
mapped here once (RFC 5530 response codes). Anything else is logged once
and answered `NO [SERVERBUG]` by dispatch.
"""

from __future__ import annotations

from roost.store import api


class ImapError(Exception):
    """A tagged NO or BAD reply: `code` is the response code without brackets."""

    status = b"NO"

    def __init__(self, code: str | None, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


class No(ImapError):
    """The command was understood and failed."""


class BadCommand(ImapError):
    """The command was not valid in this state or form."""

    status = b"BAD"


STORE_ERRORS: dict[type[api.StoreError], No] = {
    api.MailboxNotFound: No("NONEXISTENT", "No such mailbox"),
    api.PermissionDenied: No("NOPERM", "Permission denied"),
    api.MailboxExists: No("ALREADYEXISTS", "Mailbox already exists"),
    api.InvalidMailboxName: No("CANNOT", "Invalid mailbox name"),
    api.MailboxHasChildren: No("CANNOT", "Mailbox has inferiors"),
    api.MessageNotFound: No("NONEXISTENT", "No such message"),
    api.InvalidMessage: No(None, "Message refused"),
    api.OverQuota: No("OVERQUOTA", "Over quota"),  # Cyrus's words
    api.QuotaRootNotFound: No("NONEXISTENT", "Quota root does not exist"),
    # RFC 5530 §3 UNAVAILABLE: a temporary failure of a subsystem, here the
    # disk under the store. Not OVERQUOTA (deleting the user's own mail may
    # not help) nor LIMIT (an implementation limit: retrying cannot help).
    api.StorageFull: No("UNAVAILABLE", "Server storage is full, try again later"),
    api.StoreUnavailable: No("UNAVAILABLE", "Message store unavailable, try again later"),
    api.StoreCorrupt: No("SERVERBUG", "Mailbox is damaged; run reconstruct"),
}


#: The errors whose detail a client may read: why a name or a message is
#: invalid, and which limit of the disk was hit (the store words it without
#: a path). Every other detail can hold internal names (`user.bob.Box`) and
#: stays in the log.
CLIENT_DETAIL = (api.InvalidMailboxName, api.InvalidMessage, api.StorageFull)


def from_store_error(err: api.StoreError) -> No:
    """The reply for a store error (the most specific class wins)."""
    for cls in type(err).__mro__:
        reply = STORE_ERRORS.get(cls)
        if reply is not None:
            detail = str(err) if isinstance(err, CLIENT_DETAIL) else ""
            return No(reply.code, f"{reply.text}: {detail}" if detail else reply.text)
    return No("SERVERBUG", "Internal error")
