"""LMTP errors: the exception that carries a reply, and THE table that
turns delivery failures into replies.

RFC 3463 codes: X.1.1 bad destination mailbox, X.2.0 mailbox status,
X.2.2 mailbox full, X.3.0 mail system status, X.3.1 mail system full
("storage has been exceeded", the disk rather than the user's quota:
"useful only as a persistent transient error", hence 452).
"""

from __future__ import annotations

from roost.config import Config
from roost.delivery import Failure
from roost.lmtp.responses import Reply, reply


class Reject(Exception):
    """A command refused with `reply`; the connection carries on."""

    def __init__(self, refusal: Reply) -> None:
        super().__init__(refusal.text)
        self.reply = refusal


_FAILURE_REPLIES: dict[Failure, Reply] = {
    Failure.UNKNOWN_USER: reply(550, "5.1.1", "User unknown"),
    # A mailbox deleted or renamed after RCPT: temporary, so the retry
    # meets RCPT's check again and gets a definite answer.
    Failure.MAILBOX_NOT_FOUND: reply(450, "4.2.0", "Mailbox unavailable"),
    Failure.TEMPORARY: reply(451, "4.3.0", "Temporary failure, try again later"),
    Failure.STORAGE_FULL: reply(452, "4.3.1", "Insufficient system storage"),
}

OVER_QUOTA_TEMP = reply(452, "4.2.2", "Over quota")
OVER_QUOTA_PERM = reply(552, "5.2.2", "Over quota")


def failure_reply(conf: Config, failure: Failure, reason: str = "") -> Reply:
    """The reply for a recipient that failed with `failure` (`reason`: a Sieve ereject's text)."""
    if failure is Failure.REJECTED:
        # RFC 5429 §2.1.1: refuse at the LMTP level with 550; X.7.1 "delivery not authorized".
        return reply(550, "5.7.1", reason or "Rejected by the recipient's filter")
    if failure is Failure.OVER_QUOTA:
        # lmtp_over_quota_perm_failure: Cyrus's switch between 452 and 552.
        return OVER_QUOTA_PERM if conf.lmtp_over_quota_perm_failure else OVER_QUOTA_TEMP
    return _FAILURE_REPLIES[failure]
