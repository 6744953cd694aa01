"""What a delivery did for each recipient.

The failure kinds are protocol-neutral; LMTP maps each to a reply in one
table (`roost.lmtp.errors`), and a future caller (a `deliver` tool, an
SMTP submission path) maps them its own way.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from roost.store.api import AppendResult


class Failure(enum.Enum):
    """Why a recipient did not get the message."""

    UNKNOWN_USER = "unknown user"          # no such user (their INBOX does not exist)
    OVER_QUOTA = "over quota"              # the store refused: a quota root is full
    MAILBOX_NOT_FOUND = "mailbox not found"  # the target vanished between routing and storing
    STORAGE_FULL = "storage full"          # the disk under the store is full: retry later
    TEMPORARY = "temporary failure"        # anything else: the sender should retry
    REJECTED = "rejected by sieve"         # the recipient's script refused it (RFC 5429 ereject)


@dataclass(frozen=True, slots=True)
class RecipientResult:
    """One recipient's outcome, in the order the recipients were given.

    `stored` lists where the message went (several targets when a Sieve
    script files copies; none when it discarded or redirected the message,
    or a duplicate was suppressed); empty when `failure` is set. `reason`
    is the script's text for REJECTED (US-ASCII, RFC 5429 §2.1.1).
    """

    recipient: str
    failure: Failure | None = None
    stored: tuple[AppendResult, ...] = ()
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.failure is None
