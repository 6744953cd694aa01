"""ManageSieve errors that carry their reply, and the one table mapping
script-store errors to RFC 5804 §1.3 response codes.

Handlers raise `No`; the store
raises its domain errors, mapped here once. Anything else is logged once
by dispatch and answered `NO (TRYLATER)`: a temporary server failure.
"""

from __future__ import annotations

from roost.store import api, scripts


class ManageSieveError(Exception):
    """A failure reply; `code` is the response code without parentheses."""

    status = b"NO"

    def __init__(self, code: bytes | None, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


class No(ManageSieveError):
    """The command failed; the session carries on."""


STORE_ERRORS: dict[type[api.StoreError], No] = {
    scripts.ScriptNotFound: No(b"NONEXISTENT", "There is no script by that name"),
    scripts.ScriptExists: No(b"ALREADYEXISTS", "A script by that name already exists"),
    scripts.ScriptActive: No(b"ACTIVE", "You may not delete the active script"),
    scripts.InvalidScriptName: No(None, "Invalid script name"),
    api.StorageFull: No(b"TRYLATER", "Server storage is full, try again later"),
}


def from_store_error(err: api.StoreError) -> No:
    """The reply for a store error (the most specific class wins)."""
    for cls in type(err).__mro__:
        known = STORE_ERRORS.get(cls)
        if known is not None:
            return known
    return No(b"TRYLATER", "Internal error, try again later")
